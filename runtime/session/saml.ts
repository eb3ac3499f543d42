/**
 * The WS-Security header LoginByToken reads its SAML bearer token from:
 * the assertion (as issued by the STS, byte for byte) inside `wsse:Security`,
 * next to a `wsu:Timestamp` bounding the request's validity. The header is
 * built by runtime/sts/wsse.ts, which also signs it for holder-of-key tokens
 * (the client's `loginByToken(token, { signingKey })`).
 */
import { sealMessage } from "../sts/wsse.js";

export { WSSE_NS, WSU_NS } from "../sts/wsse.js";

/** Checks the token looks like a SAML assertion element and strips an XML declaration; never echoes the token. */
export function normalizeAssertion(token: string): string {
  if (typeof token !== "string") throw new TypeError("loginByToken: the SAML token must be a string holding a <saml2:Assertion> element");
  const body = token.replace(/^\uFEFF/, "").replace(/^\s*<\?xml[^>]*\?>/, "").trim();
  if (!/^<(?:[\w.-]+:)?Assertion[\s>]/.test(body) || !/<\/(?:[\w.-]+:)?Assertion>$/.test(body)) {
    throw new TypeError("loginByToken: the SAML token must be one <Assertion> element (e.g. <saml2:Assertion …>…</saml2:Assertion>), as the STS issued it");
  }
  return body;
}

/** The `wsse:Security` element for a bearer token, to pass as a SOAP header child. */
export function securityHeader(token: string, now: Date = new Date()): string {
  return sealMessage("", { namespaces: {}, soapPrefix: "soapenv", assertion: normalizeAssertion(token), now }).header;
}
