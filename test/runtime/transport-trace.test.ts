import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  TRACE_REQUEST_CHANNEL,
  TRACE_RESPONSE_CHANNEL,
  compose,
  createTransport,
  formatCookieHeader,
  parseSetCookies,
  redact,
  redactHeaders,
  sessionCookie,
  trace,
  transportHandler,
  type SoapCall,
  type Transport,
} from "../../runtime/soap/index.js";
import { sendXml, startServer, type TestServer } from "../fixtures/transport/server.js";

const PASSWORD = "pa55-Wörd<&>secret";
const COOKIE = '"52c1f9e0-6a0f-4b3e-9e5e-c0ffee123456"';

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const loginBody =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
  '<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this>' +
  `<userName>administrator@vsphere.local</userName><password>${escapeXml(PASSWORD)}</password></Login>` +
  "</soapenv:Body></soapenv:Envelope>";
const loginResponse =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
  '<LoginResponse xmlns="urn:vim25"><returnval><key>52a1</key><userName>administrator@vsphere.local</userName></returnval></LoginResponse>' +
  "</soapenv:Body></soapenv:Envelope>";

let server: TestServer | undefined;
let transport: Transport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = server = undefined;
});

describe("trace middleware", () => {
  it("publishes redacted request/response messages: no password, no cookie", async () => {
    server = await startServer((_req, res) =>
      sendXml(res, 200, loginResponse, { "set-cookie": `vmware_soap_session=${COOKIE}; Path=/; HttpOnly; Secure;` }),
    );
    transport = createTransport({ url: server.url });
    const seen: unknown[] = [];
    const onMessage = (m: unknown) => void seen.push(m);
    subscribe(TRACE_REQUEST_CHANNEL, onMessage);
    subscribe(TRACE_RESPONSE_CHANNEL, onMessage);
    const lines: string[] = [];
    try {
      const handler = compose(trace({ log: true, write: (l) => void lines.push(l) }))(transportHandler(transport));
      const call: SoapCall = {
        method: "Login",
        soapAction: "urn:vim25/8.0.2.0",
        body: loginBody,
        headers: { cookie: `vmware_soap_session=${COOKIE}`, authorization: "Bearer abc.def" },
      };
      const res = await handler(call);
      // The caller still gets the whole body and the real cookie.
      expect(await res.body.text()).toBe(loginResponse);
      expect(sessionCookie(res.headers["set-cookie"])).toBe(COOKIE);
    } finally {
      unsubscribe(TRACE_REQUEST_CHANNEL, onMessage);
      unsubscribe(TRACE_RESPONSE_CHANNEL, onMessage);
    }
    // The server really got the secrets, so their absence below is redaction, not a dropped field.
    expect(server.requests[0]!.body).toContain(escapeXml(PASSWORD));
    expect(server.requests[0]!.headers.cookie).toContain(COOKIE);

    expect(seen).toHaveLength(2);
    const output = JSON.stringify(seen) + lines.join("\n");
    for (const secret of [escapeXml(PASSWORD), "pa55", COOKIE.slice(1, -1), "abc.def"]) expect(output).not.toContain(secret);
    expect(output).toContain("administrator@vsphere.local");
    expect(output).toContain("LoginResponse");
    expect(seen[0]).toMatchObject({ method: "Login", soapAction: "urn:vim25/8.0.2.0" });
    expect(seen[1]).toMatchObject({ method: "Login", status: 200 });
    expect(lines.length).toBeGreaterThanOrEqual(2);
  });

  it("passes the streaming body through untouched when nobody listens", async () => {
    server = await startServer((_req, res) => sendXml(res, 200, loginResponse));
    transport = createTransport({ url: server.url });
    const handler = trace({ log: false })(transportHandler(transport));
    const res = await handler({ method: "Login", soapAction: "urn:vim25/8.0.2.0", body: loginBody });
    expect(await res.body.text()).toBe(loginResponse);
  });

  it("TSVMOMI_TRACE=1 turns logging on through the same redaction point", async () => {
    server = await startServer((_req, res) => sendXml(res, 200, loginResponse));
    transport = createTransport({ url: server.url });
    const lines: string[] = [];
    const saved = process.env.TSVMOMI_TRACE;
    process.env.TSVMOMI_TRACE = "1";
    let handler: ReturnType<ReturnType<typeof trace>>;
    try {
      handler = trace({ write: (l) => void lines.push(l) })(transportHandler(transport));
    } finally {
      if (saved === undefined) delete process.env.TSVMOMI_TRACE;
      else process.env.TSVMOMI_TRACE = saved;
    }
    await (await handler({ method: "Login", soapAction: "urn:vim25/8.0.2.0", body: loginBody })).body.text();
    expect(lines.join("\n")).toContain("Login");
    expect(lines.join("\n")).toContain("administrator@vsphere.local");
    expect(lines.join("\n")).not.toContain("pa55");
  });

  it("publishes failures with a redacted message and rethrows them", async () => {
    server = await startServer((_req, res) => sendXml(res, 503, "<x/>"));
    transport = createTransport({ url: server.url });
    const seen: Array<{ error?: { code?: string } }> = [];
    const onMessage = (m: unknown) => void seen.push(m as { error?: { code?: string } });
    subscribe(TRACE_RESPONSE_CHANNEL, onMessage);
    try {
      const handler = trace({ log: false })(transportHandler(transport));
      await expect(handler({ method: "CurrentTime", soapAction: "urn:vim25/8.0.2.0", body: "<x/>" })).rejects.toMatchObject({ status: 503 });
    } finally {
      unsubscribe(TRACE_RESPONSE_CHANNEL, onMessage);
    }
    expect(seen[0]?.error?.code).toBe("TSVMOMI_ERR_HTTP_STATUS");
  });
});

