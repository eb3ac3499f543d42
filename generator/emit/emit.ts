/**
 * Model → files. Builds one view per template from the ApiModel, renders the
 * logic-free Handlebars templates in templates/, and returns a sorted file map.
 * Nothing here touches the disk; `write.ts` does, atomically.
 */
import type { ApiModel, IrField, IrManagedType, IrMethod } from "../model/ir.js";
import { cmp, compareVersions } from "../model/merge.js";
import { dataFamily, docLines, fieldType, isIdentifier, managedFamily, propKey, taskResultType, type Uses } from "./naming.js";
import { ownPaths } from "./paths.js";
import { loadTemplates, type Templates } from "./templates.js";

export interface EmitOptions {
  /** Module specifier of the vim25 bindings that a dependent service (pbm, sms …) reuses. */
  externalTypes?: string;
  /** Include WSDL documentation in TSDoc (default true). */
  docs?: boolean;
}

export type FileMap = Map<string, string>;

export function emitBindings(model: ApiModel, opts: EmitOptions = {}, templates: Templates = loadTemplates()): FileMap {
  const files: FileMap = new Map();
  const header = { service: model.service, release: model.release, vmodl: model.sources.vmodl };
  const docs = opts.docs !== false;
  const render = (tpl: keyof Templates, view: object) => templates[tpl]({ ...header, ...view });

  checkCollisions(model);
  // vim25 is the root bundle: types it carries from another namespace (urn:vsan in 9.x)
  // have no other bindings to borrow from, so only dependent services borrow.
  const borrowed = (x: { external?: string }) => x.external !== undefined && model.service !== "vim25";

  const versions = knownVersions(model);
  files.set("core.ts", render("core", { versions: versions.map((v, i) => ({ key: JSON.stringify(v), upTo: versions.slice(0, i + 1).map((u) => JSON.stringify(u)) })) }));
  // What the first version has needs no gate: every client can use it.
  const oldest = versions[0];

  // --- data types -----------------------------------------------------------
  const local = Object.values(model.dataTypes).filter((t) => !borrowed(t));
  const typeUses: Uses = {};
  const types = local.map((t) => {
    const family = dataFamily(model, t.name).filter((n) => n !== t.name);
    const base = t.base && model.dataTypes[t.base];
    const prefix = (n: string) => (borrowed(model.dataTypes[n] ?? {}) ? "ext." : "");
    // A spec literal may leave `_typeName` out where the declared type is meant; a
    // subtype is chosen by naming it. Faults are never written by hand: always tagged.
    const optionalTag = t.kind === "data";
    return {
      name: t.name,
      fieldsName: `${t.name}Fields`,
      baseFields: base ? `${prefix(t.base!)}${t.base}Fields` : "DataObjectBase",
      leaf: family.length === 0,
      optionalTag,
      // Members of a data family need their tag (it picks the subtype): spelled out as Fields & tag,
      // since a data type's own name admits the untagged form. Fault members are tagged already.
      family: family.map((n) => ({ name: n, fields: `${prefix(n)}${n}Fields`, tagged: model.dataTypes[n]?.kind !== "fault" })),
      doc: docs ? nonEmpty(docLines({ doc: t.doc, since: t.since, vmodlName: t.vmodlName, link: true })) : undefined,
      fields: t.fields.map((f) => ({
        key: propKey(f.name),
        optional: f.optional,
        type: fieldType(model, f, "", typeUses),
        doc: docs ? nonEmpty(docLines({ doc: f.doc, since: f.since, secret: f.secret, privilege: f.privilege })) : undefined,
      })),
    };
  });
  const externals = Object.values(model.dataTypes)
    .filter(borrowed)
    .map((t) => t.name)
    .concat(Object.values(model.enums).filter(borrowed).map((e) => e.name))
    .sort(cmp);
  files.set(
    "types.ts",
    render("types", {
      types,
      externals,
      external: externals.length || types.some((t) => t.baseFields.startsWith("ext.")) ? requireExternal(opts, "types") : undefined,
      imports: typeUses,
      // Only the enums a field here refers to; all of them are re-exported either way.
      enumImports: Object.values(model.enums)
        .filter((e) => !borrowed(e) && typeUses.enums?.has(e.name))
        .map((e) => e.name),
      enumExports: Object.values(model.enums).filter((e) => !borrowed(e)).map((e) => e.name),
    }),
  );

  // --- enums ------------------------------------------------------------------
  const enums = Object.values(model.enums)
    .filter((e) => !borrowed(e))
    .map((e) => ({
      name: e.name,
      doc: docs ? nonEmpty(docLines({ doc: e.doc, since: e.since, vmodlName: e.vmodlName, link: true })) : undefined,
      values: e.values.map((v) => ({ key: propKey(v), value: JSON.stringify(v) })),
    }));
  files.set("enums.ts", render("enums", { enums }));

  // --- faults -----------------------------------------------------------------
  const faults = Object.values(model.dataTypes)
    .filter((t) => t.kind === "fault" && t.name !== "MethodFault" && t.base && !borrowed(t))
    .map((t) => ({
      name: t.name,
      base: t.base!,
      doc: docs ? nonEmpty(docLines({ doc: t.doc, since: t.since, vmodlName: t.vmodlName, link: !!t.vmodlName })) : undefined,
    }));
  // vim25's fault types are closed unions, so a dependent service's fault (PbmFault under
  // VimFault) is not assignable to its vim25 base class's `fault`. Such faults extend the
  // local root instead, whose `fault` admits them; `instanceof` reads the fault chain, not
  // the prototype chain, so `instanceof VimFault` still holds at run time.
  const crossing = faults.filter((f) => model.dataTypes[f.base] && borrowed(model.dataTypes[f.base]!));
  for (const f of crossing) f.base = "MethodFault";
  files.set(
    "faults.ts",
    render("faults", { faults: orderByBase(faults), rootExtra: nonEmpty(crossing.map((f) => f.name).sort(cmp)) }),
  );

  // --- managed kinds, methods, paths -----------------------------------------------
  const managed = Object.values(model.managedTypes).map((m) => ({ name: m.name, family: managedFamily(model, m.name) }));
  files.set("managed.ts", render("managed", { managed }));

  const byOwner = new Map<string, (IrMethod & { owners: string[] })[]>();
  for (const m of Object.values(model.methods)) {
    const owner = m.owners[0] ?? "Unowned";
    const list = byOwner.get(owner) ?? [];
    list.push(m);
    byOwner.set(owner, list);
  }
  const methodModules: string[] = [];
  const moduleNames = new Set([...byOwner.keys(), ...Object.keys(model.managedTypes)]);
  for (const owner of [...moduleNames].sort(cmp)) {
    const uses: Uses = {};
    const methods = (byOwner.get(owner) ?? []).map((m) => methodView(model, m, uses, docs, oldest));
    const reexports = inheritedMethods(model, owner);
    // Managed types that own no method still re-export the ones they inherit.
    if (!methods.length && !reexports.length) continue;
    const imports = { descriptor: methods.length > 0, ...uses };
    files.set(`methods/${owner}.ts`, render("methods", { methods, reexports: nonEmpty(reexports), imports }));
    methodModules.push(owner);
  }

  const managedPaths: { name: string }[] = [];
  for (const mt of Object.values(model.managedTypes)) {
    files.set(`paths/${mt.name}.ts`, render("paths", pathsView(model, mt, docs, oldest)));
    managedPaths.push({ name: mt.name });
  }

  files.set("paths/index.ts", render("paths-index", { managed: managedPaths }));

  // --- codec metadata -------------------------------------------------------------
  files.set("schemas.ts", render("schemas", schemasView(model, borrowed)));

  files.set(
    "index.ts",
    render("index", {
      managed: methodModules.sort(cmp).map((name) => ({ name })),
      managedPaths,
    }),
  );
  return new Map([...files.entries()].sort(([a], [b]) => cmp(a, b)));
}

