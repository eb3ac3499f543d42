/**
 * `tsvmomi watch PATH PROPERTY...`: the current values, then each change as
 * it arrives, until Ctrl-C (or `-n COUNT` changes). Stopping runs
 * CancelWaitForUpdates and DestroyPropertyCollector, so nothing is left on
 * the server. With --json, one JSON object per line (NDJSON).
 */
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { expand } from "../finder.js";
import { moRefKey, watch, type MoRef } from "tsvmomi";
import { cell, toJson } from "../output.js";
import { checkProperties } from "./get.js";

export async function run(ctx: CommandContext): Promise<number> {
  const [pattern, ...properties] = ctx.args as [string, ...string[]];
  const limit = ctx.flags.n as number | undefined;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`watch: -n must be a positive integer, got ${limit}`, "watch");
  const client = await ctx.client();
  const found = await expand(client, pattern, ctx.io.env, ctx.signal);
  const types = [...new Set(found.map((f) => f.ref.type))];
  if (types.length > 1) throw new UsageError(`watch: ${pattern} matches objects of several types (${types.join(", ")}); narrow it to one type`, "watch");
  checkProperties("watch", client, types, properties);
  const pathOf = new Map(found.map((f) => [moRefKey(f.ref), f.path]));
  const previous = new Map<string, Record<string, string>>();
  const emit = (kind: string, ref: MoRef, values: Record<string, unknown> | undefined, only?: readonly string[]) => {
    const path = pathOf.get(moRefKey(ref)) ?? moRefKey(ref);
    const shown = only ?? properties;
    if (ctx.json) {
      const props: Record<string, unknown> = {};
      for (const p of shown) props[p] = values?.[p] ?? null;
      ctx.io.stdout.write(`${toJson({ time: new Date().toISOString(), kind, path, ref, properties: props }, false)}\n`);
    } else {
      const text = kind === "leave" ? "(gone)" : shown.map((p) => `${p}=${cell(values?.[p])}`).join(" ");
      ctx.io.stdout.write(`${new Date().toISOString()} ${path} ${text}\n`);
    }
  };
  let changes = 0;
  try {
    await using w = await watch(client as never, { from: found.map((f) => f.ref), type: types[0]!, select: properties } as never, {
      signal: ctx.signal,
      logger: { warn: (m: string) => void ctx.io.stderr.write(`tsvmomi: warning: ${m}\n`) },
    });
    for await (const set of w as AsyncIterable<{ kind: string; objects: readonly { kind: string; ref: MoRef; values?: Record<string, unknown> }[] }>) {
      for (const o of set.objects) {
        const key = moRefKey(o.ref);
        const now = Object.fromEntries(properties.map((p) => [p, toJson(o.values?.[p] ?? null, false)]));
        if (set.kind !== "update") {
          emit(set.kind === "initial" ? "initial" : "resync", o.ref, o.values);
        } else if (o.kind === "leave") {
          emit("leave", o.ref, undefined);
          changes++;
        } else {
          const before = previous.get(key);
          const changed = properties.filter((p) => before?.[p] !== now[p]);
          if (changed.length === 0) continue;
          emit(o.kind === "enter" ? "enter" : "modify", o.ref, o.values, changed);
          changes++;
        }
        previous.set(key, now);
        if (limit !== undefined && changes >= limit) return 0; // leaving the scope destroys the collector
      }
    }
  } catch (err) {
    // Ctrl-C is how a watch normally ends; the collector is gone by the time the loop has unwound.
    if (ctx.signal.aborted) return 0;
    throw err;
  }
  return 0;
}
