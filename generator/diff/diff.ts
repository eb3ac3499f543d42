/**
 * What changed between two ApiModels: types, properties, methods and enum
 * values added, removed or changed. Pure data in, pure data out; every list is
 * sorted by name so the same two models always give the same text.
 */
import type { ApiModel, IrField } from "../model/ir.js";
import { cmp } from "../model/merge.js";

export type TypeCategory = "data" | "fault" | "managed" | "enum";

export interface TypeEntry {
  name: string;
  category: TypeCategory;
  /** Base type (data, fault, managed), for context in the report. */
  base?: string;
}

export interface TypeChange extends TypeEntry {
  /** One line each: `base: DynamicData → VimFault`, `kind: data → fault`. */
  details: string[];
}

export interface MemberEntry {
  /** Owning type. */
  owner: string;
  category: "data" | "fault" | "managed";
  name: string;
  /** Rendered member type, e.g. `string[]?`, `ManagedObjectReference@Datastore`. */
  type: string;
}

export interface MemberChange extends MemberEntry {
  /** The member's rendered type in model A. */
  before: string;
}

export interface MethodEntry {
  name: string;
  owners: string[];
  signature: string;
}

export interface MethodChange extends MethodEntry {
  details: string[];
}

export interface EnumValueEntry {
  enum: string;
  value: string;
}

export interface ModelDiff {
  a: { service: string; release: string; apiVersion?: string; sources: ApiModel["sources"] };
  b: { service: string; release: string; apiVersion?: string; sources: ApiModel["sources"] };
  types: { added: TypeEntry[]; removed: TypeEntry[]; changed: TypeChange[] };
  /** Fields of data objects and properties of managed types present in both models' type. */
  properties: { added: MemberEntry[]; removed: MemberEntry[]; changed: MemberChange[] };
  methods: { added: MethodEntry[]; removed: MethodEntry[]; changed: MethodChange[] };
  /** Values of enums present in both models. */
  enumValues: { added: EnumValueEntry[]; removed: EnumValueEntry[] };
}

/** `type[]?` plus `@Mo` for MoRefs: the parts of a field whose change matters to a caller. */
export function renderField(f: Pick<IrField, "type" | "array" | "optional" | "moType">): string {
  return `${f.type}${f.moType ? `@${f.moType}` : ""}${f.array ? "[]" : ""}${f.optional ? "?" : ""}`;
}

function signature(m: ApiModel["methods"][string]): string {
  const params = m.params.filter((p) => p.name !== "_this").map((p) => `${p.name}: ${renderField(p)}`);
  return `(${params.join(", ")}) → ${m.returns ? renderField(m.returns) : "void"}`;
}

interface TypeView {
  category: TypeCategory;
  base?: string;
  members?: IrField[];
}

function typeViews(m: ApiModel): Map<string, TypeView> {
  const out = new Map<string, TypeView>();
  for (const t of Object.values(m.dataTypes)) out.set(t.name, { category: t.kind, ...(t.base ? { base: t.base } : {}), members: t.fields });
  for (const t of Object.values(m.managedTypes)) out.set(t.name, { category: "managed", ...(t.base ? { base: t.base } : {}), members: t.props });
  for (const e of Object.values(m.enums)) out.set(e.name, { category: "enum" });
  return out;
}

const byName = <T extends { name: string }>(a: T, b: T) => cmp(a.name, b.name);
const byOwnerName = (a: MemberEntry, b: MemberEntry) => cmp(a.owner, b.owner) || cmp(a.name, b.name);

function entry(name: string, v: TypeView): TypeEntry {
  return { name, category: v.category, ...(v.base ? { base: v.base } : {}) };
}

export function diffModels(a: ApiModel, b: ApiModel): ModelDiff {
  const head = (m: ApiModel) => ({
    service: m.service,
    release: m.release,
    ...(m.apiVersion ? { apiVersion: m.apiVersion } : {}),
    sources: m.sources,
  });
  const d: ModelDiff = {
    a: head(a),
    b: head(b),
    types: { added: [], removed: [], changed: [] },
    properties: { added: [], removed: [], changed: [] },
    methods: { added: [], removed: [], changed: [] },
    enumValues: { added: [], removed: [] },
  };

  const ta = typeViews(a);
  const tb = typeViews(b);
  for (const [name, v] of ta) if (!tb.has(name)) d.types.removed.push(entry(name, v));
  for (const [name, vb] of tb) {
    const va = ta.get(name);
    if (!va) {
      d.types.added.push(entry(name, vb));
      continue;
    }
    const details: string[] = [];
    if (va.category !== vb.category) details.push(`kind: ${va.category} → ${vb.category}`);
    if ((va.base ?? "") !== (vb.base ?? "")) details.push(`base: ${va.base ?? "(none)"} → ${vb.base ?? "(none)"}`);
    if (details.length) d.types.changed.push({ ...entry(name, vb), details });
    if (va.members && vb.members && vb.category !== "enum") diffMembers(name, vb.category, va.members, vb.members, d);
  }

  for (const name of Object.keys(a.enums)) {
    const eb = b.enums[name];
    if (!eb) continue;
    const va = new Set(a.enums[name]!.values);
    const vb = new Set(eb.values);
    for (const v of eb.values) if (!va.has(v)) d.enumValues.added.push({ enum: name, value: v });
    for (const v of va) if (!vb.has(v)) d.enumValues.removed.push({ enum: name, value: v });
  }

  for (const ma of Object.values(a.methods)) {
    if (!b.methods[ma.name]) d.methods.removed.push({ name: ma.name, owners: ma.owners, signature: signature(ma) });
  }
  for (const mb of Object.values(b.methods)) {
    const ma = a.methods[mb.name];
    const e = { name: mb.name, owners: mb.owners, signature: signature(mb) };
    if (!ma) {
      d.methods.added.push(e);
      continue;
    }
    const details = methodChanges(ma, mb);
    if (details.length) d.methods.changed.push({ ...e, details });
  }

  d.types.added.sort(byName);
  d.types.removed.sort(byName);
  d.types.changed.sort(byName);
  d.properties.added.sort(byOwnerName);
  d.properties.removed.sort(byOwnerName);
  d.properties.changed.sort(byOwnerName);
  d.methods.added.sort(byName);
  d.methods.removed.sort(byName);
  d.methods.changed.sort(byName);
  const byEnum = (x: EnumValueEntry, y: EnumValueEntry) => cmp(x.enum, y.enum) || cmp(x.value, y.value);
  d.enumValues.added.sort(byEnum);
  d.enumValues.removed.sort(byEnum);
  return d;
}

