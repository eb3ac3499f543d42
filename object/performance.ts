/**
 * Performance counters by name, as govmomi's performance.Manager and
 * `govc metric.sample` use them.
 *
 *   const counters = await perfCounters(client);                 // names ↔ ids, read once
 *   counters.byName("cpu.usage.average").id;                    // 2 on vCenter
 *   const series = await queryPerf(client, { entities: [vm], counters: ["cpu.usage.average", "mem.usage.average"], maxSample: 6, counterIndex: counters });
 *   series[0].samples;                                           // [{ time: Date, value: number }, …] oldest first
 *
 * Realtime statistics (intervalId 20, the default) come from the hosts;
 * historical ones (300, 1800, 7200, 86400 on vCenter) from vCenter's rollups.
 * `instances: "*"` asks for every instance (each CPU, each disk…): they are
 * listed with QueryAvailablePerfMetric first, so every series names its real
 * instance; the default `""` is the aggregate.
 */
import {
  PerformanceManager,
  type AnyClient,
  type MoRef,
  type PerfCounterInfo,
  type PerfEntityMetric,
  type PerfMetricId,
  type PerfMetricIntSeries,
  type PerfQuerySpec,
} from "./bindings.js";
import { NotFoundError } from "./errors.js";
import { callOptions } from "./internal.js";
import { readProperties } from "./vm.js";

/** A counter: `cpu.usage.average` and what the server says about it. */
export interface Counter {
  readonly id: number;
  /** `group.counter.rollup`, e.g. `cpu.usage.average`. */
  readonly name: string;
  readonly group: string;
  readonly counter: string;
  readonly rollup: string;
  /** `percent`, `kiloBytes`, `megaHertz`… (percent values are hundredths: 5000 is 50%). */
  readonly unit: string;
  readonly statsType: string;
  readonly level: number | undefined;
  readonly description: string;
  readonly info: PerfCounterInfo;
}

/** Every counter the server knows, by name and by id. */
export interface CounterIndex {
  readonly counters: readonly Counter[];
  /** NotFoundError naming the closest names when the name is unknown. */
  byName(name: string): Counter;
  byId(id: number): Counter | undefined;
}

function perfManager(client: AnyClient): MoRef<"PerformanceManager"> {
  const pm = (client.serviceContent as { perfManager?: MoRef<"PerformanceManager"> }).perfManager;
  if (!pm) throw new TypeError("performance: this server's ServiceContent has no perfManager");
  return pm;
}

/** Reads `PerformanceManager.perfCounter` once and indexes it. */
export async function perfCounters(client: AnyClient, options: { signal?: AbortSignal } = {}): Promise<CounterIndex> {
  const infos = ((await readProperties(client, perfManager(client), ["perfCounter"], options)).perfCounter as PerfCounterInfo[] | undefined) ?? [];
  const counters = infos.map(
    (info): Counter => ({
      id: info.key,
      name: `${info.groupInfo.key}.${info.nameInfo.key}.${info.rollupType}`,
      group: info.groupInfo.key,
      counter: info.nameInfo.key,
      rollup: info.rollupType,
      unit: info.unitInfo.key,
      statsType: info.statsType,
      level: info.level,
      description: info.nameInfo.summary,
      info,
    }),
  );
  const names = new Map(counters.map((c) => [c.name, c]));
  const ids = new Map(counters.map((c) => [c.id, c]));
  return {
    counters,
    byName(name) {
      const c = names.get(name);
      if (c) return c;
      const group = typeof name === "string" ? name.split(".")[0] : "";
      const near = counters.filter((x) => x.group === group).slice(0, 6).map((x) => x.name);
      throw new NotFoundError("perf counter", String(name), near.length > 0 ? `counters of group "${group}" include: ${near.join(", ")}` : `names are "group.counter.rollup", e.g. "cpu.usage.average"`);
    },
    byId: (id) => ids.get(id),
  };
}

/** The (counter, instance) pairs the entity has at this interval (QueryAvailablePerfMetric). */
export async function availableMetrics(
  client: AnyClient,
  entity: MoRef,
  options: { intervalId?: number; signal?: AbortSignal; counterIndex?: CounterIndex } = {},
): Promise<Array<{ counter: Counter; instance: string }>> {
  const index = options.counterIndex ?? (await perfCounters(client, options));
  const ids = (await client.call(PerformanceManager.QueryAvailablePerfMetric, perfManager(client), { entity, intervalId: options.intervalId ?? 20 }, callOptions(options))) ?? [];
  return ids.flatMap((m) => {
    const counter = index.byId(m.counterId);
    return counter ? [{ counter, instance: m.instance }] : [];
  });
}

