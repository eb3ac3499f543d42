/**
 * Merges a WSDL bundle and (optionally) a VMODL database into one `ApiModel`.
 *
 * WSDL is the wire truth: it decides which types, fields and operations exist
 * and in which order. VMODL adds what the wire does not say: which managed
 * type owns an operation, which managed type a ManagedObjectReference points
 * at, the managed properties, and version tags. Every disagreement is recorded
 * in `checks`, never dropped.
 */
import type {
  ApiModel,
  CheckEntry,
  IrDataType,
  IrEnum,
  IrField,
  IrManagedType,
  IrMethod,
  TypeRef,
  VmodlModel,
  VmodlProperty,
  WsdlComplexType,
  WsdlField,
  WsdlModel,
} from "./ir.js";
import { XSD_NS } from "../wsdl-reader/namespaces.js";

const MOREF = "ManagedObjectReference";

export interface MergeInput {
  service: string;
  release: string;
  wsdl: WsdlModel;
  vmodl?: VmodlModel;
  /** Bundle-relative WSDL file names and the vmodl file name, for provenance. */
  sources?: { wsdl: string[]; vmodl?: string };
}

/** Operations that only read state, so a transport failure may be retried. */
const SAFE_OP =
  /^(Retrieve|Query|Find|Fetch|Has|CurrentTime$|ContinueRetrievePropertiesEx$|WaitForUpdates(Ex)?$|CheckForUpdates$|RetrieveServiceContent$)/;

