/**
 * Model → files. Builds one view per template from the ApiModel, renders the
 * logic-free Handlebars templates in templates/, and returns a sorted file map.
 * Nothing here touches the disk; `write.ts` does, atomically.
 */
import type { ApiModel, IrField, IrManagedType, IrMethod } from "../model/ir.js";
import { cmp } from "../model/merge.js";
import { dataFamily, docLines, fieldType, isIdentifier, managedFamily, propKey } from "./naming.js";
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

  files.set("core.ts", render("core", {}));

  // --- data types -----------------------------------------------------------
  const local = Object.values(model.dataTypes).filter((t) => !borrowed(t));
  const types = local.map((t) => {
    const family = dataFamily(model, t.name).filter((n) => n !== t.name);
    const base = t.base && model.dataTypes[t.base];
    return {
      name: t.name,
      fieldsName: `${t.name}Fields`,
      baseFields: base ? `${borrowed(base) ? "ext." : ""}${t.base}Fields` : "DataObjectBase",
      leaf: family.length === 0,
      family,
      doc: docs ? nonEmpty(docLines({ doc: t.doc, since: t.since, vmodlName: t.vmodlName, link: true })) : undefined,
      fields: t.fields.map((f) => ({
        key: propKey(f.name),
        optional: f.optional,
        type: fieldType(model, f),
        doc: docs ? nonEmpty(docLines({ doc: f.doc, since: f.since })) : undefined,
      })),
    };
  });
  const usedEnums = new Set(types.flatMap((t) => t.fields.map((f) => f.type.replace(/\[\]$/, ""))).filter((n) => model.enums[n]));
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
      external: externals.length ? requireExternal(opts, "types") : undefined,
      // Only the enums a field here refers to; all of them are re-exported either way.
      enumImports: Object.values(model.enums)
        .filter((e) => !borrowed(e) && usedEnums.has(e.name))
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
    .map((t) => ({ name: t.name, base: t.base!, doc: docs ? nonEmpty(docLines({ doc: t.doc, since: t.since })) : undefined }));
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
  const managed = Object.values(model.managedTypes).map((m) => ({
    name: m.name,
    family: managedFamily(model, m.name).map((n) => JSON.stringify(n)).join(" | "),
  }));
  files.set("managed.ts", render("managed", { managed }));

  const byOwner = new Map<string, (IrMethod & { owners: string[] })[]>();
  for (const m of Object.values(model.methods)) {
    const owner = m.owners[0] ?? "Unowned";
    const list = byOwner.get(owner) ?? [];
    list.push(m);
    byOwner.set(owner, list);
  }
  const methodModules: string[] = [];
  for (const owner of [...byOwner.keys()].sort(cmp)) {
    const methods = byOwner.get(owner)!.map((m) => methodView(model, m));
    files.set(`methods/${owner}.ts`, render("methods", { methods }) + inheritedMethods(model, owner));
    methodModules.push(owner);
  }
  // Managed types that own no method still re-export the ones they inherit.
  for (const mt of Object.values(model.managedTypes)) {
    if (byOwner.has(mt.name)) continue;
    const inherited = inheritedMethods(model, mt.name);
    if (!inherited) continue;
    files.set(`methods/${mt.name}.ts`, render("methods", { methods: [] }) + inherited);
    methodModules.push(mt.name);
  }

  const managedPaths: { name: string }[] = [];
  for (const mt of Object.values(model.managedTypes)) {
    files.set(`paths/${mt.name}.ts`, render("paths", pathsView(model, mt)));
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
  for (const [file, text] of files) if (file.startsWith("methods/") || file.startsWith("paths/") || file === "types.ts") files.set(file, pruneTypeImports(text));
  return new Map([...files.entries()].sort(([a], [b]) => cmp(a, b)));
}

function methodView(model: ApiModel, m: IrMethod & { owners: string[] }) {
  const params = m.params.filter((p) => p.name !== "_this");
  const owners = m.owners.filter((o) => model.managedTypes[o]);
  const thisType = owners.length ? owners.map((o) => `ManagedKind<${JSON.stringify(o)}>`).join(" | ") : "string";
  const result = m.returns ? fieldType(model, m.returns, "t.") : "void";
  return {
    name: m.name,
    thisType,
    result,
    params: params.map((p) => ({ key: propKey(p.name), optional: p.optional, type: fieldType(model, p, "t.") })),
    paramsSchema: schemaList(m.params),
    returnsSchema: m.returns ? fieldSchema(m.returns) : undefined,
    safe: m.safe,
    returnsTask: m.returnsTask,
    faults: JSON.stringify(m.faults),
    since: m.since,
    doc: nonEmpty(docLines({ doc: m.doc, since: m.since })),
  };
}

