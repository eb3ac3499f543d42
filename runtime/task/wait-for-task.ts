/**
 * `waitForTask()`: follows a Task's `info` through a watch until it ends, and
 * returns `info.result` or throws `info.error` as a MethodFaultError.
 */
import type { Client } from "../client/client.js";
import type { BindingTables } from "../client/descriptor.js";
import { watch, type ChangeSet } from "../property/watch.js";
import { ObjectGoneError, WatchEndedError } from "../errors/client.js";
import { moRefKey } from "../moref.js";
import type { TaskRef } from "../types.js";
import { taskFaultError, type LocalizedFault } from "./task-fault.js";

/** The parts of TaskInfo the waiter reads; the callback receives the whole decoded object. */
export interface TaskInfoLike {
  readonly _typeName?: string;
  readonly state: "queued" | "running" | "success" | "error";
  readonly progress?: number;
  readonly result?: unknown;
  readonly error?: LocalizedFault;
  readonly descriptionId?: string;
  readonly name?: string;
  readonly [field: string]: unknown;
}

export interface WaitForTaskOptions {
  /** Called whenever `info.progress` or `info.state` changes while the task runs (progress is 0–100, or undefined before the server reports any). */
  readonly onProgress?: (progress: number | undefined, info: TaskInfoLike) => void;
  readonly signal?: AbortSignal;
  /** Optional since the client supplies its own registry; a fault error matches its base classes (InvalidPowerState → InvalidState). */
  readonly bindings?: BindingTables;
  /** Per-wait seconds on the server (see WatchOptions.maxWaitSeconds). */
  readonly maxWaitSeconds?: number;
  readonly logger?: { warn(message: string): void; debug?(message: string): void };
}

/**
 * Resolves with the task's result: typed from the task reference a generated
 * descriptor returned (`MoRef<"VirtualMachine">` for CloneVM_Task's task,
 * `undefined` for PowerOnVM_Task's), `unknown` for a plain `MoRef<"Task">`.
 */
export async function waitForTask<R = unknown, B extends BindingTables = BindingTables, V extends string = string>(
  client: Client<B, V>,
  task: TaskRef<R>,
  opts: WaitForTaskOptions = {},
): Promise<R> {
  if (typeof task?.type !== "string" || typeof task.value !== "string") {
    throw new TypeError(`waitForTask: expected a Task reference { type: "Task", value }, got ${JSON.stringify(task)}`);
  }
  const key = moRefKey(task);
  const c = client as unknown as Client<BindingTables>;
  await using w = await watch(c, { from: [task], type: "Task" as never, select: ["info"] as never[] }, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.maxWaitSeconds !== undefined ? { maxWaitSeconds: opts.maxWaitSeconds } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  let last: { state: string; progress: number | undefined } | undefined;
  for await (const set of w as AsyncIterable<ChangeSet>) {
    const info = set.cache.get(key)?.values.info as TaskInfoLike | undefined;
    if (!info) throw new ObjectGoneError("waitForTask", task, `the task ${set.objects.some((o) => o.kind === "leave") ? "was removed" : "does not exist"} before it finished`);
    if (info.state === "success") return info.result as R;
    if (info.state === "error") throw taskFaultError(task, info.descriptionId ?? info.name ?? "task", info.error, opts.bindings ?? client.schemaRegistry);
    if (opts.onProgress && (last?.state !== info.state || last.progress !== info.progress)) opts.onProgress(info.progress, info);
    last = { state: info.state, progress: info.progress };
  }
  opts.signal?.throwIfAborted();
  throw new WatchEndedError("waitForTask", task, "the watch ended before the task did");
}
