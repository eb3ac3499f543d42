/**
 * Finding inventory objects by path or by name, as `govc find` and govmomi's
 * find.Finder do.
 *
 *   await find(client, "/DC0/vm/*", { type: "VirtualMachine" });  // Found<"VirtualMachine">[]
 *   await findOne(client, "DC0_H0_VM0", { type: "VirtualMachine" }); // by name, across datacenters
 *   await findVm(client, "/DC0/vm/web-01");                       // MoRef<"VirtualMachine">
 *
 * A query containing `/` is an inventory path (`/DC0/vm/web-01`; the leading
 * `/` is optional), each element a glob: `*` and `?` within one element,
 * `[abc]` a character class, `**` any number of elements. A query without `/`
 * is a name glob matched anywhere in the inventory. Names are compared as
 * vCenter stores them: a `/` inside a name is `%2f`.
 *
 * A literal absolute path costs one SearchIndex call; anything else reads the
 * names and parents of the whole inventory once (one paged retrieve) and
 * matches in memory. `loadInventory` keeps that snapshot for several lookups.
 */
// Runtime values straight from "tsvmomi", types only from ./bindings.js: loading
// the finder then never evaluates the bindings' index (130 method modules),
// which is what keeps the command line's start-up small (docs/CLI.md).
import { everythingUnder, findByInventoryPath, formatMoRef, moRefKey, retrieveAny, retrievePagesAny } from "tsvmomi";
import type { AnyClient, ManagedKind, MoRef } from "./bindings.js";
import { MultipleFoundError, NotFoundError } from "./errors.js";
import { pathLookup } from "./inventory-paths.js";

/** Every managed entity type (VirtualMachine, HostSystem, Folder, …). */
export type EntityType = ManagedKind<"ManagedEntity">;

/** A found object: its typed reference, inventory path and name. */
export interface Found<T extends string = EntityType> {
  readonly ref: MoRef<T>;
  /** `/DC0/vm/web-01`; `/` for the root folder. */
  readonly path: string;
  readonly name: string;
}

export interface FindOptions<T extends EntityType = EntityType> {
  /** Only objects of this type or a subtype (`ComputeResource` includes clusters, `Network` portgroups). */
  readonly type?: T;
  /** Reuse a snapshot from `loadInventory` instead of reading the inventory again. */
  readonly inventory?: Inventory;
  readonly signal?: AbortSignal;
}



/** Subtypes of the entity types that have any; every other type is its own family. */
const FAMILIES: Readonly<Record<string, readonly string[]>> = {
  ComputeResource: ["ComputeResource", "ClusterComputeResource"],
  Network: ["Network", "DistributedVirtualPortgroup", "OpaqueNetwork"],
  Folder: ["Folder", "StoragePod"],
  ResourcePool: ["ResourcePool", "VirtualApp"],
  DistributedVirtualSwitch: ["DistributedVirtualSwitch", "VmwareDistributedVirtualSwitch"],
};

function isOfType(actual: string, wanted: string | undefined): boolean {
  if (wanted === undefined || wanted === "ManagedEntity") return true;
  return (FAMILIES[wanted] ?? [wanted]).includes(actual);
}

interface Entry {
  readonly ref: MoRef;
  readonly name: string;
  readonly parent: string | undefined;
}

/** The names and parents of every entity at one moment: what `find` matches against. */
export interface Inventory {
  readonly root: MoRef;
  /** Every entity with its path (the root folder is `/`). */
  readonly entities: readonly Found[];
  /** Path of an entity by `moRefKey`, when it is in the snapshot. */
  pathOf(ref: MoRef): string | undefined;
}