/**
 * `generated/default.ts` and `generated/default-lazy.ts`: the one place that
 * names the default release's folder, written next to it by `generate`. Made
 * from the release's own file map, so the lazy loaders list exactly the
 * method modules that exist.
 */
export function emitDefaultSelector(model: ApiModel, release: FileMap, templates: Templates = loadTemplates()): FileMap {
  const view = {
    service: model.service,
    release: model.release,
    serviceJson: JSON.stringify(model.service),
    releaseJson: JSON.stringify(model.release),
    folder: `${model.service}-${model.release}`,
    methodModules: [...release.keys()]
      .filter((f) => f.startsWith("methods/"))
      .map((f) => ({ name: f.slice("methods/".length, -".ts".length) }))
      .sort((a, b) => cmp(a.name, b.name)),
  };
  return new Map([
    ["default.ts", templates.default(view)],
    ["default-lazy.ts", templates["default-lazy"](view)],
  ]);
}

function methodView(model: ApiModel, m: IrMethod & { owners: string[] }, uses: Uses, docs: boolean, oldest: string | undefined) {
  const params = m.params.filter((p) => p.name !== "_this");
  const owners = m.owners.filter((o) => model.managedTypes[o]);
  if (owners.length) uses.managedKind = true;
  let result = "void";
  if (m.returnsTask && m.returns?.type === "ManagedObjectReference" && !m.returns.array) {
    uses.taskRef = true;
    result = `TaskRef<${taskResultType(model, m, "t.", uses)}>`;
  } else if (m.returns) result = fieldType(model, m.returns, "t.", uses);
  // Parameters newer than the method itself: a client pinned below their version must not pass them.
  const floor = m.since ?? oldest;
  const paramSince = params
    .filter((p) => p.since && (!floor || compareVersions(p.since, floor) > 0))
    .map((p) => ({ key: propKey(p.name), since: p.since }));
  const since = m.since && m.since !== oldest ? m.since : undefined;
  const meta = since || paramSince.length ? { since, paramSince: nonEmpty(paramSince) } : undefined;
  return {
    name: m.name,
    owners: nonEmpty(owners),
    result,
    meta,
    params: params.map((p) => ({ key: propKey(p.name), optional: p.optional, type: fieldType(model, p, "t.", uses) })),
    schema: m.params.map(fieldSchemaView),
    returns: m.returns ? fieldSchemaView(m.returns) : undefined,
    safe: m.safe,
    returnsTask: m.returnsTask,
    faults: m.faults,
    since: m.since,
    privilege: m.privilege,
    doc: docs ? nonEmpty(docLines({ doc: m.doc, since: m.since, privilege: m.privilege })) : nonEmpty(docLines({ since: m.since })),
  };
}

