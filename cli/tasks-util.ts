/** Running a task with a progress bar, for the commands that start them. */
import { waitForTask, type Client, type MoRef } from "tsvmomi";
import type { Bindings } from "./bindings.js";
import type { Io } from "./output.js";
import { progress } from "./progress.js";

export async function runTask<R = unknown>(client: Client<Bindings>, task: MoRef<"Task">, io: Io, label: string, signal: AbortSignal): Promise<R> {
  const bar = progress(io, label);
  try {
    return await waitForTask<R>(client, task, { signal, onProgress: (p) => bar.update(p) });
  } finally {
    bar.done();
  }
}