function diffMembers(owner: string, category: TypeCategory, fa: IrField[], fb: IrField[], d: ModelDiff): void {
  if (category === "enum") return;
  const ia = new Map(fa.map((f) => [f.name, f]));
  const ib = new Map(fb.map((f) => [f.name, f]));
  for (const f of fa) if (!ib.has(f.name)) d.properties.removed.push({ owner, category, name: f.name, type: renderField(f) });
  for (const f of fb) {
    const old = ia.get(f.name);
    const type = renderField(f);
    if (!old) d.properties.added.push({ owner, category, name: f.name, type });
    else if (renderField(old) !== type) d.properties.changed.push({ owner, category, name: f.name, type, before: renderField(old) });
  }
}

function methodChanges(ma: ApiModel["methods"][string], mb: ApiModel["methods"][string]): string[] {
  const out: string[] = [];
  const pa = ma.params.filter((p) => p.name !== "_this");
  const pb = mb.params.filter((p) => p.name !== "_this");
  const ia = new Map(pa.map((p) => [p.name, p]));
  const ib = new Map(pb.map((p) => [p.name, p]));
  for (const p of pb) {
    const old = ia.get(p.name);
    if (!old) out.push(`param added: ${p.name}: ${renderField(p)}`);
    else if (renderField(old) !== renderField(p)) out.push(`param changed: ${p.name}: ${renderField(old)} → ${renderField(p)}`);
  }
  for (const p of pa) if (!ib.has(p.name)) out.push(`param removed: ${p.name}: ${renderField(p)}`);
  // SOAP params are positional on the wire: a reorder of surviving names is a change too.
  const keptA = pa.map((p) => p.name).filter((n) => ib.has(n));
  const keptB = pb.map((p) => p.name).filter((n) => ia.has(n));
  if (keptA.join(",") !== keptB.join(",")) out.push(`param order: ${keptA.join(", ")} → ${keptB.join(", ")}`);
  const ra = ma.returns ? renderField(ma.returns) : "void";
  const rb = mb.returns ? renderField(mb.returns) : "void";
  if (ra !== rb) out.push(`returns: ${ra} → ${rb}`);
  const ownersA = [...ma.owners].sort(cmp).join(", ");
  const ownersB = [...mb.owners].sort(cmp).join(", ");
  if (ownersA !== ownersB) out.push(`owner: ${ownersA || "(none)"} → ${ownersB || "(none)"}`);
  const fa = new Set(ma.faults);
  const fb = new Set(mb.faults);
  const fAdded = mb.faults.filter((f) => !fa.has(f)).sort(cmp);
  const fRemoved = ma.faults.filter((f) => !fb.has(f)).sort(cmp);
  if (fAdded.length) out.push(`faults added: ${fAdded.join(", ")}`);
  if (fRemoved.length) out.push(`faults removed: ${fRemoved.join(", ")}`);
  return out;
}

/** Counts per row of the summary table. */
export function diffCounts(d: ModelDiff) {
  const types = (c: TypeCategory) => ({
    added: d.types.added.filter((t) => t.category === c).length,
    removed: d.types.removed.filter((t) => t.category === c).length,
    changed: d.types.changed.filter((t) => t.category === c).length,
  });
  return {
    dataTypes: types("data"),
    faults: types("fault"),
    managedTypes: types("managed"),
    enums: types("enum"),
    properties: { added: d.properties.added.length, removed: d.properties.removed.length, changed: d.properties.changed.length },
    methods: { added: d.methods.added.length, removed: d.methods.removed.length, changed: d.methods.changed.length },
    enumValues: { added: d.enumValues.added.length, removed: d.enumValues.removed.length, changed: 0 },
  };
}

export { renderDiffMarkdown } from "./markdown.js";