/** Reads every entity's name and parent in one paged retrieve. */
export async function loadInventory(client: AnyClient, options: { signal?: AbortSignal } = {}): Promise<Inventory> {
  const root = client.serviceContent.rootFolder as MoRef;
  const entries = new Map<string, Entry>();
  const pages = retrievePagesAny(client, { type: "ManagedEntity", objectSet: [everythingUnder(root)] }, ["name", "parent"], options.signal ? { signal: options.signal } : {});
  for await (const page of pages) {
    for (const o of page) {
      const parent = o.parent as MoRef | undefined;
      entries.set(moRefKey(o.ref), { ref: o.ref, name: typeof o.name === "string" ? o.name : o.ref.value, parent: parent ? moRefKey(parent) : undefined });
    }
  }
  // A VM inside a vApp has no `parent`; its `parentVApp` places it (inventory-paths.ts).
  const orphans = [...entries.values()].filter((e) => e.parent === undefined && e.ref.type === "VirtualMachine").map((e) => e.ref);
  if (orphans.length > 0) {
    for (const o of await retrieveAny(client, orphans, ["parentVApp"], options.signal ? { signal: options.signal } : {})) {
      const vApp = o.parentVApp as MoRef | undefined;
      const e = entries.get(moRefKey(o.ref));
      if (vApp && e) entries.set(moRefKey(o.ref), { ...e, parent: moRefKey(vApp) });
    }
  }
  const pathOfKey = pathLookup(moRefKey(root), entries);
  const entities: Found[] = [];
  for (const [key, e] of entries) {
    const path = pathOfKey(key);
    if (path !== undefined) entities.push({ ref: e.ref as MoRef<EntityType>, path, name: e.name });
  }
  entities.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, entities, pathOf: (ref) => pathOfKey(moRefKey(ref)) };
}

// ---- matching ---------------------------------------------------------------

const GLOB_CHARS = /[*?[]/;

function splitPath(query: string): string[] {
  return query.split("/").filter((s) => s !== "");
}

/** One path element's glob as an anchored RegExp (`*`, `?`, `[a-z]`, `[!x]`). */
function elementRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith("!")) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s");
}

type Matcher = (elements: readonly string[]) => boolean;

function pathMatcher(pattern: readonly string[]): Matcher {
  const parts = pattern.map((p) => (p === "**" ? "**" : elementRegExp(p)));
  const match = (pi: number, elements: readonly string[], ei: number): boolean => {
    if (pi === parts.length) return ei === elements.length;
    const part = parts[pi]!;
    if (part === "**") {
      for (let k = ei; k <= elements.length; k++) if (match(pi + 1, elements, k)) return true;
      return false;
    }
    return ei < elements.length && part.test(elements[ei]!) && match(pi + 1, elements, ei + 1);
  };
  return (elements) => match(0, elements, 0);
}

function describe(type: string | undefined): string {
  return type ?? "object";
}

/**
 * Why a path pattern matched nothing: the longest leading part of it that
 * does match, and what lies below there, so the message names the element
 * that went wrong.
 */
function explainPath(inv: Inventory, pattern: readonly string[], type: string | undefined, query: string): NotFoundError {
  const split = inv.entities.map((e) => ({ e, elements: splitPath(e.path) }));
  const untyped = split.filter((s) => pathMatcher(pattern)(s.elements));
  if (untyped.length > 0) {
    const shown = untyped.slice(0, 3).map((s) => `${s.e.ref.type} ${s.e.path}`).join(", ");
    return new NotFoundError(describe(type), query, `${untyped.length} object(s) at that path, none a ${type}: ${shown}`);
  }
  let depth = 0;
  while (depth < pattern.length && pattern[depth] !== "**" && split.some((s) => pathMatcher(pattern.slice(0, depth + 1))(s.elements))) depth++;
  const parent = `/${pattern.slice(0, depth).join("/")}`;
  const below = split.filter((s) => s.elements.length === depth + 1 && pathMatcher(pattern.slice(0, depth))(s.elements.slice(0, depth)));
  const names = [...new Set(below.map((s) => s.elements[depth]!))].sort();
  const children = names.length === 0 ? "it has no children" : `it has: ${names.slice(0, 8).join(", ")}${names.length > 8 ? `, … (${names.length})` : ""}`;
  return new NotFoundError(describe(type), query, `nothing matches ${JSON.stringify(pattern[depth] ?? "")} under ${parent}; ${children}`);
}

/** Every match, possibly none. */
export async function search<T extends EntityType = EntityType>(client: AnyClient, query: string, options: FindOptions<T> = {}): Promise<Array<Found<ManagedKind<T>>>> {
  return (await lookup(client, query, options)).found as Array<Found<ManagedKind<T>>>;
}

