/** Option plumbing shared by the helpers (not exported from object/index.ts). */
import type { AnyClient } from "./bindings.js";

export interface TaskOptions {
  readonly signal?: AbortSignal;
  /** Task progress, 0–100 (undefined before the server reports any). */
  readonly onProgress?: (percent: number | undefined) => void;
}

/** `{ signal }` for client.call, without an `undefined` key. */
export function callOptions(o: { readonly signal?: AbortSignal }): { signal?: AbortSignal } {
  return o.signal ? { signal: o.signal } : {};
}

/** waitForTask options: the client's registry (so faults match their base classes), signal, progress. */
export function taskOptions(client: AnyClient, o: TaskOptions) {
  return {
    bindings: client.schemaRegistry as never,
    ...callOptions(o),
    ...(o.onProgress ? { onProgress: (p: number | undefined) => o.onProgress!(p) } : {}),
  };
}
