/**
 * Reads pyVmomi's generated type info (`_typeinfo_<name>.py`) into plain
 * declarations: versions with their lattice, data/fault types, enums and
 * managed types with properties, methods, parameters, flags, privileges and
 * faults, all in declaration order and with their source position.
 *
 * The files are parsed (parse.ts), never run. What a declaration call means:
 *   AddVersion(id, namespace, wireVersion, isLegacy, serviceNamespace)
 *   AddVersionParent(id, parentId)                      (id includes parentId)
 *   CreateDataType(vmodlName, wsdlName, base, version, [(name, type, version, flags)] | None)
 *   CreateEnumType(vmodlName, wsdlName, version, [value, …])
 *   CreateManagedType(vmodlName, wsdlName, base, version,
 *     [(name, type, version, flags, privilege)] | None,
 *     [(name, wsdlName, version, ((param, type, version, flags, privilege), …),
 *       (flags, returnType, taskResultType), privilege, [fault, …] | None)] | None)
 * Bookkeeping calls (`newestVersions.Add`, `AddBreakingChangesInfo`, …) are
 * understood and kept where useful; anything else is an error naming the
 * file, line and column, so a format change is noticed rather than misread.
 */
import { ErrorCode } from "tsvmomi";
import { GeneratorError } from "../../errors.js";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { dottedName, parseStatements, type Pos, type PyExpr } from "./parse.js";
import { PySyntaxError } from "./tokenize.js";

export { PySyntaxError } from "./tokenize.js";

export interface TiMember extends Pos {
  name: string;
  /** The VMODL type as written: `vim.HostSystem[]`, `string`, `vmodl.DateTime`. */
  type: string;
  version: string;
  flags: string[];
  privilege?: string;
  file: string;
}

export interface TiMethod extends Pos {
  /** VMODL method name (`powerOn`). */
  name: string;
  /** WSDL operation name (`PowerOnVM_Task`). */
  wsdlName: string;
  version: string;
  params: TiMember[];
  result: { flags: string[]; type: string; taskResult: string };
  privilege?: string;
  faults: string[];
}

interface TiTypeBase extends Pos {
  vmodlName: string;
  wsdlName: string;
  version: string;
  file: string;
}

export interface TiDataType extends TiTypeBase {
  base: string;
  fields: TiMember[];
}

export interface TiEnumType extends TiTypeBase {
  values: string[];
}

export interface TiManagedType extends TiTypeBase {
  base: string;
  props: TiMember[];
  methods: TiMethod[];
}

export interface TiVersion {
  id: string;
  /** SOAP namespace (`vim25`, `vim2`, `pbm`; empty for the vmodl core ids). */
  ns: string;
  /** Wire version as written (`8.0.2.0`, `2.5u2server`; empty for the vmodl core ids). */
  version: string;
  /** The service namespace the id belongs to (`vim25`, `pbm`, `reflect`). */
  serviceNs: string;
  /** Ids this one includes (itself included when the files say so), sorted. */
  parents: string[];
}

export interface TypeInfo {
  dir: string;
  /** Files read, by base name (`_typeinfo_vim.py`), in read order. */
  files: string[];
  versions: Record<string, TiVersion>;
  /** Keyed by VMODL name. */
  data: Record<string, TiDataType>;
  enums: Record<string, TiEnumType>;
  managed: Record<string, TiManagedType>;
  /** `newestVersions.Add(id)` per file, e.g. `_typeinfo_vim.py` → `vim.version.v8_0_3_0`. */
  newest: Record<string, string>;
}

/** Base names read for each service: the service's own file after those it builds on. */
export const SERVICE_FILES: Record<string, string[]> = {
  vim25: ["core", "query", "vim"],
  pbm: ["pbm"],
  sms: ["sms"],
  vslm: ["vslm"],
  eam: ["eam"],
};
const FOUNDATION = ["core", "query", "vim"];

const FLAGS = new Set(["F_OPTIONAL", "F_LINK", "F_LINKABLE", "F_SECRET"]);
const IGNORED_CALLS = new Set(["AddBreakingChangesInfo", "setattr"]);
const VERSION_SETS = new Set(["newestVersions", "ltsVersions", "oldestVersions", "publicVersions", "dottedVersions"]);

