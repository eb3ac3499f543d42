// Secrets against vcsim, through the fault proxy (which sees the plaintext, so
// the cookie values checked for are the ones really sent on the wire). With
// every output channel captured — the trace channel, TSVMOMI_TRACE=1 on
// stderr, the logger, process warnings, error messages and util.inspect of
// errors — the password, the session cookies and a SAML token never appear.
// Plus: the session cache is 0600 and a looser one is refused; TLS is
// verified unless turned off, and turning it off warns exactly once.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connect, SessionCacheError, StsKeyError, subscribeTrace, TlsError, type Client } from "../../runtime/index.js";
import { makeKeyPair } from "../fixtures/sts/keys.js";
import { PropertyCollector, ServiceInstance, SessionManager, schemas } from "../support/bindings.js";
import { hasOpenssl, makeCerts, type TestCerts } from "../fixtures/transport/server.js";
import { startFaultProxy, type FaultProxy } from "../faults/fault-proxy.js";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { describeIf } from "../support/skip.js";

type Bindings = typeof schemas;
const USER = "secrets-user";
const PASSWORD = "Pw-secrets-Zebra-5150";
const TOKEN = "SAMLTOKEN-Quokka-8c1f2e";

let sim: Vcsim;
let certs: TestCerts;
let proxy: FaultProxy;
let dir: string;

function errorTexts(err: unknown): string[] {
  return [String(err), (err as Error)?.message ?? "", inspect(err, { depth: 10, showHidden: true }), JSON.stringify(err) ?? ""];
}

/** Every `vmware_soap_session` value the server set, read from the responses the proxy forwarded. */
function wireCookies(): string[] {
  const out = new Set<string>();
  for (const e of proxy.exchanges()) {
    for (const [k, v] of e.responseHeaders ?? []) {
      if (k !== "set-cookie") continue;
      const m = /vmware_soap_session=("?)([^";]+)\1/.exec(v);
      if (m) out.add(m[2]!);
    }
  }
  return [...out];
}

