/**
 * Links the raw per-file definitions into one `WsdlModel`: merges duplicates,
 * inlines groups, checks every type reference and base chain, and builds the
 * operations from portType + messages + binding.
 *
 * Name policy: the model is keyed by local name (see ir.ts). A second
 * definition of a name is merged when it is identical (the service bundles
 * ship their own copies of vim25's core types), and is an error when it
 * differs — also across namespaces, because consumers look types up by name
 * alone. No vSphere bundle has such a clash; every definition keeps its `ns`.
 */
import type {
  SourceLoc,
  TypeRef,
  WsdlComplexType,
  WsdlElement,
  WsdlEnum,
  WsdlField,
  WsdlModel,
  WsdlOperation,
} from "../model/ir.js";
import type { LoadedBundle } from "./bundle-loader.js";
import { WsdlError } from "./errors.js";
import { XSD_BUILTINS, XSD_NS } from "./namespaces.js";
import { qkey } from "./qname.js";
import type { RawComplexType, RawElement, RawGroup, RawParticle, RawSchema } from "./schema-reader.js";
import { failAt, type At, type RawBinding, type RawDefinitions, type RawMessage, type RawPortType } from "./wsdl-reader.js";

type Named = { kind: "complexType"; raw: RawComplexType } | { kind: "simpleType"; raw: WsdlEnum };

function fail(loc: SourceLoc, element: string, expected: string): WsdlError {
  return new WsdlError(loc.file, element, loc.line, expected);
}

function where(loc: SourceLoc): string {
  return loc.line === undefined ? loc.file : `${loc.file}:${loc.line}`;
}

/** Content identity for duplicate detection: where it sits and its prose do not count. */
function signature(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (key === "loc" || key === "doc" || key === "at" ? undefined : v));
}

function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = v;
  return out;
}

export function assemble(bundle: LoadedBundle): WsdlModel {
  const raw = bundle.schema;
  const defs = bundle.defs;

  const aliases = new Map<string, Set<string>>();
  const named = collectTypes(raw, aliases);
  const groups = uniqueBy(raw.groups, (g) => qkey(g), (g) => `group ${g.name}`);
  const expander = new GroupExpander(groups);

  const complexTypes = new Map<string, WsdlComplexType>();
  const enums = new Map<string, WsdlEnum>();
  for (const [name, def] of named) {
    const aliasNs = aliases.has(name) ? { aliasNs: [...(aliases.get(name) ?? [])].sort() } : {};
    if (def.kind === "simpleType") {
      enums.set(name, { ...def.raw, ...aliasNs });
      continue;
    }
    const t = def.raw;
    // Built key by key so the JSON reads in a natural order (name, base, fields, …, loc).
    complexTypes.set(name, {
      name,
      ns: t.ns,
      ...(t.base ? { base: t.base } : {}),
      ...(t.simpleContentBase ? { simpleContentBase: t.simpleContentBase } : {}),
      ...(t.abstract ? { abstract: true } : {}),
      fields: expander.fields(t.particles, t.ns),
      attributes: t.attributes,
      ...(t.doc ? { doc: t.doc } : {}),
      ...aliasNs,
      loc: t.loc,
    });
  }

  const check = new RefChecker(named, aliases);
  for (const t of complexTypes.values()) check.complexType(t);
  checkExtensionCycles(complexTypes);

  const arrayTypes = new Map<string, TypeRef>();
  for (const t of complexTypes.values()) {
    const only = t.fields[0];
    if (t.name.startsWith("ArrayOf") && !t.base && !t.simpleContentBase && t.fields.length === 1 && only?.array && !t.attributes.length) {
      arrayTypes.set(t.name, only.type);
    }
  }

  const rawElements = uniqueBy(raw.elements, (e) => e.name, (e) => `element ${e.name}`);
  const elements = new Map<string, WsdlElement>();
  for (const [name, e] of rawElements) {
    const el: WsdlElement = { name, ns: e.ns, loc: e.loc };
    if (e.type) {
      check.ref(e.type, e.loc, `element ${name}`, "its type");
      el.type = e.type;
    }
    if (e.particles) {
      el.fields = expander.fields(e.particles, e.ns);
      for (const f of el.fields) check.ref(f.type, e.loc, `element ${name}`, `field ${f.name}`);
    }
    elements.set(name, el);
  }

  const ops = new OperationBuilder(bundle, defs, rawElements, elements, complexTypes);
  return {
    namespace: ops.namespace,
    files: [...bundle.files],
    complexTypes: sortedRecord(complexTypes),
    enums: sortedRecord(enums),
    arrayTypes: sortedRecord(arrayTypes),
    elements: sortedRecord(elements),
    operations: sortedRecord(ops.operations),
    services: ops.services,
  };
}

/**
 * Types by name. An identical copy in another namespace (vsan-types.xsd repeats
 * vim25's LocalizedMethodFault as urn:vsan) is merged into the first one read,
 * its namespace remembered in `aliases` so references to either copy resolve.
 */