/** Reads the files a service needs from a pyVmomi folder (ours in ../shared or an installed site-packages/pyVmomi). */
export async function readTypeInfo(dir: string, service: string, opts: { signal?: AbortSignal } = {}): Promise<TypeInfo> {
  const own = SERVICE_FILES[service];
  if (!own) throw new TypeInfoError(dir, `no pyVmomi type info is known for service ${JSON.stringify(service)}; known: ${Object.keys(SERVICE_FILES).join(", ")}`);
  let present: string[];
  try {
    present = (await readdir(dir)).filter((f) => /^_typeinfo_\w+\.py$/.test(f));
  } catch (err) {
    throw new TypeInfoError(dir, `cannot list the pyVmomi folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const wanted = [...new Set([...FOUNDATION, ...own])];
  const missing = wanted.filter((b) => !present.includes(`_typeinfo_${b}.py`));
  if (missing.length) {
    const hint = present.length === 0 ? "; no _typeinfo_*.py at all (pyVmomi before 7.0.3 keeps its type info elsewhere; pass a vmodl.db instead)" : "";
    throw new TypeInfoError(dir, `missing ${missing.map((b) => `_typeinfo_${b}.py`).join(", ")}${hint}`);
  }
  const ti = emptyTypeInfo(dir);
  for (const base of wanted) {
    opts.signal?.throwIfAborted();
    const file = path.join(dir, `_typeinfo_${base}.py`);
    let text: string;
    try {
      text = await readFile(file, { encoding: "utf8", ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      throw new TypeInfoError(file, `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    addTypeInfoFile(ti, text, file);
  }
  return ti;
}

export class TypeInfoError extends GeneratorError {
  static override readonly kind = "TypeInfoError";
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(ErrorCode.TYPEINFO, `${file}: ${detail}`);
  }
}

export function emptyTypeInfo(dir: string): TypeInfo {
  return { dir, files: [], versions: {}, data: {}, enums: {}, managed: {}, newest: {} };
}

