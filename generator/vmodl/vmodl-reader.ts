/**
 * Reads rbvmomi's vmodl.db into a `VmodlModel`.
 *
 * The db is a Marshal'd Hash from WSDL type name to a description hash:
 *   managed: { kind, wsdl_base, props: [member], methods: { Op: { params: [member], result } } }
 *   data:    { kind, wsdl_base, props: [member] }
 *   enum:    { kind, values: [string] }
 *   member:  { name, is-optional, is-array, version-id-ref, wsdl_type }
 *   result:  { is-optional, is-array, is-task, version-id-ref, wsdl_type | nil }
 * plus `_typenames` (a name list rbvmomi uses for lazy loading) and
 * `_versions` (empty in every public db).
 *
 * Output conventions (what the merge step relies on):
 * - Type names are the db keys, which are already WSDL names. The db has no
 *   VMODL-qualified names, so `vmodlName` stays unset.
 * - A member whose db type is a managed type (or `ManagedObject`) gets
 *   `type: "ManagedObjectReference"`, as the WSDL spells it, and
 *   `moType: <managed type>`: the one thing only VMODL knows.
 * - `xsd:T` becomes `type: T, primitive: true`; VMODL's string aliases
 *   (`PropertyPath`, `TypeName`, `MethodName`) become `string` likewise.
 *   `vmodlType` keeps the db spelling whenever it differs.
 * - Faults are not a kind in the db; a data type is `kind: "fault"` when it is
 *   MethodFault or its base chain reaches MethodFault.
 * - VMODL's implicit roots (`DataObject`, `ManagedObject`) are not WSDL types,
 *   so a type based directly on them has no `base`.
 * - A method's `result` is what the SOAP operation returns: for `is-task`
 *   methods that is a MoRef to `Task`, and what the task yields moves to
 *   `taskResult`. `returnsTask` is the db's `is-task` flag.
 * - `version` is the member's `version-id-ref`; `since` is its release per
 *   `releaseOf` (versions.ts). Types carry no version in the db.
 * - Neither privileges nor faults are in any public db: `privilege` is never
 *   set and `faults` is always empty.
 * - Records are keyed in sorted order and methods sorted by name; props,
 *   params and enum values keep declaration order, which is meaningful.
 */

import { ErrorCode } from "tsvmomi";
import { GeneratorError } from "../errors.js";
import { readFile } from "node:fs/promises";
import type {
  VmodlDataType,
  VmodlEnumType,
  VmodlManagedType,
  VmodlMethod,
  VmodlModel,
  VmodlProperty,
} from "../model/ir.js";
import { decodeMarshal, RubyHash, type RubyValue } from "./marshal.js";
import { releaseOf, type VersionInfo } from "./versions.js";

export class VmodlError extends GeneratorError {
  static override readonly kind = "VmodlError";
  constructor(
    readonly file: string,
    /** What was wrong or expected, without the location prefix. */
    readonly detail: string,
    /** The db entry concerned, e.g. `VirtualMachine.methods.PowerOnVM_Task.params[0]`. */
    readonly entry?: string,
    /** Byte offset of the innermost Hash/Array holding the problem. */
    readonly offset?: number,
  ) {
    const where = [file, offset !== undefined ? `byte offset ${offset}` : "", entry ? `entry ${entry}` : ""];
    super(ErrorCode.VMODL, `${where.filter(Boolean).join(": ")}: ${detail}`);
  }
}

const MOREF = "ManagedObjectReference";
const STRING_ALIASES = new Set(["PropertyPath", "TypeName", "MethodName"]);
const IMPLICIT_ROOTS = new Set(["DataObject", "ManagedObject"]);
const FAULT_ROOT = "MethodFault";
const KINDS = new Set(["managed", "data", "enum", "fault"]);

