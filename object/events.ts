/**
 * Events as an async iterator over an EventHistoryCollector, as govmomi's
 * event.Manager and `govc events [-f]` read them.
 *
 *   for await (const e of events(client, { entity: vm, types: ["VmPoweredOnEvent"], since })) console.log(e.createdTime, e.fullFormattedMessage);
 *   for await (const e of events(client, { entity: dc }, { follow: true, signal })) …;   // history, then new events as they come
 *
 * The collector is created for the iteration and destroyed when it ends, by
 * whatever path: the events ran out, `break`/`return`, an exception in the
 * loop, the signal aborting. Destroying it never hides the error that ended
 * the loop (a failed DestroyCollector is reported to `logger.warn`).
 *
 * History is read oldest first (RewindCollector, then ReadNextEvents pages;
 * each page is ordered by event key). vcsim 0.24's collector scrolls the other
 * way, so against it pages after the first arrive newest first.
 * Following watches the collector's `latestPage` and yields the events whose
 * `key` is newer than the last one yielded; more than `tailPageSize` events
 * between two updates of the page would skip the oldest of them, so the page
 * is sized for bursts (100 by default).
 */
import {
  EventHistoryCollector,
  EventManager,
  HistoryCollector,
  watch,
  type AnyClient,
  type Event,
  type EventFilterSpec,
  type MoRef,
} from "./bindings.js";
import { callOptions } from "./internal.js";

export interface EventFilter {
  /** Events about this entity; `recursion` says whether its children's count too (default `all`). */
  readonly entity?: MoRef;
  readonly recursion?: "self" | "children" | "all";
  /** Event type names (`VmPoweredOnEvent`, or a base like `VmEvent`) or EventEx type ids. */
  readonly types?: readonly string[];
  readonly since?: Date;
  readonly until?: Date;
  readonly userNames?: readonly string[];
  readonly categories?: ReadonlyArray<"info" | "warning" | "error" | "user">;
  /** At most this many events of history (EventFilterSpec.maxCount). */
  readonly limit?: number;
}

export interface EventStreamOptions {
  readonly signal?: AbortSignal;
  /** Events per ReadNextEvents call. Default 100. */
  readonly pageSize?: number;
  /** After the history, keep yielding new events until the signal aborts or the loop stops. */
  readonly follow?: boolean;
  /** Read the history first (default true); false with `follow` yields only events newer than the start. */
  readonly history?: boolean;
  /** Size of the collector's latest page while following. Default 100. */
  readonly tailPageSize?: number;
  /** Server-side wait per WaitForUpdatesEx while following, in seconds. */
  readonly maxWaitSeconds?: number;
  readonly logger?: { warn(message: string): void };
  /** Called once following has started: events from then on will be yielded. */
  readonly onFollowing?: () => void;
}

function filterSpec(f: EventFilter): EventFilterSpec {
  if (f.limit !== undefined && (!Number.isInteger(f.limit) || f.limit < 1)) throw new TypeError(`events: limit must be a positive whole number, got ${JSON.stringify(f.limit)}`);
  if (f.since !== undefined && !(f.since instanceof Date && !Number.isNaN(f.since.getTime()))) throw new TypeError(`events: since must be a valid Date, got ${String(f.since)}`);
  if (f.until !== undefined && !(f.until instanceof Date && !Number.isNaN(f.until.getTime()))) throw new TypeError(`events: until must be a valid Date, got ${String(f.until)}`);
  return {
    _typeName: "EventFilterSpec",
    ...(f.entity ? { entity: { _typeName: "EventFilterSpecByEntity", entity: f.entity as MoRef<never>, recursion: f.recursion ?? "all" } } : {}),
    ...(f.since || f.until ? { time: { _typeName: "EventFilterSpecByTime", ...(f.since ? { beginTime: f.since } : {}), ...(f.until ? { endTime: f.until } : {}) } } : {}),
    ...(f.userNames?.length ? { userName: { _typeName: "EventFilterSpecByUsername", systemUser: false, userList: [...f.userNames] } } : {}),
    ...(f.categories?.length ? { category: [...f.categories] } : {}),
    ...(f.types?.length ? { eventTypeId: [...f.types] } : {}),
    ...(f.limit !== undefined ? { maxCount: f.limit } : {}),
  };
}

/** Events matching `filter`, oldest first; with `follow`, then new ones as they happen. */
export async function* events(client: AnyClient, filter: EventFilter = {}, options: EventStreamOptions = {}): AsyncGenerator<Event, void, undefined> {
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new TypeError(`events: pageSize must be a positive whole number, got ${JSON.stringify(options.pageSize)}`);
  const em = (client.serviceContent as { eventManager?: MoRef<"EventManager"> }).eventManager;
  if (!em) throw new TypeError("events: this server's ServiceContent has no eventManager");
  const spec = filterSpec(filter);
  options.signal?.throwIfAborted();
  const collector = await client.call(EventManager.CreateCollectorForEvents, em, { filter: spec }, callOptions(options));
  let lastKey = -Infinity;
  try {
    if (options.history ?? true) {
      await client.call(HistoryCollector.RewindCollector, collector, {}, callOptions(options));
      for (;;) {
        const page = (await client.call(EventHistoryCollector.ReadNextEvents, collector, { maxCount: pageSize }, callOptions(options))) ?? [];
        if (page.length === 0) break;
        // Pages come oldest first; within one, order by key (vcsim hands its page over newest first).
        for (const e of [...page].sort((a, b) => a.key - b.key)) {
          if (e.key > lastKey) lastKey = e.key;
          yield e;
        }
        if (page.length < pageSize) break;
      }
    }
    if (!options.follow) return;
    const tail = options.tailPageSize ?? 100;
    await client.call(HistoryCollector.SetCollectorPageSize, collector, { maxCount: tail }, callOptions(options));
    await using w = await watch(client, { from: [collector], type: "EventHistoryCollector" as never, select: ["latestPage"] as never[] }, {
      ...callOptions(options),
      ...(options.maxWaitSeconds !== undefined ? { maxWaitSeconds: options.maxWaitSeconds } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    let first = true;
    for await (const set of w as AsyncIterable<{ cache: ReadonlyMap<string, { values: Record<string, unknown> }> }>) {
      const latest = ([...set.cache.values()][0]?.values.latestPage as Event[] | undefined) ?? [];
      const fresh = latest.filter((e) => e.key > lastKey).sort((a, b) => a.key - b.key);
      // Without history, what the page holds at the start is history too: only what comes later is new.
      if (first && !(options.history ?? true)) {
        for (const e of fresh) lastKey = Math.max(lastKey, e.key);
        first = false;
        options.onFollowing?.();
        continue;
      }
      if (first) options.onFollowing?.();
      first = false;
      for (const e of fresh) {
        lastKey = e.key;
        yield e;
      }
    }
    options.signal?.throwIfAborted();
  } finally {
    // Without the caller's signal: it may be what ended the loop, and the collector must still go.
    await client.call(HistoryCollector.DestroyCollector, collector, {}).catch((err: unknown) => {
      const warn = options.logger?.warn ?? ((m: string) => process.emitWarning(m, { code: "TSVMOMI_CLEANUP" }));
      warn(`events: DestroyCollector(${collector.value}) failed: ${(err as Error)?.message ?? String(err)}`);
    });
  }
}
