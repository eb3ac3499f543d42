/**
 * Request encoding: schema-ordered XML text built by string concatenation
 * (V8 ropes make that cheap). vCenter rejects fields out of schema order, so
 * every object is written by walking `allFields` of its concrete type.
 */
import type { MethodSchema, SchemaRegistry } from "../schema.js";
import type { MoRef } from "../types.js";
import {
  type CompiledSchema,
  type FieldInfo,
  K_ANY,
  K_BASE64,
  K_BOOLEAN,
  K_DATA,
  K_DATETIME,
  K_DOUBLE,
  K_ENUM,
  K_INT,
  K_LONG,
  K_MOREF,
  K_STRING,
  compile,
  primitiveKind,
} from "./compiled-schema.js";
import { CodecError } from "../errors/codec.js";

/**
 * Builds the header from the serialized body: a WS-Security signature must
 * cover the body, so it can only be made once the body exists. Gets the method
 * element and the namespaces the envelope declares around it; returns the
 * header children and attributes for the `<soapenv:Body>` start tag (the ID
 * the signature references, with a leading space).
 */
export type HeaderSealer = (
  payload: string,
  envelope: { readonly namespaces: Readonly<Record<string, string>>; readonly soapPrefix: string },
) => { readonly header: string; readonly bodyAttributes: string };

export interface EncodeOptions {
  /** Pre-serialized SOAP header children (e.g. `<operationID>…</operationID>`); inserted verbatim. */
  headers?: string;
  /** Signs the message: its header replaces `headers`. */
  seal?: HeaderSealer;
}

/** The namespaces every request envelope declares, by prefix. */
export const ENVELOPE_NAMESPACES: Readonly<Record<string, string>> = Object.freeze({
  soapenc: "http://schemas.xmlsoap.org/soap/encoding/",
  soapenv: "http://schemas.xmlsoap.org/soap/envelope/",
  xsd: "http://www.w3.org/2001/XMLSchema",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
});

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope' +
  Object.entries(ENVELOPE_NAMESPACES)
    .map(([p, uri]) => ` xmlns:${p}="${uri}"`)
    .join("") +
  ">";

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * Serializes a call of `method` (the schema the call carries: a generated
 * descriptor, or a runtime built-in) with `args` keyed by parameter name
 * (`_this` included).
 */
export function encodeRequest(registry: SchemaRegistry, method: MethodSchema, args: Record<string, unknown>, opts: EncodeOptions = {}): string {
  const methodName = method.name;
  const schema = compile(registry);
  const compiled = schema.method(method);
  const enc = new Encoder(schema, methodName);
  for (const key of Object.keys(args)) {
    if (!compiled.paramNames.has(key)) {
      throw new CodecError("TSVMOMI_ERR_UNKNOWN_PARAM", `unknown parameter "${key}" (expected one of: ${[...compiled.paramNames].join(", ")})`, { method: methodName, path: key });
    }
  }
  let body = "";
  for (const p of compiled.params) {
    const value = args[p.name];
    if (value === undefined || value === null) {
      if (!p.optional) throw new CodecError("TSVMOMI_ERR_MISSING_PARAM", `missing required parameter "${p.name}"`, { method: methodName, path: p.name });
      continue;
    }
    body += enc.field(p, value, p.name);
  }
  const payload = `<${methodName} xmlns="${escapeText(registry.namespace, "namespace")}">${body}</${methodName}>`;
  if (opts.seal) {
    const sealed = opts.seal(payload, { namespaces: ENVELOPE_NAMESPACES, soapPrefix: "soapenv" });
    return `${ENVELOPE_OPEN}<soapenv:Header>${sealed.header}</soapenv:Header><soapenv:Body${sealed.bodyAttributes}>${payload}</soapenv:Body></soapenv:Envelope>`;
  }
  const header = opts.headers ? `<soapenv:Header>${opts.headers}</soapenv:Header>` : "";
  return `${ENVELOPE_OPEN}${header}<soapenv:Body>${payload}</soapenv:Body></soapenv:Envelope>`;
}

/** Serializes one value as element `name` of declared type `typeName` (tests and tools). */
export function encodeValue(registry: SchemaRegistry, name: string, typeName: string, value: unknown): string {
  const schema = compile(registry);
  return new Encoder(schema, "encodeValue").value(name, schema.kindOf(typeName), typeName, value, name);
}

class Encoder {
  constructor(
    readonly schema: CompiledSchema,
    private readonly method: string,
  ) {}

