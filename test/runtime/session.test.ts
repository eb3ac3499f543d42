// The session layer over a scripted in-memory transport: single flight by
// session generation, re-login failure and replay caps, faults with HTTP 200
// and 500, and the LoginByToken envelope.
import { describe, expect, it } from "vitest";
import { buildPipeline } from "../../runtime/client/pipeline.js";
import { registryFromTables } from "../../runtime/schema-tables.js";
import { bufferedBody } from "../../runtime/soap/body.js";
import type { PostRequest, Transport, TransportResponse } from "../../runtime/soap/transport.js";
import * as builtin from "../../runtime/session/builtin-methods.js";
import { SessionState } from "../../runtime/session/session-state.js";
import { normalizeAssertion, securityHeader } from "../../runtime/session/saml.js";
import { encodeRequest } from "../../runtime/codec/index.js";

import type { ApiCall } from "../../runtime/session/api-call.js";
import { schemas, faults } from "../support/bindings.js";
import { envelope, faultEnvelope } from "../fixtures/codec/envelope.js";
import { MethodFaultError, SessionError, faultChainOf } from "../../runtime/errors/index.js";

const SI = { type: "ServiceInstance", value: "ServiceInstance" };
const SM = { type: "SessionManager", value: "SessionManager" };
const NOT_AUTH = faultEnvelope("", '<NotAuthenticatedFault xmlns="urn:vim25" xsi:type="NotAuthenticated"><object type="ServiceInstance">ServiceInstance</object><privilegeId>System.View</privilegeId></NotAuthenticatedFault>');
const INVALID_LOGIN = faultEnvelope("Cannot complete login due to an incorrect user name or password.", '<InvalidLoginFault xmlns="urn:vim25" xsi:type="InvalidLogin"></InvalidLoginFault>');
const TIME = envelope("CurrentTime", "<returnval>2024-05-01T10:00:00Z</returnval>");
const LOGIN_OK = envelope("Login", "<returnval><key>k</key><userName>u</userName><fullName>u</fullName><loginTime>2024-05-01T10:00:00Z</loginTime><lastActiveTime>2024-05-01T10:00:00Z</lastActiveTime><locale>en</locale><messageLocale>en</messageLocale><extensionSession>false</extensionSession><ipAddress>127.0.0.1</ipAddress><userAgent>t</userAgent><callCount>1</callCount></returnval>");

type Reply = { status?: number; body: string; cookie?: string };

/** A transport that answers from `reply`, recording each request; replies resolve on the next macrotask so calls interleave. */
function scripted(reply: (req: PostRequest, n: number) => Reply | Promise<Reply>) {
  const requests: PostRequest[] = [];
  const transport: Transport = {
    origin: "https://vc.test",
    host: "vc.test:443",
    async post(sent) {
      // As the real transport does: send-time headers (the cookie) are read when the request leaves.
      let late = sent.sendTimeHeaders?.();
      while (late instanceof Promise) {
        await late;
        late = sent.sendTimeHeaders?.();
      }
      const req: PostRequest = { ...sent, headers: { ...sent.headers, ...late } };
      requests.push(req);
      const r = await reply(req, requests.length);
      await new Promise((res) => setImmediate(res));
      const res: TransportResponse = {
        status: r.status ?? (r.body.includes("<soapenv:Fault>") ? 500 : 200),
        headers: r.cookie ? { "set-cookie": `vmware_soap_session="${r.cookie}"; Path=/; HttpOnly` } : {},
        body: bufferedBody(new TextEncoder().encode(r.body)),
      };
      return res;
    },
    get: () => Promise.reject(new Error("unused")),
    close: async () => undefined,
    [Symbol.asyncDispose]: async () => undefined,
  };
  return { transport, requests };
}

