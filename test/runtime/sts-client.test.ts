// The STS client against a canned local server: request shapes, every kind of
// bad answer (each a typed error that quotes no secret), unusable keys, and
// renewal failures. The happy paths against vcsim are in test/e2e/sts.test.ts.
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ClientError,
  SamlToken,
  SigningKey,
  StsClient,
  StsError,
  StsFaultError,
  StsKeyError,
  StsResponseError,
  TokenExpiredError,
  TokenRenewError,
  NotXmlError,
  startTokenRenewal,
  MAX_STS_RESPONSE_BYTES,
  discoverStsUrl,
} from "../../runtime/index.js";
import { makeKeyPair, xmlsecVerify, type TestKeyPair } from "../fixtures/sts/keys.js";
import { startRecorder, type Recorder } from "../fixtures/sts/recorder.js";

const PATH = "/sts/STSService/vsphere.local";
const TOKEN_SECRET = "SignatureValueSecret0123456789";
const PASSWORD = "Sso-Password-Secret-42";
const assertion = (id = "_tok1", method = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key") =>
  `<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" IssueInstant="2026-01-01T00:00:00Z" Version="2.0">` +
  `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue>${TOKEN_SECRET}</ds:SignatureValue></ds:Signature>` +
  `<saml2:Subject><saml2:NameID>svc@vsphere.local</saml2:NameID><saml2:SubjectConfirmation Method="${method}"/></saml2:Subject></saml2:Assertion>`;
const rstr = (inner: string, lifetime = true) =>
  `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><wst:RequestSecurityTokenResponseCollection xmlns:wst="http://docs.oasis-open.org/ws-sx/ws-trust/200512">` +
  `<wst:RequestSecurityTokenResponse><wst:RequestedSecurityToken>${inner}</wst:RequestedSecurityToken>` +
  (lifetime
    ? `<wst:Lifetime><wsu:Created xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${new Date().toISOString()}</wsu:Created>` +
      `<wsu:Expires xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${new Date(Date.now() + 600_000).toISOString()}</wsu:Expires></wst:Lifetime>`
    : "") +
  `</wst:RequestSecurityTokenResponse></wst:RequestSecurityTokenResponseCollection></S:Body></S:Envelope>`;
const fault = (code: string, text: string) =>
  `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault xmlns:ns0="http://docs.oasis-open.org/ws-sx/ws-trust/200512">` +
  `<faultcode>${code}</faultcode><faultstring>${text}</faultstring></S:Fault></S:Body></S:Envelope>`;

/** Every text an error exposes: message, cause chain, inspect, JSON. */
function texts(err: unknown): string {
  const out: string[] = [];
  for (let e: unknown = err, i = 0; e && i < 8; e = (e as { cause?: unknown }).cause, i++) {
    out.push(String(e), inspect(e, { depth: 6 }), JSON.stringify(e) ?? "");
  }
  return out.join("\n");
}

describe("STS client against a canned server", () => {
  let srv: Recorder;
  let sts: StsClient;
  let pair: TestKeyPair;
  let key: SigningKey;

  beforeAll(async () => {
    srv = await startRecorder();
    sts = new StsClient({ url: `${srv.origin}${PATH}` });
    pair = makeKeyPair();
    key = SigningKey.from(pair.certificate, pair.privateKey);
  });
  afterAll(async () => {
    await sts?.close();
    await srv?.close();
  });

  it("a bearer Issue carries the user name token, asks for a Bearer key type, and is not signed", async () => {
    srv.respond("/Issue", 200, rstr(assertion("_b", "urn:oasis:names:tc:SAML:2.0:cm:bearer")));
    srv.requests.length = 0;
    const token = await sts.issue({ username: "svc@vsphere.local", password: PASSWORD, lifetime: 60_000, delegatable: true, renewable: true, delegateTo: "other@vsphere.local" });
    expect(token.confirmation).toBe("bearer");
    const [req] = srv.requests;
    expect(req!.path).toBe(PATH);
    expect(req!.soapAction).toBe("http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue");
    expect(req!.body).toContain(`<wsse:UsernameToken><wsse:Username>svc@vsphere.local</wsse:Username><wsse:Password>${PASSWORD}</wsse:Password></wsse:UsernameToken>`);
    expect(req!.body).toContain("<KeyType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer</KeyType>");
    expect(req!.body).toContain(`<Renewing Allow="true" OK="false"></Renewing><Delegatable>true</Delegatable>`);
    expect(req!.body).toContain("<wsse:Username>other@vsphere.local</wsse:Username></wsse:UsernameToken></DelegateTo>");
    expect(req!.body).not.toContain("ds:Signature");
    const created = /<wsu:Created [^>]*>([^<]+)</.exec(req!.body)![1]!;
    const expires = /<Lifetime>.*?<wsu:Expires [^>]*>([^<]+)</.exec(req!.body)![1]!;
    expect(Date.parse(expires) - Date.parse(created)).toBe(60_000);
  });

  it("an ActAs Issue embeds the acting token verbatim and signs the request (xmlsec1 verifies it)", async () => {
    srv.respond("/Issue", 200, rstr(assertion("_act")));
    srv.requests.length = 0;
    const actor = SamlToken.parse(assertion("_delegated"));
    await sts.issue({ signingKey: key, actAs: actor });
    const body = srv.requests[0]!.body;
    expect(body).toContain(`<wst:ActAs xmlns:wst="http://docs.oasis-open.org/ws-sx/ws-trust/200802">${actor.toXml()}</wst:ActAs>`);
    expect(xmlsecVerify(body, pair.certFile).ok).toBe(true);
  });

  it("a SOAP fault becomes StsFaultError with the fault name; the server text is redacted", async () => {
    srv.respond("/Issue", 500, fault("ns0:FailedAuthentication", `Authentication failed &lt;wsse:Password&gt;${PASSWORD}&lt;/wsse:Password&gt;`));
    const err = await sts.issue({ username: "svc", password: PASSWORD }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StsFaultError);
    expect(err).toBeInstanceOf(StsError);
    expect(err).toBeInstanceOf(ClientError);
    expect(err).toMatchObject({ code: "TSVMOMI_ERR_STS_FAULT", faultName: "FailedAuthentication", operation: "Issue" });
    expect((err as Error).message).toMatch(/STS Issue at http:\/\/127\.0\.0\.1:\d+\/sts\/STSService\/vsphere\.local: FailedAuthentication: Authentication failed/);
    expect(texts(err)).not.toContain(PASSWORD);
  });

  const malformed: Array<[string, string, RegExp]> = [
    ["not XML at all", "<S:Envelope xmlns:S='http://schemas.xmlsoap.org/soap/envelope/'><S:Body>", /not well-formed XML/],
    ["a non-SOAP document", `<x:Envelope xmlns:x="urn:not-soap"><x:Body/></x:Envelope>`, /expected a SOAP 1\.1 <Envelope>, found <x:Envelope>/],
    ["an empty Body", `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body/></S:Envelope>`, /the Body is empty/],
    ["another element", `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><x:Other xmlns:x="urn:x"/></S:Body></S:Envelope>`, /expected a WS-Trust RequestSecurityTokenResponse, found <x:Other>/],
    ["no token", rstr(""), /holds no SAML 2\.0 <Assertion>/],
    ["a token that is not SAML 2.0", rstr(`<saml1:Assertion xmlns:saml1="urn:oasis:names:tc:SAML:1.0:assertion"/>`), /holds no SAML 2\.0 <Assertion>/],
    ["an unreadable lifetime", rstr(assertion()).replace(/<wsu:Expires ([^>]*)>[^<]+/, "<wsu:Expires $1>next tuesday"), /<Lifetime><Expires> is not a date\/time/],
    ["a DOCTYPE", `<!DOCTYPE S [<!ENTITY x "y">]>${rstr(assertion())}`, /DOCTYPE is not allowed/],
  ];
  for (const [what, body, reason] of malformed) {
    it(`a malformed answer (${what}) is StsResponseError naming what was expected`, async () => {
      srv.respond("/Issue", 200, body);
      const err = await sts.issue({ username: "svc", password: PASSWORD }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StsResponseError);
      expect(err).toMatchObject({ code: "TSVMOMI_ERR_STS_RESPONSE" });
      expect((err as Error).message).toMatch(reason);
      expect(texts(err)).not.toContain(TOKEN_SECRET);
      expect(texts(err)).not.toContain(PASSWORD);
    });
  }

  it("an answer larger than the limit is refused while it streams in", async () => {
    srv.respond("/Issue", 200, rstr(assertion()).replace("<wst:RequestedSecurityToken>", `<wst:RequestedSecurityToken><pad>${"x".repeat(MAX_STS_RESPONSE_BYTES)}</pad>`));
    const err = await sts.issue({ username: "svc", password: PASSWORD }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StsResponseError);
    expect((err as Error).message).toMatch(/larger than 1048576 bytes/);
  });

  it("an HTML error page is a NotXmlError from the transport", async () => {
    srv.respond("/Issue", 500, "<!doctype html><html><body>Service Unavailable</body></html>");
    await expect(sts.issue({ username: "svc", password: PASSWORD })).rejects.toBeInstanceOf(NotXmlError);
  });

  it("renewal: an expired token is refused before sending; a refused renewal reaches onError as TokenRenewError", async () => {
    srv.requests.length = 0;
    const expired = SamlToken.parse(assertion(), { expires: new Date(Date.now() - 1) });
    const err = await sts.renew(expired, { signingKey: key }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenExpiredError);
    expect((err as Error).message).toMatch(/^Renew: the SAML token expired at \S+Z \(now \S+Z\); issue a new one$/);
    expect(srv.requests).toHaveLength(0);
    await expect(sts.renew(SamlToken.parse(assertion()))).rejects.toThrow(/holder-of-key token is renewed with the key it is bound to/);

    srv.respond("/Renew", 500, fault("ns0:RequestFailed", "token is not renewable"));
    const live = SamlToken.parse(assertion(), { expires: new Date(Date.now() + 30_000) });
    const failure = await new Promise<TokenRenewError>((resolve) => {
      const onError = (e: TokenRenewError) => {
        r.stop();
        resolve(e);
      };
      const r = startTokenRenewal({ sts, token: live, signingKey: key, renewBefore: 60_000, onError });
    });
    expect(failure).toBeInstanceOf(TokenRenewError);
    expect(failure).toMatchObject({ code: "TSVMOMI_ERR_TOKEN_RENEW", operation: "Renew" });
    expect(failure.cause).toBeInstanceOf(StsFaultError);
    expect(failure.message).toMatch(/renewing the SAML token failed: STS Renew at .*: RequestFailed: token is not renewable/);
    const renewBody = srv.requests.find((r) => r.soapAction.endsWith("/Renew"))!.body;
    expect(renewBody).toContain(`<RenewTarget>${live.toXml()}</RenewTarget>`);
    expect(xmlsecVerify(renewBody, pair.certFile).ok).toBe(true);
  });
});

describe("holder-of-key credentials", () => {
  it("a key that is not the certificate's, a non-RSA key and unreadable input are StsKeyError that quote no key", () => {
    const a = makeKeyPair("a");
    const b = makeKeyPair("b");
    const ec = makeKeyPair("ec", "ec");
    const wrong = (() => {
      try {
        return SigningKey.from(a.certificate, b.privateKey);
      } catch (e) {
        return e;
      }
    })();
    expect(wrong).toBeInstanceOf(StsKeyError);
    expect(wrong).toMatchObject({ code: "TSVMOMI_ERR_STS_KEY" });
    expect((wrong as Error).message).toMatch(/the private key does not belong to the certificate \(subject "CN=a", SHA-256 [0-9A-F:]+\)/);
    expect(() => SigningKey.from(ec.certificate, ec.privateKey)).toThrow(/RSA-SHA256; the key is ec, not RSA/);
    const garbage = "-----BEGIN PRIVATE KEY-----\nTopSecretKeyMaterial\n-----END PRIVATE KEY-----\n";
    const unreadable = (() => {
      try {
        return SigningKey.from(a.certificate, garbage);
      } catch (e) {
        return e;
      }
    })();
    expect(unreadable).toBeInstanceOf(StsKeyError);
    expect(texts(unreadable)).not.toContain("TopSecretKeyMaterial");
    expect(() => SigningKey.from("not a certificate", a.privateKey)).toThrow(StsKeyError);

    const key = SigningKey.from(a.certificate, a.privateKey);
    const shown = `${inspect(key, { depth: 10, showHidden: true })}${JSON.stringify(key)}`;
    expect(shown).toContain("CN=a");
    expect(shown).not.toContain(a.privateKey.split("\n")[1]!);
  });

  it("a signature made with another key does not verify against the certificate", async () => {
    const a = makeKeyPair("signer");
    const b = makeKeyPair("impostor");
    const srv = await startRecorder();
    const sts = new StsClient({ url: `${srv.origin}${PATH}` });
    try {
      srv.respond("/Issue", 200, rstr(assertion()));
      await sts.issue({ signingKey: SigningKey.from(b.certificate, b.privateKey) });
      const body = srv.requests[0]!.body;
      expect(xmlsecVerify(body, b.certFile).ok).toBe(true);
      expect(xmlsecVerify(body, a.certFile).ok).toBe(false);
    } finally {
      await sts.close();
      await srv.close();
    }
  });
});

describe("STS discovery", () => {
  const VC = "https://vc.example.com/sdk";
  it("takes the config.vpxd.sso.sts.uri setting when the server answers", async () => {
    await expect(discoverStsUrl(VC, async () => [{ key: "config.vpxd.sso.sts.uri", value: "https://psc.example.com/sts/STSService/corp.local" }])).resolves.toEqual({
      url: "https://psc.example.com/sts/STSService/corp.local",
      source: "setting",
    });
  });

  it("falls back to /sts/STSService/<domain> on the vCenter when the setting cannot be read, saying why", async () => {
    const why: string[] = [];
    const denied = async () => {
      throw Object.assign(new Error("NotAuthenticated"), { name: "NotAuthenticated" });
    };
    await expect(discoverStsUrl(VC, denied, { onFallback: (w) => why.push(w) })).resolves.toEqual({
      url: "https://vc.example.com/sts/STSService/vsphere.local",
      source: "default",
    });
    expect(why[0]).toMatch(/reading config\.vpxd\.sso\.sts\.uri failed \(NotAuthenticated\); using https:\/\/vc\.example\.com\/sts\/STSService\/vsphere\.local/);
    await expect(discoverStsUrl(VC, async () => [], { domain: "corp.local" })).resolves.toMatchObject({ url: "https://vc.example.com/sts/STSService/corp.local" });
  });

  it("before a session, asks the Lookup Service; falls back to the well-known path when it cannot answer", async () => {
    const denied = async () => {
      throw Object.assign(new Error("NotAuthenticated"), { name: "NotAuthenticated" });
    };
    await expect(discoverStsUrl(VC, denied, { lookup: async () => "https://psc.example.com:7444/sts/STSService/corp.local" })).resolves.toEqual({
      url: "https://psc.example.com:7444/sts/STSService/corp.local",
      source: "lookup",
    });
    const why: string[] = [];
    const down = async () => {
      throw Object.assign(new Error("HTTP 404"), { name: "HttpStatusError" });
    };
    await expect(discoverStsUrl(VC, denied, { lookup: down, onFallback: (w) => why.push(w) })).resolves.toMatchObject({ source: "default" });
    expect(why[0]).toMatch(/reading config\.vpxd\.sso\.sts\.uri failed \(NotAuthenticated\); the Lookup Service did not answer \(HttpStatusError\); using https:\/\/vc\.example\.com\/sts\/STSService\/vsphere\.local/);
    await expect(discoverStsUrl(VC, denied, { lookup: async () => "javascript:alert(1)" })).resolves.toMatchObject({ source: "default" });
  });

  it("a setting that is not an http(s) URL is a StsResponseError, not a silent fallback", async () => {
    await expect(discoverStsUrl(VC, async () => [{ key: "config.vpxd.sso.sts.uri", value: "not a url" }])).rejects.toThrow(/config\.vpxd\.sso\.sts\.uri setting is not a URL/);
    await expect(discoverStsUrl(VC, async () => [{ key: "config.vpxd.sso.sts.uri", value: "ftp://x/sts" }])).rejects.toBeInstanceOf(StsResponseError);
  });
});