  fail(code: CodecError["code"], message: string, path: string): never {
    throw new CodecError(code, message, { method: this.method, path });
  }

  field(f: FieldInfo, value: unknown, path: string): string {
    if (f.array) {
      if (!Array.isArray(value)) this.fail("TSVMOMI_ERR_BAD_TYPE", `expected an array for ${f.typeName}[]`, path);
      let out = "";
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item === undefined || item === null) this.fail("TSVMOMI_ERR_BAD_TYPE", "array element is null/undefined", `${path}[${i}]`);
        out += this.value(f.name, f.kind, f.typeName, item, `${path}[${i}]`);
      }
      return out;
    }
    return this.value(f.name, f.kind, f.typeName, value, path);
  }

  value(name: string, kind: number, typeName: string, value: unknown, path: string): string {
    if (isTyped(value) && kind !== K_DATA && kind !== K_ANY) value = value._value;
    switch (kind) {
      case K_DATA:
        return this.data(name, typeName, value, path);
      case K_MOREF:
        return this.moref(name, value, path, "");
      case K_ANY:
        return this.any(name, value, path);
      case K_ENUM: {
        const allowed = this.schema.registry.enumType(typeName)!.values;
        if (typeof value !== "string" || !allowed.includes(value)) {
          this.fail("TSVMOMI_ERR_BAD_VALUE", `expected one of ${typeName} (${allowed.join(", ")}), got ${JSON.stringify(value)}`, path);
        }
        return `<${name}>${escapeText(value, path, this)}</${name}>`;
      }
      default:
        return `<${name}>${this.primitiveText(kind, typeName, value, path)}</${name}>`;
    }
  }

  private primitiveText(kind: number, typeName: string, value: unknown, path: string): string {
    switch (kind) {
      case K_STRING:
        if (typeof value !== "string") this.fail("TSVMOMI_ERR_BAD_TYPE", `expected a string for xsd:${typeName}, got ${describe(value)}`, path);
        return escapeText(value, path, this);
      case K_BOOLEAN:
        if (typeof value !== "boolean") this.fail("TSVMOMI_ERR_BAD_TYPE", `expected a boolean, got ${describe(value)}`, path);
        return value ? "true" : "false";
      case K_INT: {
        const [min, max] = typeName === "byte" ? [-128, 127] : typeName === "short" ? [-32768, 32767] : [INT_MIN, INT_MAX];
        if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
          this.fail("TSVMOMI_ERR_BAD_VALUE", `expected an integer in xsd:${typeName} range [${min}, ${max}], got ${describe(value)}`, path);
        }
        return String(value);
      }
      case K_LONG:
        if (typeof value === "bigint") {
          if (value < LONG_MIN || value > LONG_MAX) this.fail("TSVMOMI_ERR_BAD_VALUE", `bigint ${value} is outside the xsd:long range`, path);
          return value.toString();
        }
        if (typeof value !== "number" || !Number.isInteger(value)) this.fail("TSVMOMI_ERR_BAD_VALUE", `expected an integer number or bigint for xsd:long, got ${describe(value)}`, path);
        if (!Number.isSafeInteger(value)) {
          // Beyond ±(2^53−1) a number has already lost digits: sending it would silently change the value.
          this.fail("TSVMOMI_ERR_UNSAFE_LONG", `xsd:long ${value} is beyond ±(2^53−1), so the number may not be the value meant; pass a bigint (e.g. ${BigInt(value)}n) instead`, path);
        }
        return String(value);
      case K_DOUBLE:
        if (typeof value !== "number") this.fail("TSVMOMI_ERR_BAD_TYPE", `expected a number for xsd:${typeName}, got ${describe(value)}`, path);
        return Number.isNaN(value) ? "NaN" : value === Infinity ? "INF" : value === -Infinity ? "-INF" : String(value);
      case K_DATETIME: {
        const d = value instanceof Date ? value : undefined;
        if (!d || Number.isNaN(d.getTime())) this.fail("TSVMOMI_ERR_BAD_TYPE", `expected a valid Date for xsd:dateTime, got ${describe(value)}`, path);
        return d.toISOString();
      }
      case K_BASE64:
        if (!(value instanceof Uint8Array)) this.fail("TSVMOMI_ERR_BAD_TYPE", `expected a Uint8Array for xsd:base64Binary, got ${describe(value)}`, path);
        return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
      default:
        return this.fail("TSVMOMI_ERR_BAD_TYPE", `cannot encode type ${typeName}`, path);
    }
  }

  private moref(name: string, value: unknown, path: string, xsiType: string): string {
    if (!isMoRefValue(value)) this.fail("TSVMOMI_ERR_BAD_TYPE", `expected a MoRef { type, value }, got ${describe(value)}`, path);
    return `<${name}${xsiType} type="${escapeText(value.type, path, this)}">${escapeText(value.value, path, this)}</${name}>`;
  }

  private data(name: string, declared: string, value: unknown, path: string, forceXsi = false): string {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail("TSVMOMI_ERR_BAD_TYPE", `expected a ${declared} object, got ${describe(value)}`, path);
    }
    const obj = value as Record<string, unknown>;
    const actual = typeof obj._typeName === "string" ? obj._typeName : declared;
    const type = this.schema.typeInfo(actual);
    if (!type) this.fail("TSVMOMI_ERR_BAD_TYPE", `unknown type ${JSON.stringify(actual)} (_typeName)`, path);
    if (!forceXsi && actual !== declared && !this.schema.registry.isA(actual, declared)) {
      this.fail("TSVMOMI_ERR_BAD_TYPE", `${actual} is not a ${declared}`, path);
    }
    for (const key of Object.keys(obj)) {
      if (key !== "_typeName" && key !== "_unknownType" && !type.byName.has(key) && obj[key] !== undefined) {
        this.fail("TSVMOMI_ERR_UNKNOWN_FIELD", `${actual} has no field "${key}"`, `${path}.${key}`);
      }
    }
    let out = forceXsi || actual !== declared ? `<${name} xsi:type="${actual}">` : `<${name}>`;
    for (const f of type.fields) {
      const v = obj[f.name];
      if (v === undefined || v === null) {
        if (!f.optional) this.fail("TSVMOMI_ERR_MISSING_FIELD", `${actual}.${f.name} is required`, `${path}.${f.name}`);
        continue;
      }
      out += this.field(f, v, `${path}.${f.name}`);
    }
    return `${out}</${name}>`;
  }

  /** anyType: the XSD type is inferred from the JS value (see the table in ARCHITECTURE notes of codec/index.ts). */
  private any(name: string, value: unknown, path: string): string {
    if (isTyped(value)) return this.typed(name, value._typeName, value._value, path);
    switch (typeof value) {
      case "string":
        return `<${name} xsi:type="xsd:string">${escapeText(value, path, this)}</${name}>`;
      case "boolean":
        return `<${name} xsi:type="xsd:boolean">${value}</${name}>`;
      case "bigint":
        return this.typed(name, "long", value, path);
      case "number":
        return this.typed(name, numberType(value), value, path);
    }
    if (value instanceof Date) return this.typed(name, "dateTime", value, path);
    if (value instanceof Uint8Array) return this.typed(name, "base64Binary", value, path);
    if (Array.isArray(value)) return this.anyArray(name, value, path);
    if (isMoRefValue(value)) return this.moref(name, value, path, ' xsi:type="ManagedObjectReference"');
    if (typeof value === "object" && value !== null && typeof (value as { _typeName?: unknown })._typeName === "string") {
      return this.data(name, (value as { _typeName: string })._typeName, value, path, true);
    }
    return this.fail("TSVMOMI_ERR_BAD_TYPE", `cannot infer an XSD type for ${describe(value)} in an anyType slot (use { _typeName, _value })`, path);
  }

  /** A value whose XSD/registry type is known: primitive (`long`), enum, MoRef, data or `ArrayOfX`. */
  private typed(name: string, typeName: string, value: unknown, path: string): string {
    if (typeName.startsWith("ArrayOf") && !this.schema.typeInfo(typeName)) {
      if (!Array.isArray(value)) this.fail("TSVMOMI_ERR_BAD_TYPE", `expected an array for ${typeName}`, path);
      return this.arrayOf(name, typeName.slice(7), value, path);
    }
    const prim = primitiveKind(typeName);
    if (prim !== undefined && prim !== K_ANY) {
      return `<${name} xsi:type="xsd:${typeName}">${this.primitiveText(prim, typeName, value, path)}</${name}>`;
    }
    const kind = this.schema.kindOf(typeName);
    if (kind === K_MOREF) return this.moref(name, value, path, ' xsi:type="ManagedObjectReference"');
    if (kind === K_ENUM) return this.value(name, kind, typeName, value, path).replace(`<${name}>`, `<${name} xsi:type="${typeName}">`);
    if (kind === K_DATA) return this.data(name, typeName, value, path, true);
    return this.fail("TSVMOMI_ERR_BAD_TYPE", `unknown type ${JSON.stringify(typeName)}`, path);
  }

  private anyArray(name: string, items: unknown[], path: string): string {
    return this.arrayOf(name, arrayItemType(this.schema, items), items, path);
  }

  /** `<name xsi:type="ArrayOfX"><X>...</X>...</name>`; X is capitalised for primitives (ArrayOfInt holds `<int>`). */
  private arrayOf(name: string, item: string, items: unknown[], path: string): string {
    const prim = item.charAt(0).toLowerCase() + item.slice(1);
    const primKind = primitiveKind(prim);
    const itemType = primKind !== undefined && !this.schema.typeInfo(item) ? prim : item;
    const kind = primKind !== undefined && itemType === prim ? primKind : this.schema.kindOf(item);
    if (kind !== K_ANY && primKind === undefined && kind !== K_DATA && kind !== K_MOREF && kind !== K_ENUM) {
      this.fail("TSVMOMI_ERR_BAD_TYPE", `unknown array item type ${JSON.stringify(item)}`, path);
    }
    const arrayName = `ArrayOf${itemType.charAt(0).toUpperCase()}${itemType.slice(1)}`;
    let out = `<${name} xsi:type="${arrayName}">`;
    for (let i = 0; i < items.length; i++) out += this.value(itemType, kind, itemType, items[i], `${path}[${i}]`);
    return `${out}</${name}>`;
  }
}