function collectTypes(raw: RawSchema, aliases: Map<string, Set<string>>): Map<string, Named> {
  const named = new Map<string, Named>();
  const add = (def: Named) => {
    const prev = named.get(def.raw.name);
    if (!prev) {
      named.set(def.raw.name, def);
      return;
    }
    const element = `${def.kind} ${def.raw.name}`;
    const first = `${prev.kind} at ${where(prev.raw.loc)}`;
    if (prev.kind !== def.kind) throw fail(def.raw.loc, element, `duplicate name: already defined as ${first}`);
    if (signature({ ...prev.raw, ns: "" }) !== signature({ ...def.raw, ns: "" })) {
      const also = prev.raw.ns === def.raw.ns ? "" : ` (in namespace ${prev.raw.ns}, this one in ${def.raw.ns}; names must be unique across namespaces)`;
      throw fail(def.raw.loc, element, `duplicate type with different content: expected it to match the ${first}${also}`);
    }
    if (prev.raw.ns !== def.raw.ns) {
      const set = aliases.get(def.raw.name) ?? new Set<string>();
      set.add(def.raw.ns);
      aliases.set(def.raw.name, set);
    }
  };
  for (const t of raw.complexTypes) add({ kind: "complexType", raw: t });
  for (const e of raw.enums) add({ kind: "simpleType", raw: e });
  return named;
}

function uniqueBy<T extends { loc: SourceLoc }>(items: T[], key: (t: T) => string, label: (t: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    const prev = out.get(k);
    if (!prev) out.set(k, item);
    else if (signature(prev) !== signature(item)) {
      throw fail(item.loc, label(item), `duplicate definition with different content: expected it to match the one at ${where(prev.loc)}`);
    }
  }
  return out;
}

/** Expands `<group ref>` in place, memoised per group; a group that reaches itself is an error. */
class GroupExpander {
  private readonly done = new Map<string, WsdlField[]>();
  private readonly active = new Set<string>();

  constructor(private readonly groups: Map<string, RawGroup>) {}

  fields(particles: RawParticle[], ownerNs: string): WsdlField[] {
    const out: WsdlField[] = [];
    for (const p of particles) {
      if (p.kind === "field") {
        out.push(p.field);
        continue;
      }
      for (const f of this.group(p.ref, p.loc)) {
        // Elements of a group from another schema are qualified with that schema's namespace on the wire.
        out.push(f.ns === undefined && p.ref.ns !== ownerNs ? { ...f, ns: p.ref.ns } : f);
      }
    }
    return out;
  }

  private group(ref: TypeRef, at: SourceLoc): WsdlField[] {
    const key = qkey(ref);
    const cached = this.done.get(key);
    if (cached) return cached;
    const g = this.groups.get(key);
    if (!g) throw fail(at, `group ${ref.name}`, `reference to group ${key}, which no schema in the bundle defines`);
    if (this.active.has(key)) throw fail(g.loc, `group ${g.name}`, "group refers to itself; expected a finite sequence");
    this.active.add(key);
    const fields = this.fields(g.particles, g.ns);
    this.active.delete(key);
    this.done.set(key, fields);
    return fields;
  }
}

class RefChecker {
  constructor(
    private readonly named: Map<string, Named>,
    private readonly aliases: Map<string, Set<string>>,
  ) {}

  /** Any xsd:* or a type some schema in the bundle defines, in the namespace the reference names. */
  ref(ref: TypeRef, loc: SourceLoc, element: string, what: string, want?: Named["kind"]): Named | undefined {
    if (ref.ns === XSD_NS) {
      if (!XSD_BUILTINS.has(ref.name)) throw fail(loc, element, `${what} refers to xsd:${ref.name}, which is not an XML Schema built-in type`);
      if (want === "complexType") throw fail(loc, element, `${what}: expected a complexType, found xsd:${ref.name}`);
      return undefined;
    }
    const def = this.named.get(ref.name);
    if (!def || (def.raw.ns !== ref.ns && !this.aliases.get(ref.name)?.has(ref.ns))) {
      const shown = ref.ns ? `{${ref.ns}}${ref.name}` : ref.name;
      throw fail(loc, element, `${what} refers to type ${shown}, which no schema in the bundle defines (expected an xsd:* type or a defined complexType/simpleType)`);
    }
    if (want && def.kind !== want) throw fail(loc, element, `${what}: expected a ${want}, found ${def.kind} ${ref.name}`);
    return def;
  }

  complexType(t: WsdlComplexType): void {
    const element = `complexType ${t.name}`;
    if (t.base) this.ref(t.base, t.loc, element, "extension base", "complexType");
    if (t.simpleContentBase) this.ref(t.simpleContentBase, t.loc, element, "simpleContent base", "simpleType");
    for (const f of t.fields) this.ref(f.type, t.loc, element, `field ${f.name}`);
    for (const a of t.attributes) this.ref(a.type, t.loc, element, `attribute ${a.name}`, "simpleType");
  }
}

