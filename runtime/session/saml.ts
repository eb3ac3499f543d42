/**
 * The WS-Security header LoginByToken reads its SAML bearer token from.
 * vCenter expects the assertion (as issued by the STS, byte for byte) inside
 * `wsse:Security`, next to a `wsu:Timestamp` bounding the request's validity.
 * Holder-of-key tokens also need a signature over the body; that is not
 * implemented here.
 */

export const WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
export const WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

/** Seconds a request's timestamp stays valid; vCenter tolerates small clock skew beyond it. */
const TIMESTAMP_LIFETIME_S = 300;

/** Checks the token looks like a SAML assertion element and strips an XML declaration; never echoes the token. */
export function normalizeAssertion(token: string): string {
  if (typeof token !== "string") throw new TypeError("loginByToken: the SAML token must be a string holding a <saml2:Assertion> element");
  const body = token.replace(/^\uFEFF/, "").replace(/^\s*<\?xml[^>]*\?>/, "").trim();
  if (!/^<(?:[\w.-]+:)?Assertion[\s>]/.test(body) || !/<\/(?:[\w.-]+:)?Assertion>$/.test(body)) {
    throw new TypeError("loginByToken: the SAML token must be one <Assertion> element (e.g. <saml2:Assertion …>…</saml2:Assertion>), as the STS issued it");
  }
  return body;
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The `wsse:Security` element to pass as a SOAP header child. */
export function securityHeader(token: string, now: Date = new Date()): string {
  const assertion = normalizeAssertion(token);
  const expires = new Date(now.getTime() + TIMESTAMP_LIFETIME_S * 1000);
  return (
    `<wsse:Security xmlns:wsse="${WSSE_NS}" xmlns:wsu="${WSU_NS}">` +
    `<wsu:Timestamp wsu:Id="Timestamp"><wsu:Created>${isoSeconds(now)}</wsu:Created><wsu:Expires>${isoSeconds(expires)}</wsu:Expires></wsu:Timestamp>` +
    assertion +
    `</wsse:Security>`
  );
}