export async function readVmodl(file: string, opts: { signal?: AbortSignal } = {}): Promise<VmodlModel> {
  const { signal } = opts;
  signal?.throwIfAborted();
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file, { signal });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new VmodlError(file, `cannot read the vmodl.db file (${code})`);
  }
  signal?.throwIfAborted();
  return parseVmodl(bytes, file);
}

/** The synchronous core of `readVmodl`, for callers that already hold the bytes. */
export function parseVmodl(bytes: Uint8Array, file: string): VmodlModel {
  const offsets = new WeakMap<object, number>();
  const root = decodeMarshal(bytes, { file, offsets });
  return new Builder(file, offsets).build(root);
}

interface RawType {
  name: string;
  kind: string;
  desc: RubyHash;
}

class Builder {
  private readonly usedVersions = new Set<string>();
  private dbVersions: Record<string, VersionInfo> = {};
  private raw = new Map<string, RawType>();

  constructor(
    private readonly file: string,
    private readonly offsets: WeakMap<object, number>,
  ) {}

  private fail(detail: string, entry?: string, near?: RubyValue): never {
    const offset = near !== null && typeof near === "object" ? this.offsets.get(near) : undefined;
    throw new VmodlError(this.file, detail, entry, offset);
  }

  build(root: RubyValue): VmodlModel {
    if (!(root instanceof RubyHash)) this.fail(`expected the top-level value to be a Hash of type entries, found ${describe(root)}`);
    for (const [key, desc] of root) {
      if (typeof key !== "string") this.fail(`expected string keys in the top-level Hash, found ${describe(key)}`, undefined, root);
      if (key === "_versions") {
        this.dbVersions = this.parseDbVersions(desc);
        continue;
      }
      // rbvmomi's own bookkeeping (`_typenames`, …); type names never start with `_`.
      if (key.startsWith("_")) continue;
      if (!(desc instanceof RubyHash)) this.fail(`expected a Hash describing the type, found ${describe(desc)}`, key, root);
      const kind = this.str(desc, "kind", key);
      if (!KINDS.has(kind)) this.fail(`expected kind managed/data/enum/fault, found ${JSON.stringify(kind)}`, key, desc);
      this.raw.set(key, { name: key, kind, desc });
    }

    const model: VmodlModel = { file: this.file, managed: {}, data: {}, enums: {}, versions: {} };
    for (const name of [...this.raw.keys()].sort()) {
      const t = this.raw.get(name)!;
      if (t.kind === "managed") model.managed[name] = this.managed(t);
      else if (t.kind === "enum") model.enums[name] = this.enumType(t);
      else model.data[name] = this.dataType(t);
    }
    const ids = new Set([...this.usedVersions, ...Object.keys(this.dbVersions)]);
    for (const id of [...ids].sort()) {
      const info = releaseOf(id, this.dbVersions);
      model.versions[id] = info ? { release: info.release, ...(info.ns ? { ns: info.ns } : {}) } : {};
    }
    return model;
  }

  private parseDbVersions(v: RubyValue): Record<string, VersionInfo> {
    if (Array.isArray(v)) {
      if (v.length === 0) return {};
      this.fail(`expected _versions to be empty or a Hash of version id → release; a non-empty Array is not a known layout`, "_versions", v);
    }
    if (!(v instanceof RubyHash)) this.fail(`expected _versions to be a Hash or an empty Array, found ${describe(v)}`, "_versions");
    const out: Record<string, VersionInfo> = {};
    for (const [id, info] of v) {
      if (typeof id !== "string") this.fail(`expected string version ids, found ${describe(id)}`, "_versions", v);
      if (typeof info === "string") out[id] = { release: info };
      else if (info instanceof RubyHash && typeof info.get("release") === "string") {
        const ns = info.get("ns");
        out[id] = { release: info.get("release") as string, ...(typeof ns === "string" ? { ns } : {}) };
      } else this.fail(`expected a release string for version ${id}, found ${describe(info)}`, "_versions", v);
    }
    return out;
  }

