/**
 * The contract between generated codec metadata and the runtime codec.
 *
 * Generated code (`generated/<service>-<release>/schemas.js`) provides a
 * `SchemaRegistry`; the runtime never imports generated code, it is handed a
 * registry value. Tests build small registries by hand with `defineRegistry`.
 */

/** XSD primitive names the codec converts itself. */
export type PrimitiveName =
  | "string"
  | "boolean"
  | "byte"
  | "short"
  | "int"
  | "long"
  | "float"
  | "double"
  | "dateTime"
  | "base64Binary"
  | "anyURI"
  | "anyType";

export interface FieldSchema {
  readonly name: string;
  /** A PrimitiveName, `ManagedObjectReference`, an enum name or a data type name. */
  readonly type: string;
  readonly array?: boolean;
  readonly optional?: boolean;
  /** For MoRef-valued fields, the managed type VMODL names (informational; the wire carries `type=`). */
  readonly moType?: string;
  /** VMODL flags the field secret (a password, a key): its value is redacted in traces and errors. */
  readonly secret?: boolean;
}

export interface DataSchema {
  readonly name: string;
  readonly base?: string;
  /** Own fields only, in schema order. Use `allFields` for the inherited order. */
  readonly fields: readonly FieldSchema[];
  readonly fault?: boolean;
}

export interface EnumSchema {
  readonly name: string;
  readonly values: readonly string[];
}

export interface MethodSchema {
  readonly name: string;
  /** Parameters in WSDL order, `_this` first. */
  readonly params: readonly FieldSchema[];
  readonly returns?: FieldSchema;
  /** Read-only; may be retried after a transport failure. */
  readonly safe: boolean;
  readonly returnsTask?: boolean;
  readonly faults?: readonly string[];
}

export interface SchemaRegistry {
  /** Namespace of the service (`urn:vim25`). */
  readonly namespace: string;
  /** Data or fault type by xsi:type name; materialised lazily by generated registries. */
  type(name: string): DataSchema | undefined;
  enumType(name: string): EnumSchema | undefined;
  /** Own + inherited fields in wire order (base first). Cached by implementations. */
  allFields(name: string): readonly FieldSchema[];
  /** True when `sub` is `base` or derives from it. */
  isA(sub: string, base: string): boolean;
}

export interface RegistrySource {
  namespace: string;
  types: readonly DataSchema[];
  enums?: readonly EnumSchema[];
}

/** Builds a registry from plain schema values (hand-written tests, or eager generated tables). */
export function defineRegistry(src: RegistrySource): SchemaRegistry {
  const types = new Map(src.types.map((t) => [t.name, t]));
  const enums = new Map((src.enums ?? []).map((e) => [e.name, e]));
  const fieldCache = new Map<string, readonly FieldSchema[]>();
  const registry: SchemaRegistry = {
    namespace: src.namespace,
    type: (name) => types.get(name),
    enumType: (name) => enums.get(name),
    allFields(name) {
      let cached = fieldCache.get(name);
      if (cached) return cached;
      const t = types.get(name);
      if (!t) return [];
      cached = t.base ? [...registry.allFields(t.base), ...t.fields] : t.fields;
      fieldCache.set(name, cached);
      return cached;
    },
    isA(sub, base) {
      for (let n: string | undefined = sub; n; n = types.get(n)?.base) if (n === base) return true;
      return false;
    },
  };
  return registry;
}
