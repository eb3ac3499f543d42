/**
 * Inventory paths as govc writes them: `/DC0/vm/DC0_H0_VM0`, the names from
 * the root folder's children down, `/`-separated. A name that contains `/`
 * is already stored escaped as `%2f` by vCenter, so joining names is exact.
 */
import type { Client } from "../client/client.js";
import type { BindingTables, CallOptions } from "../client/descriptor.js";
import { FindByInventoryPath, propertyServices, RetrievePropertiesEx } from "../property/methods.js";
import { ancestry } from "../property/traversal.js";
import { ObjectGoneError } from "../errors/client.js";
import type { MoRef } from "../types.js";

export interface InventoryOptions {
  readonly signal?: AbortSignal;
}

function callOptions(o: InventoryOptions): CallOptions {
  return o.signal ? { signal: o.signal } : {};
}

/** The entity at `path`, or undefined when nothing is there. `/` is the root folder. */
export async function findByInventoryPath(client: Client<BindingTables>, path: string, options: InventoryOptions = {}): Promise<MoRef | undefined> {
  if (typeof path !== "string") throw new TypeError(`findByInventoryPath: expected a path like "/DC0/vm/my-vm", got ${typeof path}`);
  const sc = propertyServices(client, "findByInventoryPath");
  // SearchIndex wants the path relative to the root folder, without the leading slash govc shows.
  const relative = path.split("/").filter((s) => s !== "").join("/");
  if (relative === "") return sc.rootFolder;
  if (!sc.searchIndex) throw new TypeError("findByInventoryPath: this server's ServiceContent has no searchIndex");
  const found = await client.call(FindByInventoryPath, sc.searchIndex, { inventoryPath: relative }, callOptions(options));
  return found ?? undefined;
}

/** `/DC0/vm/DC0_H0_VM0` for a managed entity; `/` for the root folder. One request (a parent-chain traversal). */
export async function inventoryPath(client: Client<BindingTables>, ref: MoRef, options: InventoryOptions = {}): Promise<string> {
  const sc = propertyServices(client, "inventoryPath");
  const result = await client.call(
    RetrievePropertiesEx,
    sc.propertyCollector,
    { specSet: [{ propSet: [{ type: "ManagedEntity", pathSet: ["name", "parent"] }], objectSet: [ancestry(ref)] }], options: {} },
    callOptions(options),
  );
  const byKey = new Map<string, { name?: string; parent?: MoRef }>();
  for (const o of result?.objects ?? []) {
    const entry: { name?: string; parent?: MoRef } = {};
    for (const p of o.propSet ?? []) {
      if (p.name === "name") entry.name = p.val as string;
      if (p.name === "parent") entry.parent = p.val as MoRef;
    }
    byKey.set(`${o.obj.type}:${o.obj.value}`, entry);
  }
  const names: string[] = [];
  const seen = new Set<string>();
  for (let at: MoRef | undefined = ref; at; ) {
    const key = `${at.type}:${at.value}`;
    const entry = byKey.get(key);
    if (!entry || seen.has(key)) throw new ObjectGoneError("inventoryPath", at, "the server returned no name/parent for it (not a managed entity, or deleted)");
    seen.add(key);
    if (!entry.parent) break; // the root folder: not part of the path
    names.unshift(entry.name ?? "");
    at = entry.parent;
  }
  return `/${names.join("/")}`;
}
