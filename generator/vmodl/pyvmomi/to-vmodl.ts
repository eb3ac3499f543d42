/**
 * pyVmomi type info (typeinfo.ts) → the generator's `VmodlModel`, scoped to one
 * service, with every VMODL name translated to the name the wire uses.
 *
 * Conventions, the same the vmodl.db reader follows (vmodl-reader.ts):
 * - Records are keyed by WSDL name; `vmodlName` keeps `vim.vm.ConfigSpec`.
 * - A member whose VMODL type is a managed type gets `type:
 *   "ManagedObjectReference"` and `moType: <managed type>`.
 * - `vmodl.TypeName`, `vmodl.PropertyPath`, `vmodl.MethodName` are strings,
 *   `vmodl.DateTime` is dateTime, `vmodl.Binary` base64Binary, `vmodl.URI`
 *   anyURI; `vmodlType` keeps the VMODL spelling when it differs.
 * - A field, parameter or result typed `vmodl.MethodFault` travels as
 *   `LocalizedMethodFault` (the fault plus its message), as the WSDL says.
 * - A F_LINK field holds the key of the data object it links to, so it
 *   travels as a string (`HostPortGroup.vswitch`); `vmodlType` keeps the target.
 * - `optional` is the wire's minOccurs="0": F_OPTIONAL, or a member added in a
 *   later version than its type or method (an older server omits it).
 * - DynamicData's and DynamicArray's `dynamicType`/`dynamicProperty` are
 *   pyVmomi's own bookkeeping, absent from every WSDL, and are left out.
 * - `since` is the wire version (`8.0.2.0`) of the member's version id, in the
 *   service's own namespace (see `wireVersionOf`).
 * - VMODL's built-in roots are not in the files: `vmodl.DataObject` and
 *   `vmodl.ManagedObject` are implicit (no `base`); MethodFault, RuntimeFault
 *   and LocalizedMethodFault are supplied here as the WSDL defines them.
 */
import type { VmodlDataType, VmodlEnumType, VmodlManagedType, VmodlMethod, VmodlModel, VmodlProperty } from "../../model/ir.js";
import { SERVICE_FILES, type TiDataType, type TiMember, type TypeInfo } from "./typeinfo.js";

const MOREF = "ManagedObjectReference";
const PRIMITIVE: Record<string, string> = {
  string: "string", boolean: "boolean", byte: "byte", short: "short", int: "int", long: "long", float: "float", double: "double",
  anyType: "anyType", "vmodl.DateTime": "dateTime", "vmodl.Binary": "base64Binary", "vmodl.URI": "anyURI",
  "vmodl.TypeName": "string", "vmodl.PropertyPath": "string", "vmodl.MethodName": "string",
};
const IMPLICIT_ROOTS = new Set(["vmodl.DataObject", "vmodl.ManagedObject"]);
const FAULT_ROOT = "vmodl.MethodFault";

/** The built-in types every vim25 WSDL defines but pyVmomi keeps in VmomiSupport.py. */
export const BUILTIN_DATA: TiDataType[] = [
  builtin("vmodl.MethodFault", "MethodFault", "vmodl.DataObject", [
    ["faultCause", "vmodl.LocalizedMethodFault", "vmodl.version.version1", ["F_OPTIONAL"]],
    ["faultMessage", "vmodl.LocalizableMessage[]", "vmodl.version.version1", ["F_OPTIONAL"]],
  ]),
  builtin("vmodl.RuntimeFault", "RuntimeFault", "vmodl.MethodFault", []),
  builtin("vmodl.LocalizedMethodFault", "LocalizedMethodFault", "vmodl.DynamicData", [
    ["fault", "vmodl.MethodFault", "vmodl.version.version0", []],
    ["localizedMessage", "string", "vmodl.version.version0", ["F_OPTIONAL"]],
  ]),
];

function builtin(vmodlName: string, wsdlName: string, base: string, fields: [string, string, string, string[]][]): TiDataType {
  const pos = { line: 0, col: 0 };
  return {
    vmodlName, wsdlName, base, version: "vmodl.version.version0", file: "VmomiSupport.py", ...pos,
    fields: fields.map(([name, type, version, flags]) => ({ name, type, version, flags, file: "VmomiSupport.py", ...pos })),
  };
}

/** The SOAP namespace name of each service's versions (AddVersion's fifth argument). */
export const SERVICE_NS: Record<string, string> = { vim25: "vim25", pbm: "pbm", sms: "sms", vslm: "vslm", eam: "eam" };

/** Compares wire versions part by part: numeric prefix first, then the rest (`2.5` < `2.5u2` < `2.5u2server` < `4.0`). */
export function compareWire(a: string, b: string): number {
  const pa = a.split(".");
  const pb = b.split(".");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = /^(\d*)(.*)$/.exec(pa[i] ?? "0")!;
    const y = /^(\d*)(.*)$/.exec(pb[i] ?? "0")!;
    const d = Number(x[1] || 0) - Number(y[1] || 0);
    if (d) return d;
    if (x[2] !== y[2]) return x[2]! < y[2]! ? -1 : 1;
  }
  return 0;
}

