/**
 * `tsvmomi tasks [-f] [-n COUNT] [PATH]`: recent tasks (TaskManager.recentTask),
 * oldest first, optionally only those on PATH's entities; `-f` then prints
 * tasks as they start and as they finish, until Ctrl-C.
 */
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { expand } from "../finder.js";
import { moRefKey, retrieveAny, watch, waitForTask, type MoRef } from "tsvmomi";
import { printJson, printTable, toJson } from "../output.js";

// biome-ignore lint/suspicious/noExplicitAny: server data read loosely for display, whatever the release's types say
type Any = Record<string, any>;

export interface TaskLine {
  readonly task: string;
  readonly name: string;
  readonly target?: string;
  readonly state: string;
  readonly progress?: number;
  readonly queueTime?: unknown;
  readonly completeTime?: unknown;
  readonly error?: string;
}

function line(info: Any): TaskLine {
  return {
    task: info.key,
    name: info.descriptionId ?? info.name ?? "",
    ...(info.entityName ? { target: info.entityName } : {}),
    state: info.state,
    ...(info.progress !== undefined ? { progress: info.progress } : {}),
    ...(info.queueTime ? { queueTime: info.queueTime } : {}),
    ...(info.completeTime ? { completeTime: info.completeTime } : {}),
    ...(info.error ? { error: `${info.error.fault?._typeName ?? "fault"}${info.error.localizedMessage ? `: ${info.error.localizedMessage}` : ""}` } : {}),
  };
}

const stamp = (t: unknown) => (t instanceof Date ? t.toISOString() : t === undefined ? "" : String(t));
const done = (state: unknown) => state === "success" || state === "error";

export async function run(ctx: CommandContext): Promise<number> {
  const count = (ctx.flags.n as number | undefined) ?? 25;
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`tasks: -n must be a positive integer, got ${count}`, "tasks");
  const client = await ctx.client();
  const only = ctx.args[0] ? new Set((await expand(client, ctx.args[0], ctx.io.env, ctx.signal)).map((f) => moRefKey(f.ref))) : undefined;
  const taskManager = (client.serviceContent as { taskManager?: MoRef<"TaskManager"> }).taskManager;
  if (!taskManager) throw new Error("tasks: the server's ServiceContent has no taskManager");
  const infos = async (refs: readonly MoRef[]) =>
    refs.length === 0 ? [] : (await retrieveAny(client, refs, ["info"], { signal: ctx.signal })).map((o) => o.info as Any).filter(Boolean);
  const relevant = (info: Any) => !only || (info.entity && only.has(moRefKey(info.entity)));

  const [tm] = await retrieveAny(client, [taskManager], ["recentTask"], { signal: ctx.signal });
  const recent = ((tm?.recentTask as MoRef[] | undefined) ?? []);
  const list = (await infos(recent)).filter(relevant).sort((a, b) => stamp(a.queueTime).localeCompare(stamp(b.queueTime))).slice(-count).map(line);
  if (!ctx.flags.f) {
    if (ctx.json) printJson(ctx.io, { tasks: list });
    else printTable(ctx.io, list.map((t) => [stamp(t.queueTime), t.name, t.target ?? "", t.state, t.error ?? stamp(t.completeTime)]), ["QUEUED", "TASK", "TARGET", "STATE", "RESULT"]);
    return 0;
  }
  const write = (t: TaskLine) => {
    if (ctx.json) ctx.io.stdout.write(`${toJson(t, false)}\n`);
    else ctx.io.stdout.write(`${stamp(t.completeTime ?? t.queueTime)}  ${t.name}  ${t.target ?? ""}  ${t.state}${t.error ? `  ${t.error}` : ""}\n`);
  };
  for (const t of list) write(t);
  // Follow: a watch on the TaskManager's list for new tasks, and one waitForTask per unfinished task for its end.
  const known = new Set(recent.map(moRefKey));
  const trackers = new Set<Promise<void>>();
  const track = (task: MoRef<"Task">) => {
    const p: Promise<void> = waitForTask(client, task, { signal: ctx.signal })
      .catch(() => undefined) // a failed task is printed from its info like a successful one
      .then(async () => {
        if (ctx.signal.aborted) return;
        for (const info of await infos([task])) write(line(info));
      })
      .catch(() => undefined)
      .finally(() => trackers.delete(p));
    trackers.add(p);
  };
  for (const info of await infos(recent)) if (relevant(info) && !done(info.state)) track(info.task);
  try {
    await using w = await watch(client as never, { from: [taskManager], type: "TaskManager", select: ["recentTask"] } as never, { signal: ctx.signal });
    for await (const set of w as AsyncIterable<{ objects: readonly { values?: Any }[] }>) {
      const now = (set.objects[0]?.values?.recentTask as MoRef[] | undefined) ?? [];
      const fresh = now.filter((r) => !known.has(moRefKey(r)));
      for (const r of fresh) known.add(moRefKey(r));
      for (const info of await infos(fresh)) {
        if (!relevant(info)) continue;
        write(line(info));
        if (!done(info.state)) track(info.task);
      }
    }
  } catch (err) {
    if (!ctx.signal.aborted) throw err;
  } finally {
    // Each tracker's own watch cleans up on the server when the signal aborts; wait for that.
    await Promise.allSettled([...trackers]);
  }
  return 0;
}