function checkExtensionCycles(types: Map<string, WsdlComplexType>): void {
  // Per type: absent = not seen, false = on the current base chain, true = known to end at a root.
  const state = new Map<string, boolean>();
  for (const start of types.values()) {
    const chain: WsdlComplexType[] = [];
    let t: WsdlComplexType | undefined = start;
    while (t && state.get(t.name) !== true) {
      if (state.get(t.name) === false) {
        const names = chain.map((c) => c.name);
        const cycle = [...names.slice(names.indexOf(t.name)), t.name].join(" → ");
        throw fail(t.loc, `complexType ${t.name}`, `extension cycle ${cycle}: expected base types to end at a root type`);
      }
      state.set(t.name, false);
      chain.push(t);
      t = t.base ? types.get(t.base.name) : undefined;
    }
    for (const c of chain) state.set(c.name, true);
  }
}

class OperationBuilder {
  readonly operations = new Map<string, WsdlOperation>();
  readonly services: WsdlModel["services"] = [];
  readonly namespace: string;

  private readonly messages: Map<string, RawMessage>;
  private readonly portTypes: Map<string, RawPortType>;

  constructor(
    bundle: LoadedBundle,
    defs: RawDefinitions,
    private readonly rawElements: Map<string, RawElement>,
    private readonly elements: Map<string, WsdlElement>,
    private readonly complexTypes: Map<string, WsdlComplexType>,
  ) {
    this.messages = new Map(defs.messages.map((m) => [qkey(m), m]));
    this.portTypes = new Map(defs.portTypes.map((p) => [qkey(p), p]));
    const bindings = new Map(defs.bindings.map((b) => [qkey(b), b]));
    const soapBindings = defs.bindings.filter((b) => b.soap);

    const notService = (what: string) => failAt(bundle.entryRoot, `not a vim-style SOAP service: ${what}`);
    if (defs.portTypes.length === 0) throw notService("expected a <portType> in the entry file or the WSDL files it imports");
    if (soapBindings.length === 0) throw notService("expected a <binding> with a <soap:binding> child");

    for (const s of defs.services) {
      for (const p of s.ports) {
        const b = bindings.get(qkey(p.binding));
        if (!b) throw notService(`service ${s.name} port ${p.name} names binding ${qkey(p.binding)}, which is not defined`);
        this.services.push({ name: s.name, port: p.name, binding: b.name, ...(p.location !== undefined ? { location: p.location } : {}) });
      }
    }
    const main = this.services[0] ? bindings.get(qkey(defs.services[0]!.ports[0]!.binding)) : soapBindings[0];
    this.namespace = main?.ns ?? "";

    for (const b of soapBindings) this.bind(b);
  }

  private bind(b: RawBinding): void {
    const pt = this.portTypes.get(qkey(b.type));
    if (!pt) throw failAt(b.at, `expected portType ${qkey(b.type)} to be defined`);
    for (const op of pt.operations) {
      const at = op.at;
      const params = op.input ? this.fieldsOf(this.element(op.input, at, "input"), at) : [];
      const returns = op.output ? this.fieldsOf(this.element(op.output, at, "output"), at).find((f) => f.name === "returnval") : undefined;
      const faults = new Set<string>();
      for (const f of op.faults) {
        const el = this.element(f, at, "fault");
        faults.add(el.type?.name ?? el.name);
      }
      const action = b.actions.get(op.name);
      const w: WsdlOperation = {
        name: op.name,
        params,
        ...(returns ? { returns } : {}),
        faults: [...faults].sort(),
        ...(action ? { soapAction: action } : {}),
        binding: b.name,
        ...(op.doc ? { doc: op.doc } : {}),
        loc: op.loc,
      };

      const prev = this.operations.get(op.name);
      if (prev && signature(prev) !== signature(w)) {
        throw failAt(at, `operation ${op.name} is also bound by ${prev.binding} with a different signature (${where(prev.loc)})`);
      }
      if (!prev) this.operations.set(op.name, w);
    }
  }

  /** The element a message's part names. */
  private element(message: TypeRef, at: At, role: string): WsdlElement {
    const m = this.messages.get(qkey(message));
    if (!m) throw failAt(at, `${role} message ${qkey(message)} is not defined; expected a <message name="${message.name}">`);
    if (!m.element) throw failAt(m.at, "expected a <part element=…> (document/literal style)");
    const raw = this.rawElements.get(m.element.name);
    const el = this.elements.get(m.element.name);
    if (!raw || !el || raw.ns !== m.element.ns) {
      throw failAt(m.at, `part element ${qkey(m.element)} is not defined by any schema in the bundle`);
    }
    return el;
  }

  /** A wrapper element's fields: its inline sequence, or its named type's fields including inherited ones. */
  private fieldsOf(el: WsdlElement, at: At): WsdlField[] {
    if (el.fields) return el.fields;
    if (!el.type) return [];
    if (el.type.ns === XSD_NS) throw failAt(at, `element ${el.name} has simple type xsd:${el.type.name}; expected a complexType wrapper`);
    const chain: WsdlComplexType[] = [];
    for (let t = this.complexTypes.get(el.type.name); t; t = t.base ? this.complexTypes.get(t.base.name) : undefined) chain.unshift(t);
    if (!chain.length) throw failAt(at, `element ${el.name} has type ${el.type.name}; expected a complexType wrapper`);
    return chain.flatMap((t) => t.fields);
  }
}