describe("redact", () => {
  it("blanks secret elements, nested content and prefixed names included; keeps the rest", () => {
    const xml =
      "<userName>root</userName><password>hunter2</password><vim:samlToken>tok1</vim:samlToken>" +
      '<base64Token xsi:type="xsd:string">tok2</base64Token><cloneTicket>tick</cloneTicket><sessionID>sid</sessionID>' +
      "<adminPassword><value>win-pass</value><plainText>true</plainText></adminPassword><key>52a1</key>";
    const out = redact(xml);
    for (const secret of ["hunter2", "tok1", "tok2", "tick", ">sid<", "win-pass"]) expect(out).not.toContain(secret);
    expect(out).toContain("<userName>root</userName>");
    expect(out).toContain("<key>52a1</key>");
    expect(out).toContain('<base64Token xsi:type="xsd:string">');
  });

  it("redacts a secret whose closing tag was cut off, and cookie text anywhere", () => {
    expect(redact("<password>trunc")).not.toContain("trunc");
    expect(redact('fault: Cookie vmware_soap_session="abc123"; Path=/')).not.toContain("abc123");
    expect(redact("vmware_soap_session=abc123")).not.toContain("abc123");
  });

  it("blanks secret headers whatever their case", () => {
    const h = redactHeaders({ Cookie: "a=1", "SET-COOKIE": ["b=2"], Authorization: "x", "content-type": "text/xml" });
    expect(JSON.stringify(h)).not.toMatch(/a=1|b=2|"x"/);
    expect(h["content-type"]).toBe("text/xml");
  });
});

describe("cookie", () => {
  it("finds the session cookie among several Set-Cookie lines and keeps its quotes", () => {
    const lines = ["other=1; Path=/", `vmware_soap_session=${COOKIE}; Path=/; HttpOnly; Secure;`];
    expect(sessionCookie(lines)).toBe(COOKIE);
    expect(sessionCookie("vmware_soap_session=gone; Max-Age=0")).toBeUndefined();
    expect(sessionCookie(undefined)).toBeUndefined();
    expect(parseSetCookies(lines)[1]).toMatchObject({ path: "/", httpOnly: true, secure: true });
  });

  it("formats a Cookie header and never shows a value when inspected", () => {
    expect(formatCookieHeader({ vmware_soap_session: COOKIE })).toBe(`vmware_soap_session=${COOKIE}`);
    expect(formatCookieHeader([{ name: "a", value: "1" }, { name: "b", value: "2" }])).toBe("a=1; b=2");
    const [c] = parseSetCookies(`vmware_soap_session=${COOKIE}`);
    expect(inspect(c)).not.toContain(COOKIE.slice(1, -1));
  });
});