  private managed(t: RawType): VmodlManagedType {
    const methodsRaw = this.get(t.desc, "methods", t.name);
    if (!(methodsRaw instanceof RubyHash)) this.fail(`expected 'methods' to be a Hash, found ${describe(methodsRaw)}`, t.name, t.desc);
    const methods: VmodlMethod[] = [];
    for (const [mname, m] of methodsRaw) {
      if (typeof mname !== "string" || mname === "") this.fail(`expected method names to be non-empty strings, found ${describe(mname)}`, `${t.name}.methods`, methodsRaw);
      methods.push(this.method(m, `${t.name}.methods.${mname}`, mname));
    }
    methods.sort((a, b) => cmp(a.name, b.name));
    const base = this.base(t);
    return { name: t.name, ...(base ? { base } : {}), props: this.props(t), methods };
  }

  private dataType(t: RawType): VmodlDataType {
    const base = this.base(t);
    const kind = t.kind === "fault" || this.isFault(t.name) ? "fault" : "data";
    return { name: t.name, ...(base ? { base } : {}), kind, props: this.props(t) };
  }

  private enumType(t: RawType): VmodlEnumType {
    const values = this.get(t.desc, "values", t.name);
    if (!Array.isArray(values)) this.fail(`expected 'values' to be an Array, found ${describe(values)}`, t.name, t.desc);
    const out: string[] = [];
    values.forEach((v, i) => {
      // The 5.5 db lists a nil before DasVmPriority's real values; nil names no value.
      if (v === null) return;
      if (typeof v !== "string" || v === "") this.fail(`expected a non-empty string, found ${describe(v)}`, `${t.name}.values[${i}]`, values);
      out.push(v);
    });
    return { name: t.name, values: out };
  }

  private base(t: RawType): string | undefined {
    const b = t.desc.get("wsdl_base");
    if (b === undefined || b === null) return undefined;
    if (typeof b !== "string" || b === "") this.fail(`expected 'wsdl_base' to be a type name, found ${describe(b)}`, t.name, t.desc);
    return IMPLICIT_ROOTS.has(b) ? undefined : b;
  }

  /** Walks the base chain; a loop is corruption, not a fault. */
  private isFault(name: string): boolean {
    const seen = new Set<string>();
    let cur: string | undefined = name;
    while (cur !== undefined) {
      if (cur === FAULT_ROOT) return true;
      if (seen.has(cur)) this.fail(`base chain loops back to ${cur} (reached from ${name})`, cur, this.raw.get(cur)?.desc);
      seen.add(cur);
      const t = this.raw.get(cur);
      if (!t) return false;
      const b: RubyValue | undefined = t.desc.get("wsdl_base");
      cur = typeof b === "string" ? b : undefined;
    }
    return false;
  }

  private props(t: RawType): VmodlProperty[] {
    const props = this.get(t.desc, "props", t.name);
    if (!Array.isArray(props)) this.fail(`expected 'props' to be an Array, found ${describe(props)}`, t.name, t.desc);
    const seen = new Set<string>();
    return props.map((p, i) => {
      const entry = `${t.name}.props[${i}]`;
      const out = this.member(p, entry, props);
      if (seen.has(out.name)) this.fail(`duplicate property name ${JSON.stringify(out.name)}`, entry, props);
      seen.add(out.name);
      return out;
    });
  }

