/**
 * Helpers for managed object references. A MoRef is a plain `{ type, value }`
 * object (plus `serverGuid` when the server sent one), so references decoded
 * from the wire and ones made here are interchangeable.
 */
import type { KnownManagedType, MoRef } from "./types.js";

const TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkType(type: unknown, what: string): asserts type is string {
  if (typeof type !== "string" || !TYPE_NAME.test(type)) {
    throw new TypeError(`${what}: managed object type must be an identifier like "VirtualMachine", got ${JSON.stringify(type)}`);
  }
}

function checkValue(value: unknown, what: string): asserts value is string {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`${what}: managed object value must be a non-empty string like "vm-42", got ${JSON.stringify(value)}`);
  }
}

function checkGuid(guid: unknown, what: string): asserts guid is string | undefined {
  if (guid !== undefined && (typeof guid !== "string" || guid.length === 0 || guid.includes("/"))) {
    throw new TypeError(`${what}: serverGuid must be a non-empty string without "/", got ${JSON.stringify(guid)}`);
  }
}

/**
 * Makes a validated, frozen reference. With generated bindings in the program,
 * `type` must be one of their managed type names, so `moref("VirtualMachin", …)`
 * fails to compile ("Did you mean 'VirtualMachine'?"). For a type the bindings
 * do not know (a newer server's, or a name read at run time) use `anyMoref`.
 */
export function moref<T extends KnownManagedType>(type: T, value: string, serverGuid?: string): MoRef<T> {
  return make(type, value, serverGuid, "moref");
}

/** `moref` without the compile-time check of the type name (still validated at run time). */
export function anyMoref<T extends string = string>(type: T, value: string, serverGuid?: string): MoRef<T> {
  return make(type, value, serverGuid, "anyMoref");
}

function make<T extends string>(type: T, value: string, serverGuid: string | undefined, what: string): MoRef<T> {
  checkType(type, what);
  checkValue(value, what);
  checkGuid(serverGuid, what);
  return Object.freeze(serverGuid === undefined ? { type, value } : { type, value, serverGuid });
}

/**
 * Parses `Type:value` (what `formatMoRef` writes) or `serverGuid/Type:value`
 * (what `moRefKey` writes). The value may itself contain `:` or `/`: only the
 * first `:` separates, because type names never contain one.
 */
export function parseMoRef(text: string): MoRef {
  if (typeof text !== "string") throw new TypeError(`parseMoRef: expected a string like "VirtualMachine:vm-42", got ${typeof text}`);
  const colon = text.indexOf(":");
  if (colon < 0) throw new TypeError(`parseMoRef: expected "Type:value" like "VirtualMachine:vm-42", got ${JSON.stringify(text)}`);
  const head = text.slice(0, colon);
  const slash = head.lastIndexOf("/");
  const type = slash < 0 ? head : head.slice(slash + 1);
  const guid = slash < 0 ? undefined : head.slice(0, slash);
  checkType(type, `parseMoRef(${JSON.stringify(text)})`);
  checkValue(text.slice(colon + 1), `parseMoRef(${JSON.stringify(text)})`);
  checkGuid(guid, `parseMoRef(${JSON.stringify(text)})`);
  return make(type, text.slice(colon + 1), guid, "parseMoRef");
}

function isMoRefLike(ref: unknown): ref is MoRef {
  return typeof ref === "object" && ref !== null && typeof (ref as MoRef).type === "string" && typeof (ref as MoRef).value === "string";
}

/** `VirtualMachine:vm-42`: for messages and logs; drops serverGuid. */
export function formatMoRef(ref: MoRef): string {
  if (!isMoRefLike(ref)) throw new TypeError(`formatMoRef: expected a MoRef { type, value }, got ${JSON.stringify(ref)}`);
  return `${ref.type}:${ref.value}`;
}

/** Stable Map key: `VirtualMachine:vm-42`, or `serverGuid/VirtualMachine:vm-42` when the reference carries a serverGuid. */
export function moRefKey(ref: MoRef): string {
  if (!isMoRefLike(ref)) throw new TypeError(`moRefKey: expected a MoRef { type, value }, got ${JSON.stringify(ref)}`);
  return ref.serverGuid ? `${ref.serverGuid}/${ref.type}:${ref.value}` : `${ref.type}:${ref.value}`;
}

/** Same type, value and serverGuid (a reference without serverGuid only equals another without one). */
export function moRefEquals(a: MoRef | undefined | null, b: MoRef | undefined | null): boolean {
  if (!a || !b) return a === b;
  return a.type === b.type && a.value === b.value && (a.serverGuid || undefined) === (b.serverGuid || undefined);
}

export function isMoRef(value: unknown): value is MoRef {
  if (!isMoRefLike(value)) return false;
  const keys = Object.keys(value);
  return keys.every((k) => k === "type" || k === "value" || k === "serverGuid");
}