function numberType(n: number): string {
  if (!Number.isInteger(n)) return "double";
  return n >= INT_MIN && n <= INT_MAX ? "int" : "long";
}

function arrayItemType(schema: CompiledSchema, items: unknown[]): string {
  if (items.length === 0) return "AnyType";
  if (items.every((v) => typeof v === "string")) return "String";
  if (items.every((v) => typeof v === "boolean")) return "Boolean";
  if (items.every((v) => typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v)))) {
    return items.every((v) => typeof v === "number" && v >= INT_MIN && v <= INT_MAX) ? "Int" : "Long";
  }
  if (items.every((v) => typeof v === "number")) return "Double";
  if (items.every((v) => v instanceof Date)) return "DateTime";
  if (items.every(isMoRefValue)) return "ManagedObjectReference";
  if (items.every((v) => typeof v === "object" && v !== null && typeof (v as { _typeName?: unknown })._typeName === "string" && !isTyped(v))) {
    const names = items.map((v) => (v as { _typeName: string })._typeName);
    // Walk the first element's base chain until every element derives from it.
    for (let t: string | undefined = names[0]; t; t = schema.registry.type(t)?.base) {
      const base = t;
      if (names.every((n) => schema.registry.isA(n, base))) return base;
    }
  }
  return "AnyType";
}

