/**
 * The single redaction point for anything the transport lets out (trace
 * channel messages, TSVMOMI_TRACE output, error excerpts).
 *
 * Secret elements are matched by local name, case-insensitively, on these
 * fragments: password, passwd, token (token, samlToken, sspiToken,
 * base64Token…), secret, ticket (cloneTicket, TicketedSessionAuthentication),
 * sessionid (SessionIsActive's sessionID), cookie, privatekey, assertion
 * (the SAML token LoginByToken carries in its WS-Security header). Their whole
 * content is replaced, nested elements included (CustomizationPassword keeps
 * its secret in a child `<value>`). `userName` is not a secret and is kept, as
 * is `<key>`: it is everywhere in vim25 (property keys, device keys) and a
 * session key alone does not authenticate.
 */

export const REDACTED = "***";

const SECRET_NAME = "(?:[\\w.-]+:)?[\\w.-]*(?:password|passwd|token|secret|ticket|sessionid|cookie|privatekey|assertion)[\\w.-]*";

// Full element, nested content included. The closing tag must repeat the opening name.
const SECRET_ELEMENT = new RegExp(`<(${SECRET_NAME})(\\s[^>]*?)?(?<!/)>[\\s\\S]*?</\\1\\s*>`, "gi");
// A secret element cut off before its closing tag (truncated body, broken XML): redact up to the next tag.
const SECRET_OPEN_TAG = new RegExp(`<(${SECRET_NAME})(\\s[^>]*?)?(?<!/)>(?!${escapeRegExp(REDACTED)}<)[^<]+`, "gi");
// The session cookie wherever it appears as text (echoed headers, fault messages).
const SESSION_COOKIE_TEXT = /(vmware_soap_session\s*=\s*)("[^"]*"?|[^;\s<&]*)/gi;

export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  "cookie",
  "set-cookie",
  "authorization",
  "proxy-authorization",
  "vmware-api-session-id",
]);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Removes passwords, tokens, tickets and session cookies from a SOAP body (or any text). */
export function redact(body: string): string {
  return body
    .replace(SECRET_ELEMENT, (_m, name: string, attrs: string | undefined) => `<${name}${attrs ?? ""}>${REDACTED}</${name}>`)
    .replace(SECRET_OPEN_TAG, (_m, name: string, attrs: string | undefined) => `<${name}${attrs ?? ""}>${REDACTED}`)
    .replace(SESSION_COOKIE_TEXT, `$1${REDACTED}`);
}

/** Copies headers with secret ones replaced; other values pass through `redact` too. */
export function redactHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (SECRET_HEADERS.has(name.toLowerCase())) out[name] = REDACTED;
    else out[name] = typeof value === "string" ? redact(value) : value.map(redact);
  }
  return out;
}
