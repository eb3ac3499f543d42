/**
 * A server-side view (ContainerView, ListView) owned by the caller. Views
 * live in the session until destroyed, and a long-lived session that leaks
 * them slows the vCenter down, so every handle is disposable:
 *
 *   await using view = await createContainerView(client, folder, ["VirtualMachine"], true);
 */
import type { Client } from "../client/client.js";
import type { BindingTables } from "../client/descriptor.js";
import { DestroyView } from "../property/methods.js";
import type { MoRef } from "../types.js";

export type ViewType = "ContainerView" | "ListView";

export interface ViewHandle<V extends ViewType = ViewType> {
  readonly ref: MoRef<V>;
  /** DestroyView, sent once however often this is called (later calls share the first call's outcome). */
  destroy(): Promise<void>;
  readonly destroyed: boolean;
  [Symbol.asyncDispose](): Promise<void>;
}

export function viewHandle<V extends ViewType>(client: Client<BindingTables>, ref: MoRef<V>): ViewHandle<V> {
  let done: Promise<void> | undefined;
  // No caller signal here: an aborted operation must still clean up after itself.
  const destroy = () => (done ??= client.call(DestroyView, ref));
  return {
    ref,
    destroy,
    get destroyed() {
      return done !== undefined;
    },
    [Symbol.asyncDispose]: destroy,
  };
}
