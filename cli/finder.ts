/**
 * The command line's path rules over the helpers' finder (object/finder.ts):
 * govc-style arguments (`/DC0/vm/*`, `/DC0/host/*\/DC0_C0_H?`, a bare name or
 * name glob such as `DC0_H0_VM0` or `web-*`, looked up across datacenters),
 * with relative paths below TSVMOMI_DATACENTER / GOVC_DATACENTER when set.
 * Matching, globs and the "not found" explanations are object/finder's; what
 * stays here is what only the CLI has: the environment's datacenter, `ls`'s
 * children of an entity, and `find -type`'s kind names.
 */
import { retrieveAny, type MoRef, type Client } from "tsvmomi";
import { find, findOne, loadInventory, search, type EntityType, type Found } from "../object/finder.js";
import type { Bindings } from "./bindings.js";
import { UsageError } from "./errors.js";

export type { EntityType, Found };

type AnyClient = Client<Bindings>;
type Env = Readonly<Record<string, string | undefined>>;

const GLOB = /[*?[]/;

export function hasGlob(s: string): boolean {
  return GLOB.test(s);
}

/** The child properties a type's inventory children hang off (`ls`). */
const CHILD_PATHS: Record<string, readonly string[]> = {
  Folder: ["childEntity"],
  Datacenter: ["vmFolder", "hostFolder", "datastoreFolder", "networkFolder"],
  ComputeResource: ["host", "resourcePool"],
  ClusterComputeResource: ["host", "resourcePool"],
  ResourcePool: ["resourcePool", "vm"],
  VirtualApp: ["resourcePool", "vm"],
  StoragePod: ["childEntity"],
};

function defaultDatacenter(env: Env): string | undefined {
  return env.TSVMOMI_DATACENTER || env.GOVC_DATACENTER || undefined;
}

/** The absolute form of a path argument: relative ones hang below the default datacenter, if any. */
export function absolutePath(path: string, env: Env): string {
  if (path.startsWith("/")) return normalise(path);
  const dc = defaultDatacenter(env);
  return normalise(dc ? `/${dc}/${path}` : `/${path}`);
}

function normalise(path: string): string {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  return `/${parts.join("/")}`;
}

function join(parent: string, name: string): string {
  return parent === "/" ? `/${name}` : `${parent}/${name}`;
}

/** The inventory children of `parent` with their names, in one request. */
export async function children(client: AnyClient, parent: MoRef, parentPath: string, signal: AbortSignal): Promise<Found[]> {
  const via = CHILD_PATHS[parent.type];
  if (!via) return [];
  const selectSet = via.map((path) => ({ _typeName: "TraversalSpec" as const, type: parent.type, path, skip: false }));
  const got = await retrieveAny(client, { type: "ManagedEntity", objectSet: [{ obj: parent, skip: true, selectSet }] }, ["name"], { signal });
  return got.map((o) => {
    const name = String(o.name ?? o.ref.value);
    return { ref: o.ref as MoRef<EntityType>, name, path: join(parentPath, name) };
  });
}

/** The one entity at `path` (globs allowed if they match exactly one); NotFoundError / MultipleFoundError otherwise. */
export async function resolvePath(client: AnyClient, path: string, env: Env, signal: AbortSignal): Promise<Found> {
  return findOne(client, absolutePath(path, env), { signal });
}

/**
 * Every entity a path argument names: an exact path, a glob path, or a bare
 * name (glob allowed) searched for across every datacenter. `type` keeps only
 * that type and its subtypes (VirtualMachine for `power`). Fails with the
 * finder's NotFoundError, which says which path element matched nothing.
 */
export async function expand(client: AnyClient, arg: string, env: Env, signal: AbortSignal, type?: EntityType): Promise<Found[]> {
  const bare = arg !== "" && !arg.includes("/") && defaultDatacenter(env) === undefined;
  return find(client, bare ? arg : absolutePath(arg, env), { signal, ...(type ? { type } : {}) });
}

export interface FindOptions {
  /** Exact managed types to keep (see KINDS). */
  readonly types?: readonly string[];
  /** A name glob (`web-*`). */
  readonly name?: string;
}

/** Everything strictly below the entity at `rootArg` whose type and name match, sorted by path; one inventory read. */
export async function findUnder(client: AnyClient, rootArg: string, options: FindOptions, env: Env, signal: AbortSignal): Promise<Found[]> {
  if (options.name !== undefined && (options.name === "" || options.name.includes("/"))) {
    throw new UsageError(`find: -name takes a name or name glob (no "/"), got ${JSON.stringify(options.name)}`, "find");
  }
  const root = await resolvePath(client, rootArg, env, signal);
  const inventory = await loadInventory(client, { signal });
  const pool = options.name === undefined ? inventory.entities : await search(client, options.name, { inventory, signal });
  const prefix = root.path === "/" ? "/" : `${root.path}/`;
  return pool.filter((e) => e.path !== root.path && e.path.startsWith(prefix) && (!options.types || options.types.includes(e.ref.type)));
}

/** The managed-type kinds `find -type` accepts, mapped to their types (subtypes included). */
export const KINDS: Record<string, readonly string[]> = {
  vm: ["VirtualMachine"],
  host: ["HostSystem"],
  ds: ["Datastore"],
  datastore: ["Datastore"],
  net: ["Network", "DistributedVirtualPortgroup", "OpaqueNetwork"],
  network: ["Network", "DistributedVirtualPortgroup", "OpaqueNetwork"],
  dvs: ["DistributedVirtualSwitch", "VmwareDistributedVirtualSwitch"],
  cluster: ["ClusterComputeResource"],
  compute: ["ComputeResource", "ClusterComputeResource"],
  pool: ["ResourcePool", "VirtualApp"],
  folder: ["Folder"],
  dc: ["Datacenter"],
  datacenter: ["Datacenter"],
  pod: ["StoragePod"],
  vapp: ["VirtualApp"],
};
