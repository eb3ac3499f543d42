import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createTransport, normalizeThumbprint, type Transport } from "../../runtime/soap/index.js";
import { SOAP_OK, hasOpenssl, makeCerts, sendXml, startServer, type TestCerts, type TestServer } from "../fixtures/transport/server.js";
import { TlsError } from "../../runtime/errors/index.js";
import { describeIf } from "../support/skip.js";

const call = { soapAction: "urn:vim25/8.0.2.0", body: "<Envelope/>", method: "RetrieveServiceContent" };

describeIf(hasOpenssl, "openssl is not on PATH (it makes the test certificates)")("transport TLS", () => {
  let certs: TestCerts;
  let server: TestServer;
  let transport: Transport | undefined;
  beforeAll(async () => {
    certs = makeCerts();
    server = await startServer((_req, res) => sendXml(res, 200, SOAP_OK), certs);
  });
  afterAll(() => server.close());
  afterEach(async () => {
    await transport?.close();
    transport = undefined;
  });

  it("rejects the test server's certificate by default, with a TlsError that says how to fix it", async () => {
    transport = createTransport({ url: server.url });
    const err = await transport.post(call).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).reason).toBe("verify");
    expect((err as TlsError).message).toContain("RetrieveServiceContent");
    expect((err as TlsError).message).toMatch(/ca.*thumbprint.*insecure/);
  });

  it("accepts it with the custom CA", async () => {
    transport = createTransport({ url: server.url, ca: certs.caPem });
    expect(await (await transport.post(call)).body.text()).toBe(SOAP_OK);
  });

  it("accepts the right thumbprint in colon, plain and lower-case forms", async () => {
    const plain = certs.thumbprint.replace(/:/g, "");
    for (const thumbprint of [certs.thumbprint, plain, plain.toLowerCase()]) {
      const t = createTransport({ url: server.url, thumbprint });
      try {
        expect((await t.post(call)).status).toBe(200);
      } finally {
        await t.close();
      }
    }
  });

  it("rejects a wrong thumbprint, saying expected and got, before sending the request", async () => {
    const wrong = certs.thumbprint.replace(/^../, certs.thumbprint.startsWith("00") ? "11" : "00");
    const before = server.requests.length;
    transport = createTransport({ url: server.url, thumbprint: wrong });
    const err = await transport.post(call).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsError);
    const e = err as TlsError;
    expect(e.reason).toBe("thumbprint-mismatch");
    expect(e.expected).toBe(wrong);
    expect(e.got).toBe(certs.thumbprint);
    expect(e.message).toContain(wrong);
    expect(e.message).toContain(certs.thumbprint);
    expect(e.message).toContain("RetrieveServiceContent");
    expect(server.requests.length).toBe(before);
  });

  it("insecure: true connects, reuses one TLS connection and warns exactly once per client", async () => {
    const warnings: string[] = [];
    const connectionsBefore = server.connections;
    transport = createTransport({ url: server.url, insecure: true, logger: { warn: (m) => warnings.push(m) } });
    for (let i = 0; i < 3; i++) await (await transport.post(call)).body.text();
    expect(warnings).toHaveLength(1);
    expect(server.connections - connectionsBefore).toBe(1); // keep-alive over TLS too
    expect(warnings[0]).toContain(`127.0.0.1:${server.port}`);
  });

  it("rejects thumbprints that are not SHA-256 hex", () => {
    expect(() => normalizeThumbprint("AB:CD")).toThrow(/64 hex digits/);
    expect(() => normalizeThumbprint("a".repeat(40))).toThrow(/SHA-1/);
  });
});
