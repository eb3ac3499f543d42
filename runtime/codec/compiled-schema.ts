/**
 * Per-registry lookup tables the codec builds once and caches: field maps by
 * element name and a small integer "kind" per type, so the hot decode loop
 * does one Map lookup per element instead of walking the registry.
 */
import type { FieldSchema, MethodSchema, SchemaRegistry } from "../schema.js";

export const K_STRING = 0;
export const K_BOOLEAN = 1;
export const K_INT = 2;
export const K_LONG = 3;
export const K_DOUBLE = 4;
export const K_DATETIME = 5;
export const K_BASE64 = 6;
export const K_MOREF = 7;
export const K_ANY = 8;
export const K_DATA = 9;
/** A field whose declared type the registry does not know: decoded generically. */
export const K_UNKNOWN = 10;
export const K_ENUM = 11;

const PRIMITIVE_KINDS: Readonly<Record<string, number>> = {
  string: K_STRING,
  anyURI: K_STRING,
  boolean: K_BOOLEAN,
  byte: K_INT,
  short: K_INT,
  int: K_INT,
  long: K_LONG,
  float: K_DOUBLE,
  double: K_DOUBLE,
  dateTime: K_DATETIME,
  base64Binary: K_BASE64,
  anyType: K_ANY,
};

export const MOREF_TYPE = "ManagedObjectReference";

export function primitiveKind(name: string): number | undefined {
  return Object.hasOwn(PRIMITIVE_KINDS, name) ? PRIMITIVE_KINDS[name] : undefined;
}

export interface FieldInfo {
  readonly name: string;
  readonly typeName: string;
  readonly array: boolean;
  readonly optional: boolean;
  readonly kind: number;
  readonly schema: FieldSchema;
  /** For K_DATA fields: the declared type, filled in by the decoder on first use (types are built lazily, and may be cyclic). */
  dataType: TypeInfo | undefined;
}

export interface TypeInfo {
  readonly name: string;
  readonly fields: readonly FieldInfo[];
  readonly byName: ReadonlyMap<string, FieldInfo>;
  /** `new create()` makes an empty decoded object `{ _typeName: name }` (see objectMaker). */
  readonly create: DataConstructor;
  /** The array fields among `fields` (most types have none): what the decoder trims when an object closes. */
  readonly arrayFields: readonly FieldInfo[];
}

/** A plain-object factory called with `new`: the result's prototype is Object.prototype, as a literal's is. */
export type DataConstructor = new () => Record<string, unknown>;

/** See objectMaker: a condition the compiler cannot prove false, so the stores it guards stay in the source. */
const roomy = { never: false };

/**
 * One constructor per type, so V8's in-object slack tracking sizes each
 * type's objects for the fields it actually receives: fields added after
 * construction then live inside the object instead of in a separate property
 * array that a `{ _typeName }` literal regrows as fields arrive. The decoded
 * 5,500-VM capture retains 61 MB instead of 66 MB. Built with a closure, not
 * `new Function`: no code is generated from schema text.
 */
function objectMaker(name: string): DataConstructor {
  const C = function (this: Record<string, unknown>) {
    this._typeName = name;
    // Never runs (nothing sets `roomy`). V8 sizes a constructor's objects by the `this.x =` stores it counts in the
    // source, plus 8: with `_typeName` alone that is 9 in-object fields, and a 10th (VirtualE1000, a video card, a
    // disk backing) went to a separate property array, one more object to allocate, regrow and copy in every GC.
    // These 23 make room for 32; slack tracking then trims each type to the fields its first objects used.
    if (roomy.never) {
      this.f0 = this.f1 = this.f2 = this.f3 = this.f4 = this.f5 = this.f6 = this.f7 = this.f8 = this.f9 = this.f10 = 0;
      this.f11 = this.f12 = this.f13 = this.f14 = this.f15 = this.f16 = this.f17 = this.f18 = this.f19 = this.f20 = 0;
      this.f21 = this.f22 = 0;
    }
  } as unknown as DataConstructor;
  C.prototype = Object.prototype;
  return C;
}

/** How an `xsi:type` in an anyType slot decodes. */
export interface AnyResolution {
  readonly kind: number;
  /** For K_DATA: the type. */
  readonly type: TypeInfo | undefined;
  /** True for `ArrayOfX`: children are items of `kind`/`type`. */
  readonly array: boolean;
  /** The registry name the value decodes as (`string`, `VirtualDisk`, …). */
  readonly typeName: string;
}

