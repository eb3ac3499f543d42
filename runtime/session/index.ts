export type { ApiCall } from "./api-call.js";
export { SessionState, raceAbort, type Reauthenticate } from "./session-state.js";
export { sessionLayer } from "./relogin.js";
export { SessionCache, sessionKey, type CachedSession, type ResumeState, type SessionCacheEntry, type SessionKeyParts } from "./session-cache.js";
export { securityHeader, normalizeAssertion } from "./saml.js";
export { startKeepAlive, type KeepAlive } from "./keepalive.js";
