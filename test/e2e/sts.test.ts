// vCenter SSO against govmomi's simulator with its STS registered
// (test/vcsim/main.go imports sts/simulator): discovery, Issue (bearer and
// holder-of-key), Renew, LoginByToken, connect's `auth: { kind: "sso" }`
// and re-login with a fresh token. What left the client is recorded by a
// forwarding proxy and its signatures checked with xmlsec1, an independent
// implementation (the simulator does not verify signatures).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import {
  connect,
  subscribeTrace,
  SamlToken,
  SigningKey,
  StsClient,
  startTokenRenewal,
  TokenExpiredError,
  SessionError,
  type Client,
} from "../../runtime/index.js";
import { schemas, ServiceInstance, SessionManager } from "../support/bindings.js";
import { makeKeyPair, xmlsecVerify, type TestKeyPair } from "../fixtures/sts/keys.js";
import { startRecorder, type Recorder } from "../fixtures/sts/recorder.js";

type Bindings = typeof schemas;
const STS_PATH = "/sts/STSService/vsphere.local";

describe("SSO STS against vcsim", () => {
  let sim: Vcsim; // https, for discovery and the TLS-pinned paths
  let plain: Vcsim; // http, behind the recording proxy
  let rec: Recorder;
  let pair: TestKeyPair;
  let key: SigningKey;
  let admin: Client<Bindings>;

  beforeAll(async () => {
    [sim, plain] = await Promise.all([startVcsim({ vm: 0, host: 1 }), startVcsim({ vm: 0, host: 1, tls: false })]);
    rec = await startRecorder(new URL(plain.url).origin);
    pair = makeKeyPair("tsvmomi-e2e-solution-user");
    key = SigningKey.from(pair.certificate, pair.privateKey);
    admin = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, username: "admin", password: "pass", keepAlive: false });
  });
  afterAll(async () => {
    await admin?.close();
    await rec?.close();
    await Promise.all([sim?.stop(), plain?.stop()]);
  });

  it("discovers the STS: from the Lookup Service before login, the config.vpxd.sso.sts.uri setting after", async () => {
    await using c = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, keepAlive: false });
    const methods: string[] = [];
    const stop = subscribeTrace({ onRequest: (m) => methods.push(m.method) });
    const before = await c.discoverSts().finally(stop);
    expect(before).toEqual({ url: `${new URL(sim.url).origin}${STS_PATH}`, source: "lookup" });
    expect(methods).toEqual(["QueryOptions", "Lookup RetrieveServiceContent", "Lookup List"]);
    const after = await admin.discoverSts();
    expect(after.source).toBe("setting");
    expect(new URL(after.url).pathname).toBe(STS_PATH);
    expect(new URL(after.url).host).toBe(new URL(sim.url).host); // vcsim rewrites the setting to its own address
  });

  it("issues a bearer token with a password, renews it, and logs in with it", async () => {
    const sts = await admin.stsClient();
    const token = await sts.issue({ username: "user@vsphere.local", password: "Secret-pass-1", lifetime: 120_000, renewable: true });
    expect(token).toBeInstanceOf(SamlToken);
    expect(token.subject).toBe("Administrator@VSPHERE.LOCAL"); // the simulator's fixed assertion
    expect(token.confirmation).toBe("bearer");
    expect(token.expires!.getTime()).toBeGreaterThan(Date.now());
    expect(token.toXml()).toMatch(/^<saml2:Assertion [^>]*xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"/);
    expect(JSON.stringify(token)).not.toContain("SignatureValue");

    const renewed = await sts.renew(token, { username: "user@vsphere.local", password: "Secret-pass-1" });
    expect(renewed.id).toBe(token.id);
    expect(renewed.expires!.getTime()).toBeGreaterThanOrEqual(token.expires!.getTime());

    await using c = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, keepAlive: false });
    const session = await c.loginByToken(renewed);
    expect(session.userName).toBe("Administrator@VSPHERE.LOCAL");
    expect(await c.call(ServiceInstance.CurrentTime, c.serviceInstance)).toBeInstanceOf(Date);
  });

  it("holder-of-key: Issue, Renew and LoginByToken are signed with the solution user's key (checked by xmlsec1)", async () => {
    rec.requests.length = 0;
    const sts = new StsClient({ url: `${rec.origin}${STS_PATH}` });
    try {
      const token = await sts.issue({ signingKey: key, renewable: true, delegatable: true, lifetime: 300_000 });
      const renewed = await sts.renew(token, { signingKey: key });
      await using c = await connect({ url: `${rec.origin}/sdk`, bindings: schemas, keepAlive: false });
      const session = await c.loginByToken(renewed, { signingKey: key });
      expect(session.userName).toBe("Administrator@VSPHERE.LOCAL");
    } finally {
      await sts.close();
    }
    const issue = rec.requests.find((r) => r.soapAction.endsWith("/RST/Issue"))!;
    const renew = rec.requests.find((r) => r.soapAction.endsWith("/RST/Renew"))!;
    const login = rec.requests.find((r) => r.body.includes("<LoginByToken"))!;
    for (const r of [issue, renew, login]) {
      const v = xmlsecVerify(r.body, pair.certFile);
      expect(v.output).toContain("SignedInfo References (ok/all): 2/2");
      expect(v.ok, v.output).toBe(true);
    }
    // What vCenter needs to see: the certificate and the key type in Issue, the token renewed in Renew,
    // and in LoginByToken the token itself with a signature naming it by ID.
    expect(issue.body).toContain(key.certificateBase64);
    expect(issue.body).toContain("<KeyType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/PublicKey</KeyType>");
    expect(issue.body).toMatch(/<UseKey Sig="(_[\w-]+)"><\/UseKey>[\s\S]*<ds:Signature xmlns:ds="[^"]+" Id="\1">|<ds:Signature xmlns:ds="[^"]+" Id="(_[\w-]+)">[\s\S]*<UseKey Sig="\2">/);
    expect(renew.body).toMatch(/<RenewTarget><saml2:Assertion /);
    expect(login.body).toMatch(/<wsse:KeyIdentifier ValueType="[^"]+#SAMLID">_1881a9ba-4a76-4baa-839b-36e2cba10743<\/wsse:KeyIdentifier>/);
    expect(login.body).toMatch(/<wsse:Security [^>]*><wsu:Timestamp [^>]*>[\s\S]*<\/wsu:Timestamp><saml2:Assertion /);

    // Tampering with the signed body (or the timestamp) of the recorded LoginByToken breaks the signature.
    const tampered = login.body.replace("<_this type=\"SessionManager\">SessionManager</_this>", "<_this type=\"SessionManager\">SessionManagerX</_this>");
    expect(tampered).not.toBe(login.body);
    expect(xmlsecVerify(tampered, pair.certFile).ok).toBe(false);
    const lateStamp = login.body.replace(/<wsu:Expires>[^<]+<\/wsu:Expires>/, "<wsu:Expires>2099-01-01T00:00:00.000Z</wsu:Expires>");
    expect(xmlsecVerify(lateStamp, pair.certFile).ok).toBe(false);
    // And another certificate does not verify it.
    expect(xmlsecVerify(login.body, makeKeyPair("someone-else").certFile).ok).toBe(false);
  });

  it("connect({ auth: { kind: 'sso', certificate, privateKey } }) logs in; a lost session issues a fresh token, once for all callers", async () => {
    const methods: string[] = [];
    const stop = subscribeTrace({ onRequest: (m) => methods.push(m.method) });
    try {
      await using c = await connect({
        url: sim.url,
        bindings: schemas,
        thumbprint: sim.thumbprint,
        keepAlive: false,
        auth: { kind: "sso", certificate: pair.certificate, privateKey: pair.privateKey },
      });
      expect(c.loggedIn).toBe(true);
      expect(methods.filter((m) => m === "STS Issue")).toHaveLength(1);
      expect(methods.filter((m) => m === "LoginByToken")).toHaveLength(1);

      await admin.call(SessionManager.TerminateSession, admin.serviceContent.sessionManager!, { sessionId: [c.userSession!.key] });
      methods.length = 0;
      const times = await Promise.all(Array.from({ length: 20 }, () => c.call(ServiceInstance.CurrentTime, c.serviceInstance)));
      expect(times.every((t) => t instanceof Date)).toBe(true);
      expect(methods.filter((m) => m === "STS Issue")).toHaveLength(1);
      expect(methods.filter((m) => m === "LoginByToken")).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it("with a session cache, a second SSO connect reuses the session: no token issued, no LoginByToken", async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const dir = await mkdtemp(`${tmpdir()}/tsvmomi-sts-cache-`);
    const methods: string[] = [];
    const stop = subscribeTrace({ onRequest: (m) => methods.push(m.method) });
    try {
      const auth = { kind: "sso", certificate: pair.certificate, privateKey: pair.privateKey } as const;
      const open = () => connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, keepAlive: false, auth, sessionCache: `${dir}/sessions.json` });
      const first = await open();
      const key = first.userSession!.key;
      await first[Symbol.asyncDispose](); // keeps the cached session alive
      methods.length = 0;
      await using second = await open();
      expect(second.loggedIn).toBe(true);
      expect(second.userSession?.key).toBe(key);
      expect(methods).not.toContain("STS Issue");
      expect(methods).not.toContain("LoginByToken");
    } finally {
      stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("connect({ auth: { kind: 'sso', username, password } }) logs in with a bearer token from the discovered STS", async () => {
    await using c = await connect({
      url: sim.url,
      bindings: schemas,
      thumbprint: sim.thumbprint,
      keepAlive: false,
      auth: { kind: "sso", username: "user@vsphere.local", password: "Secret-pass-1" },
    });
    expect(c.userSession?.userName).toBe("Administrator@VSPHERE.LOCAL");

    // The same after connecting, on a client that is not logged in yet.
    await using later = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, keepAlive: false });
    expect(later.loggedIn).toBe(false);
    const session = await later.loginBySso({ kind: "sso", username: "user@vsphere.local", password: "Secret-pass-1" });
    expect(session.userName).toBe("Administrator@VSPHERE.LOCAL");
    expect(later.loggedIn).toBe(true);
  });

  it("a failed SSO login fails connect with the STS fault and leaves no STS connection open", async () => {
    const sts = await startRecorder();
    try {
      sts.respond(
        "/Issue",
        500,
        `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault><faultcode>ns0:FailedAuthentication</faultcode><faultstring>bad credentials</faultstring></S:Fault></S:Body></S:Envelope>`,
      );
      const err = await connect({
        url: sim.url,
        bindings: schemas,
        thumbprint: sim.thumbprint,
        keepAlive: false,
        auth: { kind: "sso", username: "u", password: "wrong", stsUrl: `${sts.origin}${STS_PATH}` },
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: "StsFaultError", faultName: "FailedAuthentication", code: "TSVMOMI_ERR_STS_FAULT" });
      expect(sts.requests).toHaveLength(1);
      for (let i = 0; i < 200 && sts.openConnections() > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(sts.openConnections()).toBe(0);
    } finally {
      await sts.close();
    }
  });

  it("an expired token is refused before sending: LoginByToken, Renew, and re-login with a kept token", async () => {
    const sts = await admin.stsClient();
    const fresh = await sts.issue({ username: "u", password: "p" });
    const expired = SamlToken.parse(fresh.toXml(), { expires: new Date(Date.now() - 1000) });
    // The session ends unrecoverable, so dispose's logout fails: expected, not worth a warning.
    await using c = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, keepAlive: false, logger: { warn: () => undefined } });
    const methods: string[] = [];
    const stop = subscribeTrace({ onRequest: (m) => methods.push(m.method) });
    try {
      await expect(c.loginByToken(expired)).rejects.toBeInstanceOf(TokenExpiredError);
      await expect(sts.renew(expired, { username: "u", password: "p" })).rejects.toMatchObject({ code: "TSVMOMI_ERR_TOKEN_EXPIRED", operation: "Renew" });
      expect(methods).toEqual([]);
    } finally {
      stop();
    }

    // A token that expires while the session lives: the re-login it would need fails with a typed cause.
    const shortLived = SamlToken.parse(fresh.toXml(), { expires: new Date(Date.now() + 60_000) });
    await c.loginByToken(shortLived);
    Object.defineProperty(shortLived, "expires", { value: new Date(Date.now() - 1) });
    await admin.call(SessionManager.TerminateSession, admin.serviceContent.sessionManager!, { sessionId: [c.userSession!.key] });
    const err = await c.call(ServiceInstance.CurrentTime, c.serviceInstance).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect((err as Error).cause).toBeInstanceOf(TokenExpiredError);
  });

  it("startTokenRenewal renews a holder-of-key token before it expires", async () => {
    const sts = new StsClient({ url: `${new URL(sim.url).origin}${STS_PATH}`, thumbprint: sim.thumbprint });
    try {
      const token = await sts.issue({ signingKey: key, renewable: true });
      // vcsim grants 5 minutes; renewing 10 minutes ahead means "now".
      const renewed = await new Promise<SamlToken>((resolve, reject) => {
        const onRenew = (t: SamlToken) => {
          r.stop();
          resolve(t);
        };
        const r = startTokenRenewal({ sts, token, signingKey: key, renewBefore: 600_000, onRenew, onError: reject });
      });
      expect(renewed).toBeInstanceOf(SamlToken);
      expect(renewed.expires!.getTime()).toBeGreaterThan(Date.now());
    } finally {
      await sts.close();
    }
  });
});
