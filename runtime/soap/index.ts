export * from "./cookie.js";
export * from "./transport.js";
export * from "./middleware.js";
export * from "./retry.js";
export * from "./versions.js";
export { normalizeThumbprint, certificateThumbprint, type TlsOptions } from "./tls.js";
export { REDACTED, SECRET_HEADERS } from "./redact.js";
