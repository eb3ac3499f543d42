/**
 * `tsvmomi events [-f] [-n COUNT] [-type EVENT]... [PATH...]`: the latest
 * events (of PATH and everything below it, or of the whole inventory),
 * oldest first; `-f` then follows new ones until Ctrl-C.
 *
 * Reads through an EventHistoryCollector's `latestPage` (as govc does) and
 * follows it with a property watch; the collector is destroyed on every exit
 * path, Ctrl-C included.
 */
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { expand, type Found } from "../finder.js";
import { methods } from "../bindings.js";
import { retrieveAny, watch, type MoRef } from "tsvmomi";
import { printJson, printTable, toJson } from "../output.js";

export interface EventLine {
  readonly key: number;
  readonly type: string;
  readonly createdTime: unknown;
  readonly userName?: string;
  readonly message?: string;
  readonly source?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: server data read loosely for display, whatever the release's types say
type Any = Record<string, any>;

function line(e: Any, source: string | undefined): EventLine {
  return {
    key: e.key,
    type: e._typeName,
    createdTime: e.createdTime,
    ...(e.userName ? { userName: e.userName } : {}),
    ...(e.fullFormattedMessage ? { message: e.fullFormattedMessage } : {}),
    ...(source ? { source } : {}),
  };
}

const CLEANUP_MS = 5_000;

export async function run(ctx: CommandContext): Promise<number> {
  const count = (ctx.flags.n as number | undefined) ?? 25;
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`events: -n must be a positive integer, got ${count}`, "events");
  const client = await ctx.client();
  const targets: (Found | undefined)[] = [];
  for (const arg of ctx.args) targets.push(...(await expand(client, arg, ctx.io.env, ctx.signal)));
  if (targets.length === 0) targets.push(undefined); // the whole inventory
  const [EM, HC] = await Promise.all([methods.EventManager(), methods.HistoryCollector()]);
  const eventManager = (client.serviceContent as { eventManager?: MoRef<"EventManager"> }).eventManager;
  if (!eventManager) throw new Error("events: the server's ServiceContent has no eventManager");
  const types = ctx.flags.type as string[] | undefined;

  const collectors: { ref: MoRef<"EventHistoryCollector">; source: string | undefined }[] = [];
  try {
    for (const t of targets) {
      const filter = {
        ...(t ? { entity: { entity: t.ref, recursion: "all" } } : {}),
        ...(types?.length ? { eventTypeId: types } : {}),
      };
      const ref = await client.call(EM.CreateCollectorForEvents, eventManager, { filter } as never, { signal: ctx.signal });
      collectors.push({ ref, source: t && targets.length > 1 ? t.path : undefined });
      await client.call(HC.SetCollectorPageSize, ref, { maxCount: count }, { signal: ctx.signal });
    }
    const pages = await retrieveAny(client, collectors.map((c) => c.ref), ["latestPage"], { signal: ctx.signal });
    const seen = new Map<string, number>(); // collector → highest key printed
    const initial: EventLine[] = [];
    for (const c of collectors) {
      const page = ((pages.find((p) => p.ref.value === c.ref.value)?.latestPage as Any[] | undefined) ?? []).map((e) => line(e, c.source));
      seen.set(c.ref.value, Math.max(0, ...page.map((e) => e.key)));
      initial.push(...page);
    }
    // Event keys grow with time on a server; with several collectors (PATHs), order by time, then key.
    initial.sort((a, b) => time(a.createdTime) - time(b.createdTime) || a.key - b.key);
    const shown = initial.slice(-count);
    if (!ctx.flags.f) {
      if (ctx.json) printJson(ctx.io, { events: shown });
      else printEvents(ctx, shown);
      return 0;
    }
    for (const e of shown) writeFollowed(ctx, e);
    await using w = await watch(client as never, { from: collectors.map((c) => c.ref), type: "EventHistoryCollector", select: ["latestPage"] } as never, { signal: ctx.signal });
    try {
      for await (const set of w as AsyncIterable<{ objects: readonly { ref: MoRef; values?: Any }[] }>) {
        for (const o of set.objects) {
          const c = collectors.find((x) => x.ref.value === o.ref.value);
          const last = seen.get(o.ref.value) ?? 0;
          const fresh = ((o.values?.latestPage as Any[] | undefined) ?? []).filter((e) => e.key > last).sort((a, b) => a.key - b.key);
          for (const e of fresh) writeFollowed(ctx, line(e, c?.source));
          if (fresh.length) seen.set(o.ref.value, fresh[fresh.length - 1]!.key);
        }
      }
    } catch (err) {
      if (!ctx.signal.aborted) throw err;
    }
    return 0;
  } finally {
    // Not ctx.signal: after Ctrl-C the collectors must still be destroyed. A failure here never masks the result.
    await Promise.all(
      collectors.map((c) => client.call(HC.DestroyCollector, c.ref, {}, { timeout: CLEANUP_MS }).catch((err: Error) => {
        ctx.io.stderr.write(`tsvmomi: warning: DestroyCollector ${c.ref.value}: ${err.message}\n`);
      })),
    );
  }
}

function printEvents(ctx: CommandContext, events: readonly EventLine[]): void {
  printTable(ctx.io, events.map((e) => [stamp(e.createdTime), ...(e.source ? [e.source] : []), e.type, e.message ?? ""]));
}

function writeFollowed(ctx: CommandContext, e: EventLine): void {
  if (ctx.json) ctx.io.stdout.write(`${toJson(e, false)}\n`);
  else {
    const line = `${stamp(e.createdTime)}  ${e.source ? `${e.source}  ` : ""}${e.type}  ${e.message ?? ""}`;
    ctx.io.stdout.write(`${line.trimEnd()}\n`);
  }
}

function time(t: unknown): number {
  return t instanceof Date ? t.getTime() : Date.parse(String(t)) || 0;
}

function stamp(t: unknown): string {
  return t instanceof Date ? t.toISOString() : String(t ?? "");
}