export function mergeModel(input: MergeInput): ApiModel {
  const { wsdl } = input;
  const checks: CheckEntry[] = [];
  // Presence-only findings are notes; a disagreement about a thing both sources describe is a mismatch.
  const NOTE_KINDS = new Set([
    "wsdl-type-unknown-to-vmodl", "vmodl-type-missing-in-wsdl", "wsdl-enum-unknown-to-vmodl", "vmodl-enum-missing-in-wsdl",
    "vmodl-method-missing-in-wsdl", "operation-without-owner", "wsdl-field-unknown-to-vmodl", "vmodl-field-missing-in-wsdl",
    "enum-values-unknown-to-vmodl", "enum-values-missing-in-wsdl",
    // Only when the WSDL is newer than the VMODL: what the newer release changed.
    "wsdl-params-added", "wsdl-made-optional",
  ]);
  const check = (kind: string, subject: string, detail: string) =>
    checks.push({ severity: NOTE_KINDS.has(kind) ? "note" : "mismatch", kind, subject, detail });
  // pyVmomi type info arrives scoped by file; vmodl.db mixes services and is scoped by name.
  const vmodl = input.vmodl && (input.vmodl.service ? input.vmodl : scopeVmodl(input.vmodl, input.service));

  // A WSDL newer than every version the VMODL knows (9.x against pyVmomi 8.0.3) may add trailing
  // parameters and relax required fields; those are that release's changes, reported as notes.
  const wsdlVersion = Object.values(wsdl.operations).map((o) => o.soapAction?.match(/\/(\d+(?:\.\d+)+)$/)?.[1]).filter((v) => v !== undefined).sort(compareVersions).at(-1);
  const vmodlNewest = vmodl?.serviceVersions?.at(-1);
  const wsdlIsNewer = wsdlVersion !== undefined && vmodlNewest !== undefined && compareVersions(wsdlVersion, vmodlNewest) > 0;

  const requestTypes = new Set<string>();
  // Request wrappers are the types of the operations' input elements (CreateVM_Task → CreateVMRequestType).
  for (const op of Object.values(wsdl.operations)) {
    requestTypes.add(wsdl.elements[op.name]?.type?.name ?? `${op.name}RequestType`);
  }

  // --- data and fault types -------------------------------------------------
  const isWrapper = (t: WsdlComplexType) =>
    t.name in wsdl.arrayTypes || requestTypes.has(t.name) || t.name === MOREF;
  const faultRoots = new Set(["MethodFault"]);
  const baseOf = (name: string) => wsdl.complexTypes[name]?.base?.name;
  const isFault = (name: string) => {
    for (let n: string | undefined = name, guard = 0; n && guard < 64; n = baseOf(n), guard++) if (faultRoots.has(n)) return true;
    return false;
  };

  const vmodlData = vmodl?.data ?? {};
  const dataTypes: Record<string, IrDataType> = {};
  for (const t of sortedValues(wsdl.complexTypes)) {
    if (isWrapper(t)) continue;
    const vt = vmodlData[t.name];
    const vprops = new Map((vt?.props ?? []).map((p) => [p.name, p]));
    const fields = t.fields.map((f) => fieldFrom(f, vprops.get(f.name), `${t.name}.${f.name}`));
    if (vmodl && t.ns === wsdl.namespace) {
      if (!vt && !vmodl.managed[t.name] && !vmodl.enums[t.name]) check("wsdl-type-unknown-to-vmodl", t.name, "complexType has no VMODL entry");
      if (vt) {
        const wsdlNames = new Set(t.fields.map((f) => f.name));
        for (const p of vt.props) if (!wsdlNames.has(p.name)) check("vmodl-field-missing-in-wsdl", `${t.name}.${p.name}`, "VMODL property absent from the WSDL complexType");
        for (const f of t.fields) if (!vprops.has(f.name)) check("wsdl-field-unknown-to-vmodl", `${t.name}.${f.name}`, "WSDL field absent from the VMODL type");
        if ((vt.base ?? undefined) !== (t.base?.name ?? undefined) && !(vt.base === "DataObject" && !t.base))
          check("base-mismatch", t.name, `WSDL base ${t.base?.name ?? "(none)"}, VMODL base ${vt.base ?? "(none)"}`);
      }
    }
    dataTypes[t.name] = {
      name: t.name,
      kind: isFault(t.name) ? "fault" : "data",
      ...(t.base ? { base: t.base.name } : {}),
      fields,
      subtypes: [],
      ...sinceOf(vt?.since),
      ...(vt?.vmodlName ? { vmodlName: vt.vmodlName } : {}),
      ...(t.doc ? { doc: t.doc } : {}),
      ...(t.ns !== wsdl.namespace ? { external: t.ns } : {}),
    };
  }
  for (const t of Object.values(dataTypes)) {
    if (t.base && dataTypes[t.base]) dataTypes[t.base]!.subtypes.push(t.name);
  }
  for (const t of Object.values(dataTypes)) t.subtypes.sort();

  // --- enums ----------------------------------------------------------------
  const enums: Record<string, IrEnum> = {};
  for (const e of sortedValues(wsdl.enums)) {
    const ve = vmodl?.enums[e.name];
    if (vmodl && !ve && e.ns === wsdl.namespace) check("wsdl-enum-unknown-to-vmodl", e.name, "simpleType enumeration has no VMODL entry");
    if (ve) {
      const w = new Set(e.values);
      const v = new Set(ve.values);
      const onlyW = e.values.filter((x) => !v.has(x));
      const onlyV = ve.values.filter((x) => !w.has(x));
      if (onlyW.length) check("enum-values-unknown-to-vmodl", e.name, onlyW.join(", "));
      if (onlyV.length) check("enum-values-missing-in-wsdl", e.name, onlyV.join(", "));
    }
    enums[e.name] = {
      name: e.name,
      values: [...e.values],
      ...sinceOf(ve?.since),
      ...(ve?.vmodlName ? { vmodlName: ve.vmodlName } : {}),
      ...(e.doc ? { doc: e.doc } : {}),
      ...(e.ns !== wsdl.namespace ? { external: e.ns } : {}),
    };
  }
  if (vmodl) {
    for (const name of Object.keys(vmodl.data).sort()) {
      if (!dataTypes[name] && !wsdl.complexTypes[name]) check("vmodl-type-missing-in-wsdl", name, `VMODL ${vmodl.data[name]!.kind} type absent from the WSDL`);
    }
    for (const name of Object.keys(vmodl.enums).sort()) {
      if (!enums[name]) check("vmodl-enum-missing-in-wsdl", name, "VMODL enum absent from the WSDL");
    }
  }

  // --- managed types --------------------------------------------------------
  const managedTypes: Record<string, IrManagedType> = {};
  const owners = new Map<string, string[]>();
  const vmodlMethods = new Map<string, { owner: string; m: NonNullable<VmodlModel["managed"][string]>["methods"][number] }>();
  for (const mt of sortedValues(vmodl?.managed ?? {})) {
    const props: IrField[] = [];
    for (const p of mt.props) {
      const f = vmodlField(p);
      if (!f.primitive && f.type !== MOREF && !dataTypes[f.type] && !enums[f.type])
        check("vmodl-property-unknown-type", `${mt.name}.${p.name}`, `type ${p.type} is not defined by the WSDL`);
      props.push(f);
    }
    const methods: string[] = [];
    for (const m of mt.methods) {
      if (!wsdl.operations[m.name]) {
        check("vmodl-method-missing-in-wsdl", `${mt.name}.${m.name}`, "VMODL method has no WSDL operation");
        continue;
      }
      methods.push(m.name);
      const list = owners.get(m.name) ?? [];
      list.push(mt.name);
      owners.set(m.name, list);
      if (!vmodlMethods.has(m.name)) vmodlMethods.set(m.name, { owner: mt.name, m });
    }
    managedTypes[mt.name] = {
      name: mt.name,
      ...(mt.base && mt.base !== "ManagedObject" ? { base: mt.base } : mt.base === "ManagedObject" && mt.name !== "ManagedObject" ? { base: mt.base } : {}),
      props,
      methods: methods.sort(),
      subtypes: [],
      ...sinceOf(mt.since),
      ...(mt.vmodlName ? { vmodlName: mt.vmodlName } : {}),
    };
  }
  for (const t of Object.values(managedTypes)) {
    if (t.base && managedTypes[t.base]) managedTypes[t.base]!.subtypes.push(t.name);
    else if (t.base) check("managed-base-unknown", t.name, `base ${t.base} is not a managed type`);
  }
  for (const t of Object.values(managedTypes)) t.subtypes.sort();

  // --- methods ----------------------------------------------------------------
  const methods: ApiModel["methods"] = {};
  let apiVersion: string | undefined;
  for (const op of sortedValues(wsdl.operations)) {
    const vm = vmodlMethods.get(op.name)?.m;
    const vparams = new Map((vm?.params ?? []).map((p) => [p.name, p]));
    const params = op.params.map((p) => fieldFrom(p, vparams.get(p.name), `${op.name}(${p.name})`));
    const thisParam = params[0];
    if (thisParam?.name === "_this") {
      const own = owners.get(op.name);
      if (own?.length === 1) thisParam.moType = own[0];
    }
    if (vm) {
      const wnames = op.params.map((p) => p.name).filter((n) => n !== "_this");
      const vnames = vm.params.map((p) => p.name);
      if (wnames.join(",") !== vnames.join(",")) {
        const appended = wsdlIsNewer && vnames.every((n, i) => wnames[i] === n);
        if (appended) check("wsdl-params-added", op.name, `the WSDL adds ${wnames.slice(vnames.length).join(", ")} after VMODL's (${vnames.join(", ")})`);
        else check("method-params-differ", op.name, `WSDL (${wnames.join(", ")}) vs VMODL (${vnames.join(", ")})`);
      }
    } else if (vmodl) {
      check("operation-without-owner", op.name, "no VMODL managed type declares this operation");
    }
    const returns = op.returns ? fieldFrom(op.returns, vm?.result, `${op.name} returnval`) : undefined;
    const returnsTask = vm?.returnsTask ?? op.name.endsWith("_Task");
    const m: IrMethod & { owners: string[] } = {
      name: op.name,
      params,
      ...(returns ? { returns } : {}),
      faults: [...op.faults].sort(),
      returnsTask,
      safe: !returnsTask && SAFE_OP.test(op.name),
      ...sinceOf(vm?.since),
      ...(op.doc ? { doc: op.doc } : {}),
      ...(vm?.privilege ? { privilege: vm.privilege } : {}),
      ...(vm?.taskResult ? { taskResult: { type: vm.taskResult.moType ?? vm.taskResult.type, isArray: vm.taskResult.array } } : {}),
      owners: [...(owners.get(op.name) ?? [])].sort(),
    };
    methods[op.name] = m;
    const v = op.soapAction?.match(/\/(\d+(?:\.\d+)+)$/)?.[1];
    if (v && (!apiVersion || compareVersions(v, apiVersion) > 0)) apiVersion = v;
  }

  checks.sort((a, b) => cmp(a.severity, b.severity) || cmp(a.kind, b.kind) || cmp(a.subject, b.subject) || cmp(a.detail, b.detail));

  return {
    service: input.service,
    release: input.release,
    namespace: wsdl.namespace,
    ...(apiVersion ? { apiVersion } : {}),
    sources: input.sources ?? { wsdl: [...wsdl.files], ...(vmodl ? { vmodl: vmodl.file } : {}) },
    dataTypes,
    enums,
    managedTypes,
    methods,
    checks,
    ...(vmodl?.serviceVersions?.length ? { versions: [...vmodl.serviceVersions] } : {}),
  };

  function fieldFrom(f: WsdlField, vp: VmodlProperty | undefined, subject: string): IrField {
    let type: TypeRef = f.type;
    let array = f.array;
    const item = wsdl.arrayTypes[type.name];
    if (item && type.ns !== XSD_NS) {
      type = item;
      array = true;
    }
    const primitive = type.ns === XSD_NS;
    const out: IrField = { name: f.name, type: type.name, primitive, optional: f.minOccurs === 0, array };
    if (type.name === MOREF && !primitive) {
      const mo = vp ? vp.moType ?? (vp.type !== MOREF && vmodl?.managed[vp.type] ? vp.type : undefined) : undefined;
      if (mo) out.moType = mo;
    }
    if (vp) {
      if (vp.array !== array) check("array-mismatch", subject, `WSDL array=${array}, VMODL array=${vp.array}`);
      if (vmodl?.service && vp.type !== type.name && !(vp.type === "anyType" && vp.vmodlType === "vmodl.DataObject"))
        check("type-mismatch", subject, `WSDL ${type.name}, VMODL ${vp.vmodlType ?? vp.type}${vp.vmodlType ? ` (${vp.type} on the wire)` : ""}`);
      if (vmodl?.service && vp.optional !== out.optional) {
        if (wsdlIsNewer && out.optional) check("wsdl-made-optional", subject, `VMODL required, the newer WSDL has minOccurs=0`);
        else check("optional-mismatch", subject, `WSDL minOccurs=${f.minOccurs}, VMODL ${vp.optional ? "optional" : "required"}`);
      }
      const since = vp.since;
      if (since) out.since = since;
      if (vp.secret) out.secret = true;
      if (vp.privilege) out.privilege = vp.privilege;
    }
    if (f.doc) out.doc = f.doc;
    return out;
  }

  function vmodlField(p: VmodlProperty): IrField {
    const isMo = p.moType !== undefined || (!!vmodl?.managed[p.type] && p.type !== MOREF);
    const wsdlPrimitive = PRIMITIVES.has(p.type);
    const out: IrField = {
      name: p.name,
      type: isMo ? MOREF : p.type,
      primitive: wsdlPrimitive,
      optional: p.optional,
      array: p.array,
    };
    if (isMo) out.moType = p.moType ?? p.type;
    else if (p.type === MOREF) out.moType = "ManagedObject";
    if (p.since) out.since = p.since;
    if (p.secret) out.secret = true;
    if (p.privilege) out.privilege = p.privilege;
    return out;
  }
}