function pipeline(transport: Transport, state: SessionState) {
  const registry = registryFromTables(schemas);
  const handler = buildPipeline({
    registry,
    transport,
    state,
    soapAction: "urn:vim25/6.5",
    path: "/sdk",
    retry: { attempts: 1 },
    isNotAuthenticated: (e) => e instanceof MethodFaultError && e.faultChain.includes("NotAuthenticated"),
  });
  const time = (): Promise<unknown> => handler({ schema: builtin.CurrentTime, method: "CurrentTime", args: { _this: SI }, safe: true });
  const login = (password: string) => (): Promise<void> =>
    handler({ schema: builtin.Login, method: "Login", args: { _this: SM, userName: "u", password }, safe: false, recover: false } satisfies ApiCall).then(() => undefined);
  return { handler, time, login };
}

const cookieOf = (req: PostRequest) => /vmware_soap_session="([^"]*)"/.exec(req.headers?.cookie ?? "")?.[1];

describe("session layer", () => {
  it("a NotAuthenticated that arrives after another call already logged in again only replays", async () => {
    const state = new SessionState();
    let session = "s1";
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { transport, requests } = scripted(async (req) => {
      if (req.method === "Login") {
        session = "s2";
        return { body: LOGIN_OK, cookie: "s2" };
      }
      // The first request on the old session is held back until the re-login finished.
      if (cookieOf(req) === "s1" && requests.filter((r) => r.method === "CurrentTime").length === 1) await gate;
      return { body: cookieOf(req) === session ? TIME : NOT_AUTH };
    });
    state.setCookie(`"s1"`);
    session = "dead";
    const p = pipeline(transport, state);
    state.arm(p.login("pw"));
    const slow = p.time();
    await new Promise((r) => setTimeout(r, 5));
    await expect(p.time()).resolves.toBeInstanceOf(Date); // fails, logs in, replays
    release();
    await expect(slow).resolves.toBeInstanceOf(Date); // fails under the old generation: replay only
    expect(requests.filter((r) => r.method === "Login")).toHaveLength(1);
    expect(state.relogins).toBe(1);
  });

  it("concurrent NotAuthenticated faults share one re-login", async () => {
    const state = new SessionState();
    let session = "gone";
    const { transport, requests } = scripted((req) => {
      if (req.method === "Login") {
        session = `s${requests.length}`;
        return { body: LOGIN_OK, cookie: session };
      }
      return { body: cookieOf(req) === session ? TIME : NOT_AUTH };
    });
    state.setCookie(`"old"`);
    const p = pipeline(transport, state);
    state.arm(p.login("pw"));
    const results = await Promise.all(Array.from({ length: 50 }, () => p.time()));
    expect(results.every((r) => r instanceof Date)).toBe(true);
    expect(requests.filter((r) => r.method === "Login")).toHaveLength(1);
  });

  it("a failed re-login is a SessionError carrying the InvalidLogin, without the password", async () => {
    const state = new SessionState();
    const { transport, requests } = scripted((req) => ({ body: req.method === "Login" ? INVALID_LOGIN : NOT_AUTH }));
    state.setCookie(`"old"`);
    const p = pipeline(transport, state);
    state.arm(p.login("the-Secret-pw"));
    const err = await p.time().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect((err as SessionError).cause).toBeInstanceOf(faults.InvalidLogin);
    expect((err as Error).message).toContain("CurrentTime");
    expect(`${(err as Error).message} ${JSON.stringify(err)}`).not.toContain("the-Secret-pw");
    // One refused call, one Login, no replay (there is no session to replay on), and nothing more.
    expect(requests.map((r) => r.method)).toEqual(["CurrentTime", "Login"]);
  });

  it("a replay refused again is not retried in a loop", async () => {
    const state = new SessionState();
    const { transport, requests } = scripted((req) => (req.method === "Login" ? { body: LOGIN_OK, cookie: `n${requests.length}` } : { body: NOT_AUTH }));
    state.setCookie(`"old"`);
    const p = pipeline(transport, state);
    state.arm(p.login("pw"));
    const err = await p.time().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect((err as SessionError).cause).toBeInstanceOf(faults.NotAuthenticated);
    expect(requests.map((r) => r.method)).toEqual(["CurrentTime", "Login", "CurrentTime"]);
  });

  it("without armed credentials NotAuthenticated passes through unchanged", async () => {
    const { transport, requests } = scripted(() => ({ body: NOT_AUTH }));
    const err = await pipeline(transport, new SessionState()).time().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(faults.NotAuthenticated);
    expect(err).toBeInstanceOf(faults.NoPermission);
    expect(requests).toHaveLength(1);
  });

  it("faults decode the same with HTTP 500 and HTTP 200", async () => {
    for (const status of [500, 200]) {
      const { transport } = scripted(() => ({ status, body: INVALID_LOGIN }));
      const err = await pipeline(transport, new SessionState()).login("pw")().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(faults.InvalidLogin);
      expect((err as MethodFaultError).serverMessage).toContain("incorrect user name");
      expect((err as MethodFaultError).faultChain).toEqual(["InvalidLogin", "VimFault", "MethodFault"]);
    }
  });

  it("sends the cookie it was given and the negotiated SOAPAction", async () => {
    const state = new SessionState();
    state.setCookie(`"abc"`);
    const { transport, requests } = scripted(() => ({ body: TIME }));
    await pipeline(transport, state).time();
    expect(cookieOf(requests[0]!)).toBe("abc");
    expect(requests[0]!.soapAction).toBe("urn:vim25/6.5");
  });
});