/** One field's codec schema, as the `fieldSchema` partial writes it. */
function fieldSchemaView(f: IrField) {
  return { name: f.name, type: f.type, array: f.array, optional: f.optional, moType: f.moType, secret: f.secret };
}

/** The methods a managed type inherits, grouped by the base module that owns them. */
function inheritedMethods(model: ApiModel, name: string): { from: string; names: string[] }[] {
  const own = new Set(Object.values(model.methods).filter((m) => (m.owners[0] ?? "Unowned") === name).map((m) => m.name));
  const out: { from: string; names: string[] }[] = [];
  for (let b = model.managedTypes[name]?.base; b && model.managedTypes[b]; b = model.managedTypes[b]!.base) {
    const fromBase = Object.values(model.methods)
      .filter((m) => m.owners[0] === b && !own.has(m.name))
      .map((m) => m.name)
      .sort(cmp);
    for (const n of fromBase) own.add(n);
    if (fromBase.length) out.push({ from: b, names: fromBase });
  }
  return out;
}

function pathsView(model: ApiModel, mt: IrManagedType, docs: boolean, oldest: string | undefined) {
  const base = mt.base && model.managedTypes[mt.base] ? mt.base : undefined;
  const uses: Uses = {};
  const paths = ownPaths(model, mt, "t.", uses).map((p) => ({
    key: JSON.stringify(p.path),
    type: p.type,
    since: p.since && p.since !== oldest ? p.since : undefined,
    doc: docs ? nonEmpty(docLines({ since: p.since, privilege: p.privilege })) : undefined,
  }));
  return {
    name: mt.name,
    base,
    imports: uses,
    doc: docs ? nonEmpty(docLines({ doc: mt.doc, since: mt.since, vmodlName: mt.vmodlName, link: !!mt.vmodlName })) : undefined,
    paths,
  };
}

/**
 * Each API version these bindings know, oldest first: VMODL's list, every
 * `since` in the model and the bundle's own version. `ApiVersionsUpTo` maps
 * each to the versions not newer than it.
 */
function knownVersions(model: ApiModel): string[] {
  const all = new Set([...(model.versions ?? []), ...(model.apiVersions ?? [])]);
  const add = (v: string | undefined) => v && all.add(v);
  add(model.apiVersion);
  for (const t of Object.values(model.dataTypes)) {
    add(t.since);
    for (const f of t.fields) add(f.since);
  }
  for (const e of Object.values(model.enums)) add(e.since);
  for (const mt of Object.values(model.managedTypes)) {
    add(mt.since);
    for (const p of mt.props) add(p.since);
  }
  for (const m of Object.values(model.methods)) {
    add(m.since);
    for (const p of m.params) add(p.since);
  }
  return [...all].sort((a, b) => compareVersions(a, b) || cmp(a, b));
}

