/**
 * Every stable error code the runtime raises, in one style: `TSVMOMI_ERR_<WHAT>`
 * (Node's `ERR_*` and undici's `UND_ERR_*` are namespaced the same way, so a
 * wrapped error never collides). docs/ERRORS.md says what each one means; a
 * test keeps that table and this object in step. Match on `err.code`: codes
 * outlive class names and message wording.
 */
export const ErrorCode = {
  // transport (soap/): the HTTP exchange failed
  TRANSPORT: "TSVMOMI_ERR_TRANSPORT",
  CONNECT: "TSVMOMI_ERR_CONNECT",
  RESET: "TSVMOMI_ERR_RESET",
  TIMEOUT: "TSVMOMI_ERR_TIMEOUT",
  HTTP_STATUS: "TSVMOMI_ERR_HTTP_STATUS",
  TLS: "TSVMOMI_ERR_TLS",
  CLOSED: "TSVMOMI_ERR_CLOSED",
  OUTCOME_UNKNOWN: "TSVMOMI_ERR_OUTCOME_UNKNOWN",
  VERSION: "TSVMOMI_ERR_VERSION",
  // the answer is not XML: raised by the HTTP layer (content-type) or by the decoder (the bytes)
  NOT_XML: "TSVMOMI_ERR_NOT_XML",
  // codec (codec/): the XML is not the SOAP the schema expects, or a request cannot be encoded
  MALFORMED_XML: "TSVMOMI_ERR_MALFORMED_XML",
  TRUNCATED: "TSVMOMI_ERR_TRUNCATED",
  DOCTYPE_FORBIDDEN: "TSVMOMI_ERR_DOCTYPE_FORBIDDEN",
  UNKNOWN_ENTITY: "TSVMOMI_ERR_UNKNOWN_ENTITY",
  INVALID_CHAR: "TSVMOMI_ERR_INVALID_CHAR",
  TOO_DEEP: "TSVMOMI_ERR_TOO_DEEP",
  TOO_LARGE: "TSVMOMI_ERR_TOO_LARGE",
  NOT_SOAP: "TSVMOMI_ERR_NOT_SOAP",
  UNEXPECTED_ELEMENT: "TSVMOMI_ERR_UNEXPECTED_ELEMENT",
  BAD_VALUE: "TSVMOMI_ERR_BAD_VALUE",
  UNSAFE_LONG: "TSVMOMI_ERR_UNSAFE_LONG",
  MISSING_PARAM: "TSVMOMI_ERR_MISSING_PARAM",
  UNKNOWN_PARAM: "TSVMOMI_ERR_UNKNOWN_PARAM",
  UNKNOWN_FIELD: "TSVMOMI_ERR_UNKNOWN_FIELD",
  MISSING_FIELD: "TSVMOMI_ERR_MISSING_FIELD",
  BAD_TYPE: "TSVMOMI_ERR_BAD_TYPE",
  BAD_SCHEMA: "TSVMOMI_ERR_BAD_SCHEMA",
  // client (client/, session/): the server answered, the call did not succeed
  FAULT: "TSVMOMI_ERR_FAULT",
  UNSUPPORTED_METHOD: "TSVMOMI_ERR_UNSUPPORTED_METHOD",
  SESSION: "TSVMOMI_ERR_SESSION",
  SESSION_CACHE: "TSVMOMI_ERR_SESSION_CACHE",
  CLIENT_CLOSED: "TSVMOMI_ERR_CLIENT_CLOSED",
  // property/, task/, inventory/: watches and waits
  PROPERTY_PATH: "TSVMOMI_ERR_PROPERTY_PATH",
  OBJECT_GONE: "TSVMOMI_ERR_OBJECT_GONE",
  WATCH_ENDED: "TSVMOMI_ERR_WATCH_ENDED",
  WATCH_CLOSED: "TSVMOMI_ERR_WATCH_CLOSED",
  COLLECTOR_STATE: "TSVMOMI_ERR_COLLECTOR_STATE",
  WAIT_TIMEOUT: "TSVMOMI_ERR_WAIT_TIMEOUT",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