/** Every match; NotFoundError (naming the element of the path that matched nothing) when there is none. */
export async function find<T extends EntityType = EntityType>(client: AnyClient, query: string, options: FindOptions<T> = {}): Promise<Array<Found<ManagedKind<T>>>> {
  const { found, explain } = await lookup(client, query, options);
  if (found.length === 0) throw await explain();
  return found as Array<Found<ManagedKind<T>>>;
}

/** Exactly one match; NotFoundError for none, MultipleFoundError (listing their paths) for several. */
export async function findOne<T extends EntityType = EntityType>(client: AnyClient, query: string, options: FindOptions<T> = {}): Promise<Found<ManagedKind<T>>> {
  const found = await find(client, query, options);
  if (found.length > 1) throw new MultipleFoundError(describe(options.type), query, found.map((f) => f.path));
  return found[0]!;
}

async function lookup(client: AnyClient, query: string, options: FindOptions): Promise<{ found: Found[]; explain: () => Promise<NotFoundError> }> {
  if (typeof query !== "string" || query.trim() === "") throw new TypeError(`find: expected an inventory path like "/DC0/vm/*" or a name, got ${JSON.stringify(query)}`);
  if (options.type !== undefined && typeof options.type !== "string") throw new TypeError(`find: type must be a managed entity type name like "VirtualMachine", got ${JSON.stringify(options.type)}`);
  const type = options.type;
  const isPath = query.includes("/");
  const pattern = splitPath(query);
  const signal = options.signal ? { signal: options.signal } : {};

  // A literal path: one SearchIndex call instead of reading the inventory.
  if (isPath && !options.inventory && !GLOB_CHARS.test(query)) {
    const ref = await findByInventoryPath(client, query, signal);
    if (ref) {
      const path = `/${pattern.join("/")}`;
      const found = isOfType(ref.type, type) ? [{ ref: ref as MoRef<EntityType>, path, name: pattern.at(-1) ?? "" }] : [];
      if (found.length > 0) return { found, explain: async () => new NotFoundError(describe(type), query) };
      return { found, explain: async () => new NotFoundError(describe(type), query, `${formatMoRef(ref)} is at that path, not a ${type}`) };
    }
  }

  const inv = options.inventory ?? (await loadInventory(client, signal));
  if (isPath) {
    const matches = pathMatcher(pattern);
    const found = inv.entities.filter((e) => isOfType(e.ref.type, type) && matches(splitPath(e.path)));
    return { found, explain: async () => explainPath(inv, pattern, type, query) };
  }
  const re = elementRegExp(query);
  const found = inv.entities.filter((e) => isOfType(e.ref.type, type) && re.test(e.name));
  return {
    found,
    explain: async () => {
      const other = inv.entities.filter((e) => re.test(e.name));
      return new NotFoundError(
        describe(type),
        query,
        other.length > 0
          ? `the name belongs to ${other.slice(0, 3).map((e) => `${e.ref.type} ${e.path}`).join(", ")}, not a ${type}`
          : `no object of that name in the ${inv.entities.length} inventory objects`,
      );
    },
  };
}

// ---- typed shortcuts --------------------------------------------------------

type Shortcut<T extends EntityType> = (client: AnyClient, query: string, options?: Omit<FindOptions<T>, "type">) => Promise<MoRef<ManagedKind<T>>>;

function shortcut<T extends EntityType>(type: T): Shortcut<T> {
  return async (client, query, options = {}) => (await findOne(client, query, { ...options, type })).ref;
}

/** One VM (or template) by path or name. */
export const findVm: Shortcut<"VirtualMachine"> = shortcut("VirtualMachine");
export const findHost: Shortcut<"HostSystem"> = shortcut("HostSystem");
export const findDatacenter: Shortcut<"Datacenter"> = shortcut("Datacenter");
export const findDatastore: Shortcut<"Datastore"> = shortcut("Datastore");
/** A ClusterComputeResource, or the ComputeResource of a standalone host. */
export const findComputeResource: Shortcut<"ComputeResource"> = shortcut("ComputeResource");
export const findCluster: Shortcut<"ClusterComputeResource"> = shortcut("ClusterComputeResource");
export const findResourcePool: Shortcut<"ResourcePool"> = shortcut("ResourcePool");
export const findFolder: Shortcut<"Folder"> = shortcut("Folder");
/** A standard portgroup (Network), a distributed portgroup or an opaque network. */
export const findNetwork: Shortcut<"Network"> = shortcut("Network");