/** A method as the codec uses it: built once per (registry, method schema) and reused by every call. */
export interface CompiledMethod {
  readonly name: string;
  readonly params: readonly FieldInfo[];
  readonly paramNames: ReadonlySet<string>;
  readonly returns: FieldInfo | undefined;
}

export class CompiledSchema {
  private readonly types = new Map<string, TypeInfo | null>();
  private readonly kinds = new Map<string, number>();
  private readonly anyCache = new Map<string, AnyResolution | null>();
  // Keyed by the schema object a call carries (a generated descriptor is one), so nothing is looked up by name.
  private readonly methods = new WeakMap<MethodSchema, CompiledMethod>();

  constructor(readonly registry: SchemaRegistry) {}

  method(m: MethodSchema): CompiledMethod {
    let c = this.methods.get(m);
    if (!c) {
      c = {
        name: m.name,
        params: m.params.map((p) => fieldInfo(this, p)),
        paramNames: new Set(m.params.map((p) => p.name)),
        returns: m.returns ? fieldInfo(this, m.returns) : undefined,
      };
      this.methods.set(m, c);
    }
    return c;
  }

  typeInfo(name: string): TypeInfo | undefined {
    let t = this.types.get(name);
    if (t === undefined) {
      t = this.registry.type(name) ? this.build(name) : null;
      this.types.set(name, t);
    }
    return t ?? undefined;
  }

  kindOf(typeName: string): number {
    let k = this.kinds.get(typeName);
    if (k === undefined) {
      k = primitiveKind(typeName);
      if (k === undefined) {
        if (typeName === MOREF_TYPE) k = K_MOREF;
        else if (this.registry.enumType(typeName)) k = K_ENUM;
        else if (this.registry.type(typeName)) k = K_DATA;
        else k = K_UNKNOWN;
      }
      this.kinds.set(typeName, k);
    }
    return k;
  }

  /**
   * Resolves an `xsi:type` local name met in an anyType slot. `xsd` says the
   * prefix pointed at the XML Schema namespace. Returns null when the name is
   * unknown to this registry.
   */
  resolveAny(local: string, xsd: boolean): AnyResolution | null {
    const key = xsd ? `xsd:${local}` : local;
    let r = this.anyCache.get(key);
    if (r === undefined) {
      r = this.computeAny(local, xsd);
      this.anyCache.set(key, r);
    }
    return r;
  }

  private computeAny(local: string, xsd: boolean): AnyResolution | null {
    if (xsd) {
      const k = primitiveKind(local);
      return k === undefined ? null : { kind: k, type: undefined, array: false, typeName: local };
    }
    if (local.startsWith("ArrayOf") && !this.registry.type(local)) {
      const item = local.slice(7);
      const named = this.single(item);
      if (named) return { ...named, array: true };
      const prim = item.charAt(0).toLowerCase() + item.slice(1);
      const k = primitiveKind(prim);
      return k === undefined ? null : { kind: k, type: undefined, array: true, typeName: prim };
    }
    return this.single(local);
  }

  private single(name: string): AnyResolution | null {
    const k = this.kindOf(name);
    if (k === K_UNKNOWN || (k !== K_MOREF && k !== K_ENUM && k !== K_DATA)) return null;
    return { kind: k, type: k === K_DATA ? this.typeInfo(name) : undefined, array: false, typeName: name };
  }

  private build(name: string): TypeInfo {
    const fields = this.registry.allFields(name).map(
      (f): FieldInfo => ({
        name: internalize(f.name),
        typeName: f.type,
        array: f.array === true,
        optional: f.optional === true,
        kind: this.kindOf(f.type),
        schema: f,
        dataType: undefined,
      }),
    );
    return { name, fields, byName: new Map(fields.map((f) => [f.name, f])), create: objectMaker(name), arrayFields: fields.filter((f) => f.array) };
  }
}

/**
 * The internalized (unique) copy of a string. Field names are the keys of
 * every decoded object; V8 stores with an internalized key skip the string
 * table lookup that a key built at run time (split from a schema entry) costs
 * on every store.
 */
function internalize(s: string): string {
  return Object.keys({ [s]: 0 })[0]!;
}

const compiled = new WeakMap<SchemaRegistry, CompiledSchema>();

export function compile(registry: SchemaRegistry): CompiledSchema {
  let c = compiled.get(registry);
  if (!c) {
    c = new CompiledSchema(registry);
    compiled.set(registry, c);
  }
  return c;
}

export function fieldInfo(c: CompiledSchema, f: FieldSchema): FieldInfo {
  return { name: f.name, typeName: f.type, array: f.array === true, optional: f.optional === true, kind: c.kindOf(f.type), schema: f, dataType: undefined };
}