function fieldSchema(f: IrField): string {
  const parts = [`name: ${JSON.stringify(f.name)}`, `type: ${JSON.stringify(f.type)}`];
  if (f.array) parts.push("array: true");
  if (f.optional) parts.push("optional: true");
  if (f.moType) parts.push(`moType: ${JSON.stringify(f.moType)}`);
  return `{ ${parts.join(", ")} }`;
}

function schemaList(fields: IrField[]): string {
  if (!fields.length) return "[]";
  return `[\n${fields.map((f) => `    ${fieldSchema(f)},`).join("\n")}\n  ]`;
}

/** `export { A, B } from "./Base.js"` lines for methods a managed type inherits. */
function inheritedMethods(model: ApiModel, name: string): string {
  const own = new Set(Object.values(model.methods).filter((m) => (m.owners[0] ?? "Unowned") === name).map((m) => m.name));
  const lines: string[] = [];
  for (let b = model.managedTypes[name]?.base; b && model.managedTypes[b]; b = model.managedTypes[b]!.base) {
    const fromBase = Object.values(model.methods)
      .filter((m) => m.owners[0] === b && !own.has(m.name))
      .map((m) => m.name)
      .sort(cmp);
    for (const n of fromBase) own.add(n);
    if (fromBase.length) lines.push(`export { ${fromBase.join(", ")} } from "./${b}.js";`);
  }
  return lines.length ? `\n${lines.join("\n")}\n` : "";
}

function pathsView(model: ApiModel, mt: IrManagedType) {
  const base = mt.base && model.managedTypes[mt.base] ? mt.base : undefined;
  return {
    name: mt.name,
    base,
    baseImport: !!base,
    paths: ownPaths(model, mt, "t.").map((p) => ({ key: JSON.stringify(p.path), type: p.type })),
  };
}

function schemasView(model: ApiModel, borrowed: (x: { external?: string }) => boolean) {
  const enc = (f: IrField) =>
    `${f.name}:${f.type}${f.array ? "[]" : ""}${f.optional ? "?" : ""}${f.moType ? `@${f.moType}` : ""}`;
  const types = Object.values(model.dataTypes)
    .filter((t) => !borrowed(t))
    .map((t) => ({ key: propKey(t.name), value: JSON.stringify([t.base ?? "", ...t.fields.map(enc)].join("|")) }));
  const enums = Object.values(model.enums)
    .filter((e) => !borrowed(e))
    .map((e) => ({ key: propKey(e.name), value: JSON.stringify(e.values.join("|")) }));
  // The root object a session starts from: what RetrieveServiceContent (or pbm's, sms' … equivalent) returns.
  const rootMethod = Object.values(model.methods).find((m) => /Retrieve(Service)?Content$/.test(m.name) && m.returns && !m.returns.primitive);
  const serviceContent = rootMethod && model.dataTypes[rootMethod.returns!.type] ? rootMethod.returns!.type : undefined;
  const apiVersions = model.apiVersions?.length ? JSON.stringify(model.apiVersions) : undefined;
  return { namespace: model.namespace, apiVersion: model.apiVersion, apiVersions, types, enums, serviceContent };
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
  for (const n of ["MoRef", "TypedValue", "FieldSchema", "MethodDescriptor", "FaultLike", "ManagedKind", "ManagedFamilies", "ManagedTypeName", "schemas", "faults", "DataObjectBase"]) add(n, "a core name");
}

/**
 * Drops the shared type imports a module does not use, so the output also
 * compiles under `noUnusedLocals`. Only the header's fixed import forms are touched.
 */
function pruneTypeImports(text: string): string {
  const body = (from: number) => text.slice(from);
  const lines = text.split("\n");
  const end = lines.findIndex((l) => l !== "" && !l.startsWith("//") && !l.startsWith("import "));
  const rest = body(lines.slice(0, end).join("\n").length);
  const keep = (line: string): string | undefined => {
    const ns = /^import type \* as (\w+) from/.exec(line);
    if (ns) return new RegExp(`\\b${ns[1]}\\.`).test(rest) ? line : undefined;
    const named = /^import type \{ ([^}]+) \} from (.+)$/.exec(line);
    if (!named) return line;
    const used = named[1]!.split(",").map((n) => n.trim()).filter((n) => new RegExp(`\\b${n}\\b`).test(rest));
    return used.length ? `import type { ${used.join(", ")} } from ${named[2]}` : undefined;
  };
  const head = lines.slice(0, end).map((l) => (l.startsWith("import type") ? keep(l) : l)).filter((l): l is string => l !== undefined);
  return [...head, ...lines.slice(end)].join("\n");
}

function nonEmpty<T>(a: T[]): T[] | undefined {
  return a.length ? a : undefined;
}