describeIf(hasOpenssl, "openssl is not on PATH (it makes the test certificates)")("secrets", () => {
  beforeAll(async () => {
    certs = makeCerts();
    sim = await startVcsim({ username: USER, password: PASSWORD });
    proxy = await startFaultProxy({ upstream: sim.url, upstreamCa: sim.certificatePem, tls: { key: certs.keyPem, cert: certs.certPem } });
    dir = mkdtempSync(join(tmpdir(), "tsvmomi-secrets-"));
  });
  afterAll(async () => {
    await proxy?.close();
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("no password, cookie or token in traces, stderr, logs, warnings, errors or inspect", async () => {
    const captured: string[] = [];
    const push = (s: string) => captured.push(s);
    const logger = { warn: push, debug: push };
    const stopTrace = subscribeTrace({ onRequest: (m) => push(JSON.stringify(m)), onResponse: (m) => push(JSON.stringify(m)) });
    const onWarning = (w: Error) => push(`${w.name}: ${w.message}`);
    process.on("warning", onWarning);
    const env = process.env.TSVMOMI_TRACE;
    process.env.TSVMOMI_TRACE = "1";
    const realWrite = process.stderr.write.bind(process.stderr);
    // The default TSVMOMI_TRACE writer goes to stderr: capture it there rather than through an option.
    process.stderr.write = ((chunk: string | Uint8Array) => {
      push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    }) as typeof process.stderr.write;
    const clients: Client<Bindings>[] = [];
    const open = (extra: Record<string, unknown> = {}) =>
      connect({ url: proxy.url, bindings: schemas, thumbprint: certs.thumbprint, keepAlive: false, logger, retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...extra }).then((c) => {
        clients.push(c);
        return c;
      });
    try {
      // A failing login.
      errorTexts(await open({ username: USER, password: `${PASSWORD}-wrong` }).catch((e: unknown) => e)).forEach(push);

      // A successful one, some calls, then the session terminated elsewhere and restored by a re-login.
      const c = await open({ username: USER, password: PASSWORD });
      await c.call(ServiceInstance.CurrentTime, c.serviceInstance);
      const admin = await open({ username: USER, password: PASSWORD });
      await admin.call(SessionManager.TerminateSession, admin.serviceContent.sessionManager!, { sessionId: [c.userSession!.key] });
      await c.call(ServiceInstance.CurrentTime, c.serviceInstance);
      push(inspect(c, { depth: 10, showHidden: true }));

      // LoginByToken with a fake assertion carrying a distinctive token string.
      const t = await open();
      // The token's secret part is its signature; the subject is a user name (vcsim logs in as it), which is not secret.
      const assertion =
        `<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1"><saml2:Subject><saml2:NameID>token-user</saml2:NameID></saml2:Subject>` +
        `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue>${TOKEN}</ds:SignatureValue></ds:Signature></saml2:Assertion>`;
      await t.loginByToken(assertion).catch((e: unknown) => errorTexts(e).forEach(push));

      // Errors from the proxy, including a hostile gateway echoing the whole request (cookie header, password) back.
      proxy.inject({ kind: "http-status", status: 502, method: "Login", body: (req) => req, count: 1 });
      errorTexts(await open({ username: USER, password: PASSWORD }).catch((e: unknown) => e)).forEach(push);
      proxy.inject({ kind: "http-status", status: 503, method: "RetrievePropertiesEx", body: (req) => req, count: 10 });
      errorTexts(
        await c
          .call(PropertyCollector.RetrievePropertiesEx, c.serviceContent.propertyCollector, {
            specSet: [{ _typeName: "PropertyFilterSpec", propSet: [{ _typeName: "PropertySpec", type: "Folder", pathSet: ["name"] }], objectSet: [{ _typeName: "ObjectSpec", obj: c.serviceContent.rootFolder }] }],
            options: { _typeName: "RetrieveOptions" },
          })
          .catch((e: unknown) => e),
      ).forEach(push);
      proxy.inject({ kind: "reset", method: "CurrentTime", count: 10 });
      errorTexts(await c.call(ServiceInstance.CurrentTime, c.serviceInstance).catch((e: unknown) => e)).forEach(push);
      proxy.clear();
    } finally {
      process.stderr.write = realWrite;
      stopTrace();
      process.off("warning", onWarning);
      if (env === undefined) delete process.env.TSVMOMI_TRACE;
      else process.env.TSVMOMI_TRACE = env;
      proxy.clear();
      for (const c of clients) await c.close();
    }

    const all = captured.join("\n");
    // The capture saw what it should have: stderr trace lines, the logins and the echoed excerpts.
    expect(all).toMatch(/\[tsvmomi #\d+\] -> Login/);
    expect(all).toContain("LoginByToken");
    expect(all).toContain("HTTP 502");
    expect(all).toContain("NotAuthenticated");
    const cookies = wireCookies();
    // Initial logins, the re-login and the token login each got a session.
    expect(cookies.length).toBeGreaterThanOrEqual(3);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(TOKEN);
    for (const cookie of cookies) expect(all, "a session cookie value leaked").not.toContain(cookie);
  });

  it("SSO: the password, the private key and the issued tokens never leave through any channel, nor into the session cache", async () => {
    const SSO_PASSWORD = "Sso-Pw-Narwhal-6021";
    // The secret part of the simulator's fixed assertion: its signature value.
    const TOKEN_SIGNATURE = "EKHf14V0CHctwqXRlhYSYNyID5lNJLimbw57eUBm";
    const pair = makeKeyPair("secrets-solution-user");
    const keyLines = pair.privateKey.split("\n").filter((l) => l && !l.startsWith("-----"));
    const cache = join(dir, "sso-sessions.json");
    const captured: string[] = [];
    const push = (s: string) => captured.push(s);
    const logger = { warn: push, debug: push };
    const stopTrace = subscribeTrace({ onRequest: (m) => push(JSON.stringify(m)), onResponse: (m) => push(JSON.stringify(m)) });
    const env = process.env.TSVMOMI_TRACE;
    process.env.TSVMOMI_TRACE = "1";
    const realWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    }) as typeof process.stderr.write;
    const clients: Client<Bindings>[] = [];
    // The STS behind the proxy too (discovery would name vcsim itself, whose certificate the proxy's pin refuses).
    const stsUrl = new URL("/sts/STSService/vsphere.local", proxy.url).href;
    const open = (auth: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      connect({ url: proxy.url, bindings: schemas, thumbprint: certs.thumbprint, keepAlive: false, logger, auth: { kind: "sso", stsUrl, ...auth }, ...extra }).then((c) => {
        clients.push(c);
        return c;
      });
    try {
      // Bearer, with a session cache; then the session is lost and restored with a fresh token.
      const bearer = await open({ username: "sso-user@vsphere.local", password: SSO_PASSWORD }, { sessionCache: cache });
      const admin = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, username: USER, password: PASSWORD, keepAlive: false });
      await admin.call(SessionManager.TerminateSession, admin.serviceContent.sessionManager!, { sessionId: [bearer.userSession!.key] });
      await admin.close();
      await bearer.call(ServiceInstance.CurrentTime, bearer.serviceInstance);
      captured.push(inspect(bearer, { depth: 10, showHidden: true }), JSON.stringify(bearer));

      // Holder-of-key, cached too.
      const hok = await open({ certificate: pair.certificate, privateKey: pair.privateKey }, { sessionCache: cache });
      push(inspect(hok, { depth: 10, showHidden: true }));
      const sts = await hok.stsClient({ url: stsUrl });
      push(inspect(sts, { depth: 10, showHidden: true }));
      const token = await sts.issue({ username: "sso-user@vsphere.local", password: SSO_PASSWORD });
      captured.push(inspect(token, { depth: 10, showHidden: true }), JSON.stringify(token), String(token));

      // A gateway echoing the whole STS request (user name token, password) back as an error page.
      proxy.inject({ kind: "http-status", status: 502, method: "RequestSecurityToken", body: (req) => req, count: 1 });
      errorTexts(await open({ username: "sso-user@vsphere.local", password: SSO_PASSWORD }).catch((e: unknown) => e)).forEach(push);
      // A key that does not match its certificate.
      const other = makeKeyPair("secrets-other");
      const keyErr = await open({ certificate: pair.certificate, privateKey: other.privateKey }).catch((e: unknown) => e);
      expect(keyErr).toBeInstanceOf(StsKeyError);
      errorTexts(keyErr).forEach(push);
    } finally {
      process.stderr.write = realWrite;
      stopTrace();
      if (env === undefined) delete process.env.TSVMOMI_TRACE;
      else process.env.TSVMOMI_TRACE = env;
      proxy.clear();
      for (const c of clients) await c.close();
    }
    const all = captured.join("\n");
    expect(all).toMatch(/-> STS Issue/);
    expect(all).toMatch(/-> LoginByToken/);
    expect(all).toContain("HTTP 502");
    expect(all).not.toContain(SSO_PASSWORD);
    expect(all).not.toContain(TOKEN_SIGNATURE);
    for (const line of keyLines) expect(all, "private key material leaked").not.toContain(line);
    for (const cookie of wireCookies()) expect(all, "a session cookie value leaked").not.toContain(cookie);

    const file = readFileSync(cache, "utf8");
    expect(Object.keys(JSON.parse(file).sessions)).toHaveLength(2); // one bearer, one holder-of-key session
    for (const secret of [SSO_PASSWORD, TOKEN_SIGNATURE, "Assertion", "saml", ...keyLines]) expect(file).not.toContain(secret);
  });

  it("the session cache file is written 0600, and a looser one is refused", async () => {
    const file = join(dir, "sessions.json");
    const c = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, username: USER, password: PASSWORD, keepAlive: false, sessionCache: file });
    await c.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o640);
    const err = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, username: USER, password: PASSWORD, keepAlive: false, sessionCache: file }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SessionCacheError);
    expect((err as Error).message).toContain("0640");
    expect((err as Error).message).not.toContain(PASSWORD);
  });

  it("TLS is verified unless turned off: vcsim's self-signed certificate is refused by default", async () => {
    const err = await connect({ url: sim.url, bindings: schemas, keepAlive: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).reason).toBe("verify");
  });

  it("insecure: true logs exactly one warning, however many connections and calls", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      const c = await connect({ url: sim.url, bindings: schemas, insecure: true, username: USER, password: PASSWORD, keepAlive: false, logger: { warn: (m) => warnings.push(m) } });
      // Parallel calls open several sockets, each with its own handshake.
      await Promise.all(Array.from({ length: 6 }, () => c.call(ServiceInstance.CurrentTime, c.serviceInstance)));
      await c.close();
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/verification is disabled/);
  });
});