/** Type-name prefixes of the services rbvmomi's vmodl.db mixes into one file. */
const SERVICE_PREFIX: Record<string, RegExp> = { pbm: /^Pbm/, sms: /^Sms/, vslm: /^Vslm/, eam: /^Eam/ };

/**
 * vmodl.db holds vim25 and pbm (and maybe others) in one namespace of names.
 * Keep the entries of `service` only, so pbm types are not reported missing from vim25 and vice versa.
 */
export function scopeVmodl(v: VmodlModel, service: string): VmodlModel {
  const own = SERVICE_PREFIX[service];
  const others = Object.entries(SERVICE_PREFIX).filter(([s]) => s !== service).map(([, re]) => re);
  const keep = (name: string) => (own ? own.test(name) : true) && !others.some((re) => re.test(name));
  const pick = <T>(rec: Record<string, T>) => Object.fromEntries(Object.entries(rec).filter(([k]) => keep(k)));
  return { ...v, managed: pick(v.managed), data: pick(v.data), enums: pick(v.enums) };
}

/** XSD primitive names as VMODL spells them once mapped to WSDL. */
export const PRIMITIVES = new Set([
  "string", "boolean", "byte", "short", "int", "long", "float", "double",
  "dateTime", "base64Binary", "anyURI", "anyType",
]);

function sinceOf(since: string | undefined): { since?: string } {
  return since ? { since } : {};
}

function sortedValues<T>(rec: Record<string, T>): T[] {
  return Object.keys(rec)
    .sort(cmp)
    .map((k) => rec[k]!);
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** Counts per kind, for `tsvmomi-gen model` and tests. */
export function summarize(model: ApiModel) {
  const data = Object.values(model.dataTypes);
  const groups: Record<string, number> = {};
  for (const c of model.checks) groups[`${c.severity}:${c.kind}`] = (groups[`${c.severity}:${c.kind}`] ?? 0) + 1;
  return {
    dataTypes: data.filter((t) => t.kind === "data").length,
    faults: data.filter((t) => t.kind === "fault").length,
    enums: Object.keys(model.enums).length,
    managedTypes: Object.keys(model.managedTypes).length,
    methods: Object.keys(model.methods).length,
    unownedMethods: Object.values(model.methods).filter((m) => m.owners.length === 0).length,
    mismatches: model.checks.filter((c) => c.severity === "mismatch").length,
    notes: model.checks.filter((c) => c.severity === "note").length,
    checks: groups,
  };
}
