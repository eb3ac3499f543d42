/**
 * The SOAP codec: schema-driven request encoding and streaming response decoding.
 *
 * Decoded shape:
 * - Data objects are plain objects whose first key is `_typeName` (the concrete
 *   xsi:type, else the declared type). An xsi:type this registry does not know
 *   decodes as the declared type with `_unknownType` set to the wire name; its
 *   unknown child elements are kept as strings (or plain objects when nested).
 * - Array fields are always arrays, even with one element; an array field with
 *   no elements on the wire is absent, like every absent optional field (no
 *   `undefined`-valued keys).
 * - MoRefs are `{ type, value }` (+ `serverGuid` when sent).
 * - xsd:long within ±(2^53−1) is a number; beyond, a bigint (exact; `longs`
 *   may choose "round" or "error" instead), in typed fields and anyType slots
 *   alike. The encoder refuses a number beyond ±(2^53−1) for an xsd:long
 *   (UNSAFE_LONG): it may already have lost digits. xsd:dateTime is a Date with
 *   sub-millisecond digits truncated; base64Binary is a Buffer.
 * - anyType slots decode by xsi:type: `xsd:*` primitives, `ArrayOfX` → X[],
 *   MoRefs, enums (strings) and data objects. No xsi:type → the text. An
 *   xsi:type this registry does not know (a newer server's) decodes to
 *   `{ _typeName: "DynamicData", _unknownType: "<wire name>", …children }`
 *   (leaves as strings; text only → the string), and `ArrayOf<unknown>` to an
 *   array of those.
 *
 * anyType encoding infers the XSD type: string → xsd:string, boolean →
 * xsd:boolean, integer → xsd:int (xsd:long outside int range), other number →
 * xsd:double, bigint → xsd:long, Date → xsd:dateTime, Uint8Array →
 * xsd:base64Binary, MoRef → ManagedObjectReference, `{_typeName}` objects →
 * that type, arrays → ArrayOfX (common base of the elements), and a
 * `TypedValue` `{ _typeName: "long", _value: 5 }` forces the type.
 */
export { encodeRequest, encodeValue, type EncodeOptions } from "./encode-request.js";
export {
  decodeResponse,
  decodeResponseSync,
  decodeValue,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_ELEMENTS,
  ELEMENT_COST_BYTES,
  type DecodeOptions,
  type ItemStream,
  type DecodeInput,
} from "./decode-response.js";
export { DEFAULT_LONG_POLICY, type LongPolicy } from "./primitives.js";
