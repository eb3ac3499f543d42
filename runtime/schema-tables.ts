/**
 * Turns the compact tables a generated `schemas.ts` exports into a
 * SchemaRegistry. Each type's entry is parsed the first time the codec asks
 * for it, so a program that never decodes a HostSystem never builds its schema.
 *
 * Entry format (written by generator/emit/emit.ts): `Base|field:type[flags]|…`
 * with flags `[]` array, `?` optional, `@Mo` managed type of a MoRef, `!` secret.
 */
import { CodecError } from "./errors/codec.js";
import type { DataSchema, EnumSchema, FieldSchema, SchemaRegistry } from "./schema.js";
import type { SecretFieldTypes } from "./soap/redact-fields.js";

export interface SchemaTables {
  readonly namespace: string;
  readonly service?: string;
  readonly release?: string;
  readonly apiVersion?: string;
  /** Every version the bindings can speak, oldest first (written by the generator). */
  readonly apiVersions?: readonly string[];
  readonly types: Readonly<Record<string, string>>;
  readonly enums: Readonly<Record<string, string>>;
}

/** A registry over generated tables. Methods are not in it: each call carries its own schema (its descriptor). */
export interface TableRegistry extends SchemaRegistry {
  readonly tables: SchemaTables;
}

/**
 * One table set from several: a dependent service's (pbm, vslm, sms) over
 * the vim25 tables it borrows types from. The first argument names the
 * namespace and release and wins on a name both define; later ones only fill
 * in. A pbm response carrying vim25 types (a LocalizedMethodFault, an
 * InvalidArgument fault, a vim25 MoRef-bearing object) then decodes.
 */
export function mergeSchemaTables<T extends SchemaTables>(primary: T, ...borrowed: readonly SchemaTables[]): T {
  const types: Record<string, string> = {};
  const enums: Record<string, string> = {};
  for (const t of [...borrowed].reverse()) {
    Object.assign(types, t.types);
    Object.assign(enums, t.enums);
  }
  Object.assign(types, primary.types);
  Object.assign(enums, primary.enums);
  return { ...primary, types, enums };
}

const FIELD = /^([^:]+):([^[?@!]+)(\[\])?(\?)?(?:@([^!]+))?(!)?$/;

export function registryFromTables(tables: SchemaTables): TableRegistry {
  const types = new Map<string, DataSchema | null>();
  const enums = new Map<string, EnumSchema | null>();
  const fieldCache = new Map<string, readonly FieldSchema[]>();

  const type = (name: string): DataSchema | undefined => {
    let t = types.get(name);
    if (t === undefined) {
      const entry = Object.hasOwn(tables.types, name) ? tables.types[name] : undefined;
      t = entry === undefined ? null : parseType(name, entry);
      types.set(name, t);
    }
    return t ?? undefined;
  };

  const registry: TableRegistry = {
    tables,
    namespace: tables.namespace,
    type,
    enumType(name) {
      let e = enums.get(name);
      if (e === undefined) {
        const entry = Object.hasOwn(tables.enums, name) ? tables.enums[name] : undefined;
        e = entry === undefined ? null : { name, values: entry.split("|") };
        enums.set(name, e);
      }
      return e ?? undefined;
    },
    allFields(name) {
      let cached = fieldCache.get(name);
      if (cached) return cached;
      const t = type(name);
      if (!t) return [];
      cached = t.base ? [...registry.allFields(t.base), ...t.fields] : t.fields;
      fieldCache.set(name, cached);
      return cached;
    },
    isA(sub, base) {
      for (let n: string | undefined = sub, guard = 0; n && guard < 64; n = type(n)?.base, guard++) if (n === base) return true;
      return false;
    },
  };
  return registry;
}

function parseType(name: string, entry: string): DataSchema {
  const parts = entry.split("|");
  const base = parts[0] || undefined;
  const fields: FieldSchema[] = [];
  for (let i = 1; i < parts.length; i++) {
    const m = FIELD.exec(parts[i]!);
    if (!m) throw new CodecError("TSVMOMI_ERR_BAD_SCHEMA", `schema table: type ${name}: malformed field entry ${JSON.stringify(parts[i])}`);
    fields.push({
      name: m[1]!,
      type: m[2]!,
      ...(m[3] ? { array: true } : {}),
      ...(m[4] ? { optional: true } : {}),
      ...(m[5] ? { moType: m[5] } : {}),
      ...(m[6] ? { secret: true } : {}),
    });
  }
  return { name, ...(base ? { base } : {}), fields };
}

const secretNames = new WeakMap<object, readonly string[]>();

/**
 * Local names of the fields the tables flag secret (`!`), any type, sorted:
 * what the trace redacts wherever it cannot tell an element's type.
 */
export function secretFieldNames(tables: SchemaTables): readonly string[] {
  let names = secretNames.get(tables);
  if (!names) {
    const set = new Set<string>();
    for (const entry of Object.values(tables.types)) {
      if (!entry.includes("!")) continue;
      for (const part of entry.split("|").slice(1)) if (part.endsWith("!")) set.add(part.slice(0, part.indexOf(":")));
    }
    names = [...set].sort();
    secretNames.set(tables, names);
  }
  return names;
}

const fieldTypes = new WeakMap<TableRegistry, SecretFieldTypes>();

/** The registry with its secret names, as the trace's typed redaction takes them (once per registry). */
export function secretFieldTypes(registry: TableRegistry): SecretFieldTypes {
  let got = fieldTypes.get(registry);
  if (!got) {
    got = { registry, anywhere: new Set(secretFieldNames(registry.tables)) };
    fieldTypes.set(registry, got);
  }
  return got;
}
