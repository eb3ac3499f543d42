/**
 * The symbol pass: how model names and types become TypeScript text.
 * Templates stay logic-free; every decision about spelling lives here.
 */
import type { ApiModel, IrField, IrMethod } from "../model/ir.js";

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const RESERVED = new Set(["default", "class", "function", "delete", "new", "in", "enum", "export", "import"]);

/** A property key as it must be written in an object type or literal. */
export function propKey(name: string): string {
  return IDENT.test(name) ? name : JSON.stringify(name);
}

/** True when `name` can be used as a binding name (export const X). */
export function isIdentifier(name: string): boolean {
  return IDENT.test(name) && !RESERVED.has(name);
}

const PRIMITIVE_TS: Record<string, string> = {
  string: "string",
  anyURI: "string",
  boolean: "boolean",
  byte: "number",
  short: "number",
  int: "number",
  long: "number",
  float: "number",
  double: "number",
  dateTime: "Date",
  base64Binary: "Uint8Array",
  anyType: "unknown",
};

/**
 * Which shared names a module's type texts refer to, so its view can import
 * exactly those (the output compiles under `noUnusedLocals` with nothing
 * pruned afterwards). Filled in by the type-text functions below.
 */
export interface Uses {
  moRef?: boolean;
  managedKind?: boolean;
  taskRef?: boolean;
  /** A data or enum name reached through the `t.` namespace. */
  types?: boolean;
  /** Enum names referred to without a namespace (inside types.ts). */
  enums?: Set<string>;
}

/**
 * The TS type of one field's *item* (arrays are added by the caller).
 * `typesNs` prefixes data/enum names when emitted outside types.ts.
 */
export function itemType(model: ApiModel, f: Pick<IrField, "type" | "primitive" | "moType">, typesNs = "", uses: Uses = {}): string {
  if (f.primitive) return PRIMITIVE_TS[f.type] ?? "unknown";
  if (f.type === "ManagedObjectReference") return moRefType(model, f.moType, uses);
  if (model.enums[f.type] || model.dataTypes[f.type]) {
    if (typesNs) uses.types = true;
    else if (model.enums[f.type]) {
      uses.enums ??= new Set();
      uses.enums.add(f.type);
    }
    return typesNs + f.type;
  }
  // Unknown to this model: the check report already records it.
  return "unknown";
}

export function fieldType(model: ApiModel, f: IrField, typesNs = "", uses: Uses = {}): string {
  return arrayOf(itemType(model, f, typesNs, uses), f.array);
}

function arrayOf(t: string, array: boolean): string {
  return array ? (/^[A-Za-z0-9_.$]+$/.test(t) ? `${t}[]` : `(${t})[]`) : t;
}

/** `MoRef<…>` accepting the managed type and all its subtypes. */
export function moRefType(model: ApiModel, moType: string | undefined, uses: Uses = {}): string {
  uses.moRef = true;
  if (!moType || moType === "ManagedObject" || !model.managedTypes[moType]) return "MoRef";
  uses.managedKind = true;
  return `MoRef<ManagedKind<${JSON.stringify(moType)}>>`;
}

/**
 * What a task method's `waitForTask` resolves to: the result VMODL names
 * (`taskResult.type` is a managed type for MoRef results, else a WSDL type),
 * `undefined` for a task VMODL describes without one, `unknown` when no VMODL
 * described the method (it has no owner then).
 */
export function taskResultType(model: ApiModel, m: IrMethod & { owners: string[] }, typesNs: string, uses: Uses): string {
  const r = m.taskResult;
  if (!r) return m.owners.length ? "undefined" : "unknown";
  const item = model.managedTypes[r.type]
    ? moRefType(model, r.type, uses)
    : itemType(model, { type: r.type, primitive: r.type in PRIMITIVE_TS && !model.dataTypes[r.type], ...(r.type === "ManagedObjectReference" ? { moType: "ManagedObject" } : {}) }, typesNs, uses);
  return arrayOf(item, r.isArray);
}

/** All descendants of a managed type, itself included, sorted. */
export function managedFamily(model: ApiModel, name: string): string[] {
  const out: string[] = [];
  const walk = (n: string) => {
    out.push(n);
    for (const s of model.managedTypes[n]?.subtypes ?? []) walk(s);
  };
  walk(name);
  return out.sort();
}

/** All concrete descendants of a data type, itself included, sorted. */
export function dataFamily(model: ApiModel, name: string): string[] {
  const out: string[] = [];
  const walk = (n: string) => {
    out.push(n);
    for (const s of model.dataTypes[n]?.subtypes ?? []) walk(s);
  };
  walk(name);
  return out.sort();
}

const API_REF = "https://developer.broadcom.com/xapis/vsphere-web-services-api/latest/";

/** TSDoc lines (without the comment frame) for a type or member. */
export function docLines(opts: {
  doc?: string;
  since?: string;
  vmodlName?: string;
  link?: boolean;
  privilege?: string;
  secret?: boolean;
}): string[] {
  const lines: string[] = [];
  if (opts.doc) lines.push(...wrap(opts.doc.replace(/\*\//g, "*\\/")));
  if (opts.vmodlName) lines.push(`VMODL name: \`${opts.vmodlName}\``);
  if (opts.privilege) lines.push(`Privilege: \`${opts.privilege}\``);
  if (opts.secret) lines.push("Secret: redacted in traces and error messages.");
  if (opts.since) lines.push(`@since ${opts.since}`);
  if (opts.link) lines.push(`@see ${opts.vmodlName ? `${API_REF}${opts.vmodlName}.html` : API_REF}`);
  return lines;
}

function wrap(text: string, width = 100): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    let line = "";
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + word.length + 1 > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) out.push(line);
  }
  return out;
}
