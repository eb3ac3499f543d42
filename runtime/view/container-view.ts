import type { Client } from "../client/client.js";
import type { BindingTables } from "../client/descriptor.js";
import { CreateContainerView, CreateListView, propertyServices } from "../property/methods.js";
import type { MoRef } from "../types.js";
import { viewHandle, type ViewHandle } from "./view-handle.js";

export interface ViewOptions {
  readonly signal?: AbortSignal;
}

function viewManager(client: Client<BindingTables>, method: string): MoRef<"ViewManager"> {
  const vm = propertyServices(client, method).viewManager;
  if (!vm) throw new TypeError(`${method}: this server's ServiceContent has no viewManager (an ESXi host before 4.0?)`);
  return vm;
}

/**
 * A ContainerView over `container`: the managed entities of the given types
 * directly in it, or anywhere below it when `recursive`. An empty `types`
 * list means every type.
 */
export async function createContainerView(
  client: Client<BindingTables>,
  container: MoRef,
  types: readonly string[],
  recursive: boolean,
  options: ViewOptions = {},
): Promise<ViewHandle<"ContainerView">> {
  if (!Array.isArray(types) || types.some((t) => typeof t !== "string" || t === "")) {
    throw new TypeError(`createContainerView: types must be an array of managed type names like ["VirtualMachine"], got ${JSON.stringify(types)}`);
  }
  const ref = await client.call(
    CreateContainerView,
    viewManager(client, "createContainerView"),
    { container, ...(types.length ? { type: types } : {}), recursive },
    options.signal ? { signal: options.signal } : {},
  );
  return viewHandle(client, ref);
}

/** A ListView over exactly these objects. */
export async function createListView(client: Client<BindingTables>, refs: readonly MoRef[], options: ViewOptions = {}): Promise<ViewHandle<"ListView">> {
  const ref = await client.call(CreateListView, viewManager(client, "createListView"), { obj: refs }, options.signal ? { signal: options.signal } : {});
  return viewHandle(client, ref);
}