/** Parses one file's text into `ti` (exported for tests and for callers that hold the text). */
export function addTypeInfoFile(ti: TypeInfo, text: string, file: string): void {
  const base = path.basename(file);
  ti.files.push(base);
  const env = new Map<string, PyExpr>();
  const stmts = parseStatements(text, file);
  const fail: (at: Pos, detail: string) => never = (at, detail) => {
    throw new PySyntaxError(file, at.line, at.col, detail);
  };

  /** Evaluates names bound by `NAME = …` and folds `a == b` over strings, as vsanhealth's AddVersion does. */
  const resolve = (e: PyExpr): PyExpr => {
    if (e.kind === "name" && env.has(e.name)) return resolve(env.get(e.name)!);
    if (e.kind === "binop" && (e.op === "==" || e.op === "!=")) {
      const l = resolve(e.left);
      const r = resolve(e.right);
      if ((l.kind === "string" || l.kind === "number") && (r.kind === "string" || r.kind === "number")) {
        const eq = l.value === r.value;
        return { kind: "number", value: (e.op === "==") === eq ? 1 : 0, text: "", line: e.line, col: e.col };
      }
    }
    return e;
  };
  const str = (e: PyExpr, what: string): string => {
    const v = resolve(e);
    if (v.kind !== "string") fail(e, `expected ${what} as a string, found ${show(v)}`);
    return v.value;
  };
  const optStr = (e: PyExpr, what: string): string | undefined => {
    const v = resolve(e);
    if (v.kind === "name" && v.name === "None") return undefined;
    if (v.kind !== "string") fail(e, `expected ${what} as a string or None, found ${show(v)}`);
    return v.value || undefined;
  };
  const num = (e: PyExpr, what: string): number => {
    const v = resolve(e);
    if (v.kind === "number") return v.value;
    if (v.kind === "name" && (v.name === "True" || v.name === "False")) return v.name === "True" ? 1 : 0;
    return fail(e, `expected ${what} as a number, found ${show(v)}`);
  };
  const flags = (e: PyExpr): string[] => {
    const out = new Set<string>();
    const walk = (x: PyExpr) => {
      const v = resolve(x);
      if (v.kind === "number" && v.value === 0) return;
      if (v.kind === "name" && FLAGS.has(v.name)) out.add(v.name);
      else if (v.kind === "binop" && v.op === "|") {
        walk(v.left);
        walk(v.right);
      } else fail(x, `expected flags (0 or F_OPTIONAL, F_LINK, F_LINKABLE, F_SECRET joined with |), found ${show(v)}`);
    };
    walk(e);
    return [...out].sort();
  };
  const seq = (e: PyExpr, what: string, allowNone: boolean): PyExpr[] => {
    const v = resolve(e);
    if (allowNone && v.kind === "name" && v.name === "None") return [];
    if (v.kind !== "list" && v.kind !== "tuple") fail(e, `expected ${what} as a list or tuple${allowNone ? " or None" : ""}, found ${show(v)}`);
    return v.items;
  };
  const arity = (call: Extract<PyExpr, { kind: "call" }>, fn: string, min: number, max = min) => {
    if (call.kwargs.length) fail(call, `${fn} takes positional arguments only; found ${call.kwargs.map((k) => k.name).join(", ")}=`);
    if (call.args.length < min || call.args.length > max)
      fail(call, `${fn} takes ${min === max ? min : `${min} to ${max}`} arguments, found ${call.args.length}`);
  };
  const member = (e: PyExpr, what: string, withPrivilege: boolean): TiMember => {
    const items = seq(e, what, false);
    const want = withPrivilege ? 5 : 4;
    if (items.length !== want && !(withPrivilege && items.length === 4))
      fail(e, `expected ${what} as a tuple of ${want} (name, type, version, flags${withPrivilege ? ", privilege" : ""}), found ${items.length} items`);
    const m: TiMember = {
      name: str(items[0]!, `the ${what}'s name`),
      type: str(items[1]!, `the ${what}'s type`),
      version: str(items[2]!, `the ${what}'s version`),
      flags: flags(items[3]!),
      file: base,
      line: e.line,
      col: e.col,
    };
    if (withPrivilege && items[4]) {
      const p = optStr(items[4], `the ${what}'s privilege`);
      if (p) m.privilege = p;
    }
    if (!m.name) fail(items[0]!, `the ${what}'s name is empty`);
    return m;
  };
  const declare = <T extends TiTypeBase>(rec: Record<string, T>, t: T, at: Pos) => {
    const prev = ti.data[t.vmodlName] ?? ti.enums[t.vmodlName] ?? ti.managed[t.vmodlName];
    if (prev) fail(at, `${t.vmodlName} is declared twice (first at ${prev.file}:${prev.line}:${prev.col})`);
    rec[t.vmodlName] = t;
  };

  for (const st of stmts) {
    if (st.kind === "import") continue;
    if (st.kind === "assign") {
      env.set(st.target, st.value);
      continue;
    }
    const e = st.expr;
    if (e.kind !== "call") fail(e, `expected a declaration call, found ${show(e)}`);
    const fn = dottedName(e.callee);
    if (fn === undefined) fail(e, "expected a declaration call to a named function");
    const at: Pos = { line: e.line, col: e.col };
    switch (fn) {
      case "AddVersion": {
        arity(e, fn, 4, 5);
        const id = str(e.args[0]!, "the version id");
        const v: TiVersion = {
          id,
          ns: str(e.args[1]!, "the namespace"),
          version: str(e.args[2]!, "the wire version"),
          serviceNs: e.args[4] ? str(e.args[4], "the service namespace") : str(e.args[1]!, "the namespace"),
          parents: ti.versions[id]?.parents ?? [],
        };
        num(e.args[3]!, "the legacy flag");
        const prev = ti.versions[id];
        // Every file repeats the ids it uses; the repeats must agree.
        if (prev && (prev.ns !== v.ns || prev.version !== v.version))
          fail(at, `version ${id} was added as ${prev.ns}/${prev.version} before, now as ${v.ns}/${v.version}`);
        ti.versions[id] = prev ?? v;
        break;
      }
      case "AddVersionParent": {
        arity(e, fn, 2);
        const id = str(e.args[0]!, "the version id");
        const parent = str(e.args[1]!, "the parent version id");
        const v = ti.versions[id];
        if (!v) fail(at, `AddVersionParent names ${id} before any AddVersion for it`);
        if (!ti.versions[parent]) fail(at, `AddVersionParent names parent ${parent} before any AddVersion for it`);
        if (!v.parents.includes(parent)) v.parents.push(parent);
        break;
      }
      case "CreateDataType": {
        arity(e, fn, 5);
        const t: TiDataType = {
          vmodlName: str(e.args[0]!, "the VMODL name"),
          wsdlName: str(e.args[1]!, "the WSDL name"),
          base: str(e.args[2]!, "the base type"),
          version: str(e.args[3]!, "the version"),
          fields: seq(e.args[4]!, "the field list", true).map((f) => member(f, "field", false)),
          file: base,
          ...at,
        };
        declare(ti.data, t, at);
        break;
      }
      case "CreateEnumType": {
        arity(e, fn, 4);
        const t: TiEnumType = {
          vmodlName: str(e.args[0]!, "the VMODL name"),
          wsdlName: str(e.args[1]!, "the WSDL name"),
          version: str(e.args[2]!, "the version"),
          values: seq(e.args[3]!, "the value list", false).map((v) => str(v, "an enum value")),
          file: base,
          ...at,
        };
        declare(ti.enums, t, at);
        break;
      }
      case "CreateManagedType": {
        arity(e, fn, 6);
        const t: TiManagedType = {
          vmodlName: str(e.args[0]!, "the VMODL name"),
          wsdlName: str(e.args[1]!, "the WSDL name"),
          base: str(e.args[2]!, "the base type"),
          version: str(e.args[3]!, "the version"),
          props: seq(e.args[4]!, "the property list", true).map((p) => member(p, "property", true)),
          methods: seq(e.args[5]!, "the method list", true).map((m) => method(m)),
          file: base,
          ...at,
        };
        declare(ti.managed, t, at);
        break;
      }
      default: {
        const [obj, op] = fn.split(".");
        if (obj && VERSION_SETS.has(obj) && op === "Add") {
          arity(e, fn, 1);
          const id = str(e.args[0]!, "the version id");
          if (obj === "newestVersions") ti.newest[base] = id;
          break;
        }
        if (IGNORED_CALLS.has(fn)) break;
        fail(at, `unknown declaration ${fn}(…); expected AddVersion, AddVersionParent, CreateDataType, CreateEnumType or CreateManagedType`);
      }
    }
  }

  function method(e: PyExpr): TiMethod {
    const items = seq(e, "a method", false);
    if (items.length !== 7) fail(e, `expected a method as a tuple of 7 (name, wsdlName, version, params, result, privilege, faults), found ${items.length} items`);
    const r = seq(items[4]!, "the method's result (flags, type, taskResultType)", false);
    if (r.length !== 3) fail(items[4]!, `expected the method's result as (flags, type, taskResultType), found ${r.length} items`);
    const m: TiMethod = {
      name: str(items[0]!, "the method's name"),
      wsdlName: str(items[1]!, "the method's WSDL name"),
      version: str(items[2]!, "the method's version"),
      params: seq(items[3]!, "the parameter list", true).map((p) => member(p, "parameter", true)),
      result: { flags: flags(r[0]!), type: str(r[1]!, "the result type"), taskResult: str(r[2]!, "the task result type") },
      faults: seq(items[6]!, "the fault list", true).map((f) => str(f, "a fault type")),
      line: e.line,
      col: e.col,
    };
    const priv = optStr(items[5]!, "the method's privilege");
    if (priv) m.privilege = priv;
    return m;
  }
}

function show(e: PyExpr): string {
  switch (e.kind) {
    case "name":
      return `name ${e.name}`;
    case "attr":
      return `${dottedName(e) ?? "an attribute"}`;
    case "string":
      return `string ${JSON.stringify(e.value.length > 30 ? `${e.value.slice(0, 30)}…` : e.value)}`;
    case "number":
      return `number ${e.text || e.value}`;
    case "call":
      return `a call to ${dottedName(e.callee) ?? "an expression"}`;
    case "binop":
      return `an expression with '${e.op}'`;
    case "neg":
      return "a negation";
    default:
      return `a ${e.kind} of ${e.items.length}`;
  }
}
