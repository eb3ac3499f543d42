/**
 * Inventory paths with globs, as govc takes them: `/DC0/vm/*`,
 * `/DC0/host/*\/DC0_C0_H?`, or a bare name (`DC0_H0_VM0`, `web-*`) that is
 * looked up across the inventory. A relative path is taken below
 * TSVMOMI_DATACENTER / GOVC_DATACENTER when set, else below the root.
 *
 * Kept private to the CLI until the runtime's object helpers land; then the
 * commands call those and this file shrinks to the CLI's path rules.
 */
import type { Client } from "../runtime/client/client.js";
import { findByInventoryPath } from "../runtime/inventory/index.js";
import { retrieveAny, type RetrievedAny } from "../runtime/property/retrieve.js";
import { everythingUnder } from "../runtime/property/traversal.js";
import type { TraversalSpec } from "../runtime/property/methods.js";
import type { MoRef } from "../runtime/types.js";
import type { Bindings } from "./bindings.js";
import { CliError } from "./errors.js";

export interface Found {
  readonly ref: MoRef;
  readonly name: string;
  /** The inventory path, `/DC0/vm/DC0_H0_VM0`. */
  readonly path: string;
}

type AnyClient = Client<Bindings>;

const GLOB = /[*?[]/;

export function hasGlob(s: string): boolean {
  return GLOB.test(s);
}

/** A shell-style glob (`*`, `?`, `[abc]`) as an anchored RegExp. */
export function globRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") out += ".*";
    else if (c === "?") out += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) out += "\\[";
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, "\\\\");
        out += `[${body.startsWith("!") ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${out}$`, "s");
}

/** The child properties a type's inventory children hang off. */
const CHILD_PATHS: Record<string, readonly string[]> = {
  Folder: ["childEntity"],
  Datacenter: ["vmFolder", "hostFolder", "datastoreFolder", "networkFolder"],
  ComputeResource: ["host", "resourcePool"],
  ClusterComputeResource: ["host", "resourcePool"],
  ResourcePool: ["resourcePool", "vm"],
  VirtualApp: ["resourcePool", "vm"],
  StoragePod: ["childEntity"],
};

/** The absolute form of a path argument: relative ones hang below the default datacenter, if any. */
export function absolutePath(path: string, env: Readonly<Record<string, string | undefined>>): string {
  if (path.startsWith("/")) return normalise(path);
  const dc = env.TSVMOMI_DATACENTER || env.GOVC_DATACENTER;
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
  const selectSet: TraversalSpec[] = via.map((path) => ({ _typeName: "TraversalSpec", type: parent.type, path, skip: false }));
  const got = await retrieveAny(client, { type: "ManagedEntity", objectSet: [{ obj: parent, skip: true, selectSet }] }, ["name"], { signal });
  return got.map((o) => ({ ref: o.ref, name: String(o.name ?? o.ref.value), path: join(parentPath, String(o.name ?? o.ref.value)) }));
}

/** The one entity at `path` (no globs), or a CliError naming the path. */
export async function resolvePath(client: AnyClient, path: string, env: Readonly<Record<string, string | undefined>>, signal: AbortSignal): Promise<Found> {
  const abs = absolutePath(path, env);
  const ref = await findByInventoryPath(client, abs, { signal });
  if (!ref) throw new CliError(`${abs}: no such object in the inventory`);
  return { ref, name: abs === "/" ? "" : abs.slice(abs.lastIndexOf("/") + 1), path: abs };
}

/**
 * Every entity a path argument names: an exact path, a glob path, or a bare
 * name (glob allowed) searched for across the inventory. `kinds` filters bare
 * names by type (e.g. VirtualMachine for `power`). Fails when nothing matches.
 */
export async function expand(
  client: AnyClient,
  arg: string,
  env: Readonly<Record<string, string | undefined>>,
  signal: AbortSignal,
  kinds?: readonly string[],
): Promise<Found[]> {
  if (!arg.includes("/") && !(env.TSVMOMI_DATACENTER || env.GOVC_DATACENTER) && arg !== "") {
    const hits = await findByName(client, client.serviceContent.rootFolder as MoRef, "/", globRegExp(arg), kinds, signal);
    if (hits.length === 0) throw new CliError(`${arg}: no ${kinds ? kinds.join(" or ") : "object"} with that name`);
    return hits;
  }
  const abs = absolutePath(arg, env);
  if (!hasGlob(abs)) return [await resolvePath(client, abs, env, signal)];
  const parts = abs.split("/").filter(Boolean);
  const firstGlob = parts.findIndex(hasGlob);
  const basePath = `/${parts.slice(0, firstGlob).join("/")}`;
  const base = await findByInventoryPath(client, basePath, { signal });
  if (!base) throw new CliError(`${basePath}: no such object in the inventory (while expanding ${abs})`);
  let level: Found[] = [{ ref: base, name: parts[firstGlob - 1] ?? "", path: basePath }];
  for (let i = firstGlob; i < parts.length; i++) {
    const part = parts[i]!;
    const re = hasGlob(part) ? globRegExp(part) : undefined;
    const next: Found[] = [];
    for (const at of level) {
      for (const child of await children(client, at.ref, at.path, signal)) if (re ? re.test(child.name) : child.name === part) next.push(child);
    }
    level = next;
    if (level.length === 0) break;
  }
  if (level.length === 0) throw new CliError(`${abs}: matches nothing in the inventory`);
  return level;
}

export interface FindOptions {
  readonly types?: readonly string[];
  readonly name?: RegExp;
}

/** Everything below `root` whose type and name match, with inventory paths; two requests. */
export async function findUnder(client: AnyClient, root: Found, options: FindOptions, signal: AbortSignal): Promise<Found[]> {
  return findByName(client, root.ref, root.path, options.name, options.types, signal);
}

async function findByName(client: AnyClient, root: MoRef, rootPath: string, name: RegExp | undefined, kinds: readonly string[] | undefined, signal: AbortSignal): Promise<Found[]> {
  const all = await retrieveAny(client, { type: "ManagedEntity", objectSet: [everythingUnder(root)] }, ["name", "parent"], { signal });
  const byKey = new Map<string, RetrievedAny>(all.map((o) => [`${o.ref.type}:${o.ref.value}`, o]));
  const rootKey = `${root.type}:${root.value}`;
  const pathOf = (o: RetrievedAny): string => {
    const names: string[] = [];
    for (let at: RetrievedAny | undefined = o, guard = 0; at && guard < 256; guard++) {
      const key = `${at.ref.type}:${at.ref.value}`;
      if (key === rootKey) break;
      names.unshift(String(at.name ?? at.ref.value));
      const parent = at.parent as MoRef | undefined;
      at = parent ? byKey.get(`${parent.type}:${parent.value}`) : undefined;
    }
    return names.reduce((p, n) => join(p, n), rootPath);
  };
  const out: Found[] = [];
  for (const o of all) {
    if (`${o.ref.type}:${o.ref.value}` === rootKey) continue;
    if (kinds && !kinds.some((k) => isKind(o.ref.type, k))) continue;
    const n = String(o.name ?? o.ref.value);
    if (name && !name.test(n)) continue;
    out.push({ ref: o.ref, name: n, path: pathOf(o) });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The managed-type kinds `find -type` and friends accept, mapped to their types (subtypes included). */
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

function isKind(type: string, kind: string): boolean {
  return type === kind;
}