/**
 * The wire version a version id stands for in `serviceNs`: its own when it
 * belongs there; else the oldest version of `serviceNs` that includes it in
 * the lattice (`vmodl.query.version.version3` → `4.1`, the first vim25
 * version whose parents list it); else its own wire version, if any.
 */
export function wireVersionOf(ti: TypeInfo, id: string, serviceNs: string): string | undefined {
  const v = ti.versions[id];
  if (!v) return undefined;
  if (v.serviceNs === serviceNs && v.version) return v.version;
  let best: string | undefined;
  for (const w of Object.values(ti.versions)) {
    if (w.serviceNs !== serviceNs || !w.version || !w.parents.includes(id)) continue;
    if (best === undefined || compareWire(w.version, best) < 0) best = w.version;
  }
  return best ?? (v.version || undefined);
}

const BOOKKEEPING = new Set(["vmodl.DynamicData.dynamicType", "vmodl.DynamicData.dynamicProperty", "vmodl.DynamicArray.dynamicType"]);

function laterThan(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && compareWire(a, b) > 0;
}

export class TypeInfoModelError extends Error {
  override name = "TypeInfoModelError";
}

export function typeInfoToVmodl(ti: TypeInfo, service: string): VmodlModel {
  const serviceNs = SERVICE_NS[service] ?? service;
  const ownFiles = new Set((SERVICE_FILES[service] ?? []).map((b) => `_typeinfo_${b}.py`));
  if (service === "vim25") ownFiles.add("VmomiSupport.py");
  const data: Record<string, TiDataType> = { ...ti.data };
  for (const b of BUILTIN_DATA) if (!data[b.vmodlName]) data[b.vmodlName] = b;

  const kindOf = new Map<string, { kind: "data" | "enum" | "managed"; wsdl: string }>();
  for (const t of Object.values(data)) kindOf.set(t.vmodlName, { kind: "data", wsdl: t.wsdlName });
  for (const t of Object.values(ti.enums)) kindOf.set(t.vmodlName, { kind: "enum", wsdl: t.wsdlName });
  for (const t of Object.values(ti.managed)) kindOf.set(t.vmodlName, { kind: "managed", wsdl: t.wsdlName });

  const wireCache = new Map<string, string | undefined>();
  const usedVersions = new Set<string>();
  const since = (id: string): { version: string; since?: string } => {
    usedVersions.add(id);
    if (!wireCache.has(id)) wireCache.set(id, wireVersionOf(ti, id, serviceNs));
    const s = wireCache.get(id);
    return s ? { version: id, since: s } : { version: id };
  };
  // The namespace's first version (vim25: 2.5): members that were there when the namespace began are not "later",
  // even on types from an older namespace (vim2's 2.0).
  const nsFirst = Object.values(ti.versions).filter((v) => v.ns === serviceNs && v.version).map((v) => v.version).sort(compareWire)[0];
  const floorOf = (s: string | undefined) => (s !== undefined && nsFirst !== undefined && compareWire(s, nsFirst) < 0 ? nsFirst : s);
  const where = (m: { file: string; line: number; col: number }) => `${m.file}:${m.line}:${m.col}`;
  const isFault = (vmodlName: string): boolean => {
    const seen = new Set<string>();
    for (let n: string | undefined = vmodlName; n; n = data[n]?.base) {
      if (n === FAULT_ROOT) return true;
      if (seen.has(n)) throw new TypeInfoModelError(`${where(data[n]!)}: the base chain of ${vmodlName} loops back to ${n}`);
      seen.add(n);
    }
    return false;
  };
  const baseOf = (base: string, owner: { file: string; line: number; col: number; vmodlName: string }): string | undefined => {
    if (IMPLICIT_ROOTS.has(base)) return undefined;
    const k = kindOf.get(base);
    if (!k) throw new TypeInfoModelError(`${where(owner)}: ${owner.vmodlName} names base ${base}, which no file read declares`);
    return k.wsdl;
  };

  /** `wire`: false only inside LocalizedMethodFault, the one place a fault travels bare. */
  const typeOf = (raw: string, m: TiMember, wire: boolean): Pick<VmodlProperty, "type" | "moType" | "primitive" | "vmodlType" | "array"> => {
    const array = raw.endsWith("[]");
    const name = array ? raw.slice(0, -2) : raw;
    if (m.flags.includes("F_LINK")) return { type: "string", primitive: true, array, vmodlType: name };
    const prim = PRIMITIVE[name];
    if (prim) return { type: prim, primitive: true, array, ...(prim !== name ? { vmodlType: name } : {}) };
    if (name === "vmodl.ManagedObject") return { type: MOREF, moType: "ManagedObject", array, vmodlType: name };
    if (name === "vmodl.DataObject") return { type: "anyType", primitive: true, array, vmodlType: name };
    const k = kindOf.get(name);
    if (!k) throw new TypeInfoModelError(`${where(m)}: ${m.name} has type ${raw}, which no file read declares`);
    if (k.kind === "managed") return { type: MOREF, moType: k.wsdl, array, vmodlType: name };
    if (wire && name === FAULT_ROOT) return { type: "LocalizedMethodFault", array, vmodlType: name };
    return { type: k.wsdl, array, vmodlType: name };
  };
  /** `ownerVersion`: the version of the type or method the member belongs to; a later member is optional on the wire. */
  const member = (m: TiMember, wire: boolean, ownerVersion?: string): VmodlProperty => {
    const t = typeOf(m.type, m, wire);
    const v = since(m.version);
    const later = ownerVersion !== undefined && m.version !== ownerVersion && laterThan(v.since, floorOf(since(ownerVersion).since));
    const out: VmodlProperty = { name: m.name, ...t, array: t.array ?? false, optional: m.flags.includes("F_OPTIONAL") || later, ...v };
    if (m.flags.includes("F_SECRET")) out.secret = true;
    if (m.privilege) out.privilege = m.privilege;
    return out;
  };

  const out: VmodlModel = { file: ti.dir, service, managed: {}, data: {}, enums: {}, versions: {} };
  const sorted = <T extends { wsdlName: string }>(xs: T[]) => xs.sort((a, b) => (a.wsdlName < b.wsdlName ? -1 : a.wsdlName > b.wsdlName ? 1 : 0));

  for (const t of sorted(Object.values(data).filter((t) => ownFiles.has(t.file)))) {
    const base = baseOf(t.base, t);
    const d: VmodlDataType = {
      name: t.wsdlName,
      vmodlName: t.vmodlName,
      ...(base ? { base } : {}),
      kind: isFault(t.vmodlName) ? "fault" : "data",
      props: t.fields.filter((f) => !BOOKKEEPING.has(`${t.vmodlName}.${f.name}`)).map((f) => member(f, t.vmodlName !== "vmodl.LocalizedMethodFault", t.version)),
      ...since(t.version),
    };
    if (out.data[d.name]) throw new TypeInfoModelError(`${where(t)}: WSDL name ${d.name} is used by two types`);
    out.data[d.name] = d;
  }
  for (const t of sorted(Object.values(ti.enums).filter((t) => ownFiles.has(t.file)))) {
    const e: VmodlEnumType = { name: t.wsdlName, vmodlName: t.vmodlName, values: [...t.values], ...since(t.version) };
    out.enums[e.name] = e;
  }
  for (const t of sorted(Object.values(ti.managed).filter((t) => ownFiles.has(t.file)))) {
    const base = baseOf(t.base, t);
    const methods: VmodlMethod[] = t.methods.map((m) => {
      const r = m.result;
      // vim.Task, sms.Task, vslm.Task: each service has its own task object.
      const returnsTask = kindOf.get(r.type)?.kind === "managed" && /(^|[a-z])Task$/.test(kindOf.get(r.type)!.wsdl);
      const at = { ...m, name: `${m.wsdlName} result`, type: r.type, version: m.version, flags: r.flags, file: t.file };
      const vm: VmodlMethod = {
        name: m.wsdlName,
        params: m.params.map((p) => member(p, true, m.version)),
        returnsTask,
        faults: m.faults.map((f) => {
          const k = kindOf.get(f);
          if (!k) throw new TypeInfoModelError(`${t.file}:${m.line}:${m.col}: ${m.wsdlName} names fault ${f}, which no file read declares`);
          return k.wsdl;
        }),
        ...since(m.version),
      };
      // A task method returns the Task itself; the result flags describe what the task yields.
      if (r.type !== "void") vm.result = { ...member({ ...at, type: r.type }, true), name: "returnval", optional: !returnsTask && r.flags.includes("F_OPTIONAL") };
      if (returnsTask && r.taskResult !== "void") vm.taskResult = { ...member({ ...at, type: r.taskResult }, true), name: "returnval", optional: r.flags.includes("F_OPTIONAL") };
      if (m.privilege) vm.privilege = m.privilege;
      // The result carries the method's version; drop the copy so it does not read as the result's own.
      for (const x of [vm.result, vm.taskResult]) {
        if (!x) continue;
        delete x.version;
        delete x.since;
      }
      return vm;
    });
    methods.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const mt: VmodlManagedType = {
      name: t.wsdlName,
      vmodlName: t.vmodlName,
      ...(base ? { base } : {}),
      props: t.props.map((p) => member(p, true)),
      methods,
      ...since(t.version),
    };
    out.managed[mt.name] = mt;
  }

  for (const id of [...usedVersions].sort()) {
    const v = ti.versions[id];
    const wire = wireCache.get(id);
    out.versions[id] = { ...(wire ? { release: wire } : {}), ...(v?.ns ? { ns: `${v.ns}/${v.version}` } : {}), ...(v ? { parents: [...v.parents].sort() } : {}) };
  }
  out.serviceVersions = [...new Set(Object.values(ti.versions).filter((v) => v.serviceNs === serviceNs && v.version).map((v) => v.version))].sort(compareWire);
  return out;
}