function isTyped(v: unknown): v is { _typeName: string; _value: unknown } {
  return typeof v === "object" && v !== null && "_value" in v && typeof (v as { _typeName?: unknown })._typeName === "string";
}

function isMoRefValue(v: unknown): v is MoRef {
  if (typeof v !== "object" || v === null || "_typeName" in v) return false;
  const r = v as MoRef;
  return typeof r.type === "string" && typeof r.value === "string";
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Date) return "a Date";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return `${typeof v} ${String(v)}`;
}

// Characters XML 1.0 cannot carry at all (even as references) and lone surrogates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the control characters XML forbids is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NEEDS_ESCAPE = /[&<>"\r]/;
const ESCAPE_ALL = /[&<>"\r]/g;
const REPLACEMENTS: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;" };

/** Escapes text/attribute content; `\r` is written as a reference so XML line-end normalization does not eat it. */
export function escapeText(s: string, path: string, enc?: { fail(code: CodecError["code"], message: string, path: string): never }): string {
  const bad = FORBIDDEN.exec(s);
  if (bad) {
    const code = bad[0].charCodeAt(0);
    const hex = `U+${code.toString(16).padStart(4, "0").toUpperCase()}`;
    const what = code >= 0xd800 && code <= 0xdfff ? `a lone UTF-16 surrogate (${hex})` : `character ${hex}`;
    const message = `string contains ${what}, which XML 1.0 cannot represent`;
    if (enc) enc.fail("TSVMOMI_ERR_INVALID_CHAR", message, path);
    throw new CodecError("TSVMOMI_ERR_INVALID_CHAR", message, { path });
  }
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPE_ALL, (c) => REPLACEMENTS[c]!) : s;
}