export interface PerfQuery {
  readonly entities: MoRef | readonly MoRef[];
  /** Counter names, `group.counter.rollup`. */
  readonly counters: readonly string[];
  /** `""` (default) the aggregate, `"*"` every instance, or the instances to read (`"0"` the first CPU…). */
  readonly instances?: string | readonly string[];
  /** 20 (realtime, default) or a historical interval in seconds (300, 1800, 7200, 86400). */
  readonly intervalId?: number;
  readonly start?: Date;
  readonly end?: Date;
  /** Most recent samples per series; default 1 without `start` (the latest value), all of the range with it. */
  readonly maxSample?: number;
  readonly counterIndex?: CounterIndex;
  readonly signal?: AbortSignal;
}

export interface Sample {
  readonly time: Date;
  /** The sampled value; undefined where the server had none (it sends -1). */
  readonly value: number | undefined;
}

/** One counter of one instance of one entity over time. */
export interface Series {
  readonly entity: MoRef;
  readonly counter: Counter;
  /** `""` for the aggregate. */
  readonly instance: string;
  readonly interval: number;
  /** Oldest first. */
  readonly samples: readonly Sample[];
}

/** QueryPerf by counter name; one series per entity, counter and instance that has data. */
export async function queryPerf(client: AnyClient, query: PerfQuery): Promise<Series[]> {
  const entities = (Array.isArray(query?.entities) ? query.entities : [query?.entities]) as MoRef[];
  if (entities.length === 0 || entities.some((e) => typeof e?.type !== "string" || typeof e.value !== "string")) {
    throw new TypeError(`queryPerf: entities must be managed object references, got ${JSON.stringify(query?.entities)}`);
  }
  if (!Array.isArray(query.counters) || query.counters.length === 0) throw new TypeError(`queryPerf: counters must be a non-empty list of names like "cpu.usage.average"`);
  const interval = query.intervalId ?? 20;
  if (!Number.isInteger(interval) || interval <= 0) throw new TypeError(`queryPerf: intervalId must be a positive number of seconds, got ${JSON.stringify(query.intervalId)}`);
  const index = query.counterIndex ?? (await perfCounters(client, query));
  const wanted = query.counters.map((n) => index.byName(n));
  const instances = query.instances ?? "";
  // With a range, ask for as many samples as fit in it: the same as no limit on vCenter, and vcsim needs a number.
  const maxSample =
    query.maxSample ?? (query.start ? Math.max(1, Math.floor(((query.end ?? new Date()).getTime() - query.start.getTime()) / 1000 / interval) + 1) : 1);

  const specs: PerfQuerySpec[] = [];
  for (const entity of entities) {
    let metricId: PerfMetricId[];
    if (instances === "*") {
      // List the concrete instances, so each series is named after its CPU or disk on every server.
      const available = await availableMetrics(client, entity, { intervalId: interval, counterIndex: index, ...callOptions(query) });
      const ids = new Set(wanted.map((c) => c.id));
      metricId = available.filter((a) => ids.has(a.counter.id)).map((a) => ({ _typeName: "PerfMetricId", counterId: a.counter.id, instance: a.instance }));
      if (metricId.length === 0) continue;
    } else {
      const list = typeof instances === "string" ? [instances] : [...instances];
      metricId = wanted.flatMap((c) => list.map((instance): PerfMetricId => ({ _typeName: "PerfMetricId", counterId: c.id, instance })));
    }
    specs.push({
      _typeName: "PerfQuerySpec",
      entity,
      metricId,
      intervalId: interval,
      format: "normal",
      ...(query.start ? { startTime: query.start } : {}),
      ...(query.end ? { endTime: query.end } : {}),
      maxSample,
    });
  }
  if (specs.length === 0) return [];
  const results = (await client.call(PerformanceManager.QueryPerf, perfManager(client), { querySpec: specs }, callOptions(query))) ?? [];
  const out: Series[] = [];
  for (const r of results) {
    if (r._typeName !== "PerfEntityMetric") continue; // CSV results are never asked for
    const metric = r as PerfEntityMetric;
    const info = metric.sampleInfo ?? [];
    // Servers differ in order (vcsim sends newest first): sort every series by time.
    const order = info.map((_, i) => i).sort((a, b) => info[a]!.timestamp.getTime() - info[b]!.timestamp.getTime());
    for (const v of metric.value ?? []) {
      const counter = index.byId(v.id.counterId);
      if (!counter || v._typeName !== "PerfMetricIntSeries") continue;
      const values = (v as PerfMetricIntSeries).value ?? [];
      out.push({
        entity: metric.entity,
        counter,
        instance: v.id.instance,
        interval: info[0]?.interval ?? interval,
        samples: order.map((i) => ({ time: info[i]!.timestamp, value: values[i] === undefined || values[i]! < 0 ? undefined : values[i]! })),
      });
    }
  }
  return out;
}
