/**
 * The session cookie at the wire: the `cookie` middleware sends it and picks
 * up a new one, with the few cookie rules that needs (read `Set-Cookie`,
 * write `Cookie`). vSphere sends one session cookie and expects it back verbatim,
 * quotes included (`vmware_soap_session="52a0…"`), so values are kept raw.
 *
 * Cookie values are credentials: nothing here puts one in an error message,
 * and `inspect`/`console.log` of a parsed cookie shows a placeholder.
 */

import type { Middleware, SoapCall, SoapResult } from "./middleware.js";

export const SESSION_COOKIE = "vmware_soap_session";

const inspectCustom = Symbol.for("nodejs.util.inspect.custom");

export interface Cookie {
  readonly name: string;
  /** Raw cookie-value, surrounding double quotes kept (RFC 6265 makes them part of the value). */
  readonly value: string;
  readonly path?: string;
  readonly secure?: boolean;
  readonly httpOnly?: boolean;
  /** Set when the server sent `Max-Age=0` or an `Expires` in the past: the cookie is being deleted. */
  readonly expired?: boolean;
}

/** Parses one `Set-Cookie` header line; undefined when it has no `name=`. */
export function parseSetCookie(line: string): Cookie | undefined {
  const [pair, ...attrs] = line.split(";");
  const eq = pair?.indexOf("=") ?? -1;
  if (pair === undefined || eq <= 0) return undefined;
  const cookie: { -readonly [K in keyof Cookie]: Cookie[K] } = {
    name: pair.slice(0, eq).trim(),
    value: pair.slice(eq + 1).trim(),
  };
  for (const attr of attrs) {
    const i = attr.indexOf("=");
    const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
    const val = i < 0 ? "" : attr.slice(i + 1).trim();
    if (key === "path") cookie.path = val;
    else if (key === "secure") cookie.secure = true;
    else if (key === "httponly") cookie.httpOnly = true;
    else if (key === "max-age" && Number(val) <= 0) cookie.expired = true;
    else if (key === "expires") {
      const t = Date.parse(val);
      if (!Number.isNaN(t) && t <= Date.now()) cookie.expired = true;
    }
  }
  Object.defineProperty(cookie, inspectCustom, {
    value: () => `Cookie { ${cookie.name}=<redacted> }`,
  });
  return cookie;
}

/** Every cookie in a response's `Set-Cookie` header(s), as undici or node:http hand them over. */
export function parseSetCookies(header: string | readonly string[] | undefined): Cookie[] {
  if (header === undefined) return [];
  const lines = typeof header === "string" ? [header] : header;
  return lines.map(parseSetCookie).filter((c): c is Cookie => c !== undefined);
}

/** The raw `vmware_soap_session` value from a response's `Set-Cookie`, if the server set one. */
export function sessionCookie(
  header: string | readonly string[] | undefined,
  name: string = SESSION_COOKIE,
): string | undefined {
  const found = parseSetCookies(header).filter((c) => c.name === name && !c.expired);
  return found.at(-1)?.value;
}

/** Formats a `Cookie:` request header value. */
export function formatCookieHeader(
  cookies: Readonly<Record<string, string>> | Iterable<Pick<Cookie, "name" | "value">>,
): string {
  const pairs: Array<readonly [string, string]> =
    Symbol.iterator in cookies
      ? [...(cookies as Iterable<Pick<Cookie, "name" | "value">>)].map((c) => [c.name, c.value] as const)
      : Object.entries(cookies as Record<string, string>);
  return pairs.map(([n, v]) => `${n}=${v}`).join("; ");
}

/** Where the cookie middleware keeps the session cookie (the client's session state). */
export interface CookieJar {
  /** Raw cookie value, read at send time. */
  readonly cookie: string | undefined;
  setCookie(value: string | undefined): void;
  /** True while a re-login replaces the cookie: a call about to leave waits for it (`settled`). */
  readonly recovering?: boolean;
  settled?(): Promise<void>;
}

/**
 * Sends the jar's session cookie and keeps a fresh one the server sets. The
 * cookie is read when the request gets a socket (send time), not when it was
 * queued: a call that waited behind busy sockets while the session was
 * replaced goes out with the new cookie, and one that would go out while a
 * re-login is in flight waits for it instead of paying a NotAuthenticated
 * round trip. The session's own calls (Login, its checks) never wait.
 */
export function cookieLayer(jar: CookieJar): Middleware<SoapCall, SoapResult> {
  return (next) => async (call) => {
    const own = call.sessionCall === true;
    const res = await next({
      ...call,
      sendTimeHeaders: () => {
        if (!own && jar.recovering && jar.settled) return jar.settled();
        const cookie = jar.cookie;
        const headers: Record<string, string> = cookie === undefined ? {} : { cookie: `${SESSION_COOKIE}=${cookie}` };
        return headers;
      },
    });
    const fresh = sessionCookie(res.headers["set-cookie"]);
    if (fresh !== undefined) jar.setCookie(fresh);
    return res;
  };
}