describe("fault chains", () => {
  const registry = registryFromTables(schemas);
  it("walks the bases up to MethodFault", () => {
    // NotAuthenticated → NoPermission → SecurityError → RuntimeFault → MethodFault, per the WSDL's extension bases.
    const chain = faultChainOf(registry, { typeName: "NotAuthenticated", fields: { _typeName: "NotAuthenticated" }, message: "", faultCode: "", method: "m" });
    expect(chain).toEqual(["NotAuthenticated", "NoPermission", "SecurityError", "RuntimeFault", "MethodFault"]);
  });
  it("an unknown fault type still ends in MethodFault; no detail gives an empty chain", () => {
    expect(faultChainOf(registry, { typeName: "FutureFault", fields: undefined, message: "", faultCode: "", method: "m" })).toEqual(["FutureFault", "MethodFault"]);
    expect(faultChainOf(registry, { typeName: "", fields: undefined, message: "x", faultCode: "Client", method: "m" })).toEqual([]);
  });
});

describe("LoginByToken envelope", () => {
  const assertion = '<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a"><saml2:Subject><saml2:NameID>alice</saml2:NameID></saml2:Subject></saml2:Assertion>';

  it("puts the assertion verbatim in wsse:Security with a timestamp, in the SOAP header", () => {
    const registry = registryFromTables(schemas);
    const now = new Date("2024-05-01T10:00:00.123Z");
    const xml = encodeRequest(registry, builtin.LoginByToken, { _this: SM }, { headers: securityHeader(`<?xml version="1.0"?>\n${assertion}`, now) });
    const header = /<soapenv:Header>([\s\S]*)<\/soapenv:Header>/.exec(xml)?.[1] ?? "";
    expect(header.startsWith('<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"')).toBe(true);
    expect(header).toContain("<wsu:Created>2024-05-01T10:00:00.123Z</wsu:Created>");
    expect(header).toContain("<wsu:Expires>2024-05-01T10:05:00.123Z</wsu:Expires>");
    expect(header).toContain(`</wsu:Timestamp>${assertion}</wsse:Security>`);
    expect(xml.indexOf("</soapenv:Header>")).toBeLessThan(xml.indexOf("<soapenv:Body>"));
    expect(xml).toContain('<LoginByToken xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this></LoginByToken>');
  });

  it("rejects something that is not an assertion, without echoing it", () => {
    expect(() => normalizeAssertion("hunter2-token")).toThrow(/Assertion/);
    expect(() => normalizeAssertion("hunter2-token")).not.toThrow(/hunter2/);
    expect(() => normalizeAssertion("<saml2:Assertion>unterminated")).toThrow(TypeError);
  });
});