function schemasView(model: ApiModel, borrowed: (x: { external?: string }) => boolean) {
  // Compact field entries are data the runtime parses (runtime/schema-tables.ts), not code.
  const enc = (f: IrField) =>
    `${f.name}:${f.type}${f.array ? "[]" : ""}${f.optional ? "?" : ""}${f.moType ? `@${f.moType}` : ""}${f.secret ? "!" : ""}`;
  const types = Object.values(model.dataTypes)
    .filter((t) => !borrowed(t))
    .map((t) => ({ key: propKey(t.name), value: JSON.stringify([t.base ?? "", ...t.fields.map(enc)].join("|")) }));
  const enums = Object.values(model.enums)
    .filter((e) => !borrowed(e))
    .map((e) => ({ key: propKey(e.name), value: JSON.stringify(e.values.join("|")) }));
  // The root object a session starts from: what RetrieveServiceContent (or pbm's, sms' … equivalent) returns.
  const rootMethod = Object.values(model.methods).find((m) => /Retrieve(Service)?Content$/.test(m.name) && m.returns && !m.returns.primitive);
  const serviceContent = rootMethod && model.dataTypes[rootMethod.returns!.type] ? rootMethod.returns!.type : undefined;
  const apiVersions = nonEmpty(model.apiVersions ?? []);
  // Managed types' properties, in the same form: the runtime walks a path through these and `types`
  // to give untyped callers the compiler's "did you mean" (runtime/property/path-check.ts).
  const managed = Object.values(model.managedTypes).map((m) => ({
    key: propKey(m.name),
    value: JSON.stringify([m.base && model.managedTypes[m.base] ? m.base : "", ...m.props.map(enc)].join("|")),
  }));
  return { namespace: model.namespace, apiVersion: model.apiVersion, apiVersions, types, enums, managed, serviceContent };
}

/** Fault classes must be declared after their base class. */
function orderByBase<T extends { name: string; base: string }>(items: T[]): T[] {
  const byName = new Map(items.map((i) => [i.name, i]));
  const out: T[] = [];
  const done = new Set<string>(["MethodFault"]);
  const visit = (i: T, stack: Set<string>) => {
    if (done.has(i.name)) return;
    if (stack.has(i.name)) throw new Error(`fault extension cycle at ${i.name}`);
    stack.add(i.name);
    const b = byName.get(i.base);
    if (b) visit(b, stack);
    else if (!done.has(i.base)) throw new Error(`fault ${i.name}: base ${i.base} is not a fault`);
    done.add(i.name);
    out.push(i);
  };
  for (const i of items) visit(i, new Set());
  return out;
}

function requireExternal(opts: EmitOptions, what: string): string {
  if (!opts.externalTypes) throw new Error(`this service borrows ${what} from vim25: pass the vim25 bindings' module (externalTypes)`);
  return `${opts.externalTypes}/types.js`;
}

/** Exported names share module scopes: refuse to emit code that would not compile. */
function checkCollisions(model: ApiModel) {
  const seen = new Map<string, string>();
  const add = (name: string, what: string) => {
    if (!isIdentifier(name)) throw new Error(`${what} ${JSON.stringify(name)} is not a valid TypeScript identifier`);
    const prev = seen.get(name);
    if (prev && prev !== what) throw new Error(`name clash: ${name} is both ${prev} and ${what}`);
    seen.set(name, what);
  };
  for (const t of Object.keys(model.dataTypes)) add(t, "a data type");
  for (const e of Object.keys(model.enums)) add(e, "an enum");
  for (const m of Object.keys(model.managedTypes)) add(m, "a managed type");
  for (const n of ["MoRef", "TypedValue", "FieldSchema", "MethodDescriptor", "TaskRef", "VersionError", "ApiVersionsUpTo", "ManagedPathSince", "ManagedKind", "ManagedFamilies", "ManagedTypeName", "schemas", "faults", "DataObjectBase"]) add(n, "a core name");
}

function nonEmpty<T>(a: T[]): T[] | undefined {
  return a.length ? a : undefined;
}