  private method(m: RubyValue, entry: string, name: string): VmodlMethod {
    if (!(m instanceof RubyHash)) this.fail(`expected a Hash describing the method, found ${describe(m)}`, entry);
    const params = this.get(m, "params", entry);
    if (!Array.isArray(params)) this.fail(`expected 'params' to be an Array, found ${describe(params)}`, entry, m);
    const r = this.get(m, "result", entry);
    if (!(r instanceof RubyHash)) this.fail(`expected 'result' to be a Hash, found ${describe(r)}`, entry, m);
    const rEntry = `${entry}.result`;
    const isTask = this.bool(r, "is-task", rEntry);
    const version = this.version(r, rEntry);
    // Some dbs (6.5) omit the key for void results rather than writing nil.
    const rawType = r.get("wsdl_type") ?? null;
    if (rawType !== null && (typeof rawType !== "string" || rawType === "")) {
      this.fail(`expected 'wsdl_type' to be a type name or nil, found ${describe(rawType)}`, rEntry, r);
    }
    const yields: VmodlProperty | undefined =
      rawType === null
        ? undefined
        : {
            name: "returnval",
            ...mapType(rawType, this.raw),
            optional: this.bool(r, "is-optional", rEntry),
            array: this.bool(r, "is-array", rEntry),
          };

    const out: VmodlMethod = {
      name,
      params: params.map((p, i) => this.member(p, `${entry}.params[${i}]`, params)),
      returnsTask: isTask,
      faults: [],
    };
    if (isTask) {
      out.result = { name: "returnval", type: MOREF, moType: "Task", optional: false, array: false };
      if (yields) out.taskResult = yields;
    } else if (yields) out.result = yields;
    if (version) Object.assign(out, this.versionFields(version));
    return out;
  }

  private member(p: RubyValue, entry: string, container: RubyValue): VmodlProperty {
    if (!(p instanceof RubyHash)) this.fail(`expected a Hash describing the member, found ${describe(p)}`, entry, container);
    const name = this.str(p, "name", entry);
    const rawType = this.str(p, "wsdl_type", entry);
    const out: VmodlProperty = {
      name,
      ...mapType(rawType, this.raw),
      optional: this.bool(p, "is-optional", entry),
      array: this.bool(p, "is-array", entry),
    };
    const version = this.version(p, entry);
    if (version) Object.assign(out, this.versionFields(version));
    return out;
  }

  private version(h: RubyHash, entry: string): string | undefined {
    // Absent and nil both mean "in the type's first version".
    const v = h.get("version-id-ref") ?? null;
    if (v === null) return undefined;
    if (typeof v !== "string" || v === "") this.fail(`expected 'version-id-ref' to be a version id or nil, found ${describe(v)}`, entry, h);
    this.usedVersions.add(v);
    return v;
  }

  private versionFields(id: string): { version: string; since?: string } {
    const release = releaseOf(id, this.dbVersions)?.release;
    return release ? { version: id, since: release } : { version: id };
  }

  private get(h: RubyHash, key: string, entry: string): RubyValue {
    const v = h.get(key);
    if (v === undefined) this.fail(`missing key '${key}'`, entry, h);
    return v;
  }

  private str(h: RubyHash, key: string, entry: string): string {
    const v = this.get(h, key, entry);
    if (typeof v !== "string" || v === "") this.fail(`expected '${key}' to be a non-empty string, found ${describe(v)}`, entry, h);
    return v;
  }

  private bool(h: RubyHash, key: string, entry: string): boolean {
    const v = this.get(h, key, entry);
    if (typeof v !== "boolean") this.fail(`expected '${key}' to be true or false, found ${describe(v)}`, entry, h);
    return v;
  }
}

function mapType(raw: string, types: Map<string, RawType>): Pick<VmodlProperty, "type" | "moType" | "primitive" | "vmodlType"> {
  if (raw.startsWith("xsd:")) return { type: raw.slice(4), primitive: true, vmodlType: raw };
  if (STRING_ALIASES.has(raw)) return { type: "string", primitive: true, vmodlType: raw };
  if (raw === "ManagedObject" || types.get(raw)?.kind === "managed") return { type: MOREF, moType: raw, vmodlType: raw };
  return { type: raw };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describe(v: RubyValue | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "nil";
  if (Array.isArray(v)) return `an Array of ${v.length}`;
  if (v instanceof RubyHash) return `a Hash of ${v.size}`;
  if (v instanceof Uint8Array) return `a binary string of ${v.length} bytes`;
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "object") return `symbol ${v.toString()}`;
  return `${typeof v} ${String(v)}`;
}
