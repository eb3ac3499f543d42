// Errors a user meets when something is misconfigured or misbehaves say what
// happened in words: a compressed or binary body is described, never quoted;
// a TLS pin on an http:// URL and a garbage URL name the option; a
// certificate that fails verification is shown by its thumbprints, so the
// user can check it and pin it (as govc prints it).
import { X509Certificate } from "node:crypto";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, NotXmlError, TlsError, TransportError } from "../../runtime/index.js";
import { ServiceInstance, schemas } from "../support/bindings.js";
import { envelope } from "../fixtures/codec/envelope.js";
import { hasOpenssl, makeCerts, sendXml, startServer, type TestCerts, type TestServer } from "../fixtures/transport/server.js";

const SERVICE_CONTENT = envelope(
  "RetrieveServiceContent",
  '<returnval><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">propertyCollector</propertyCollector></returnval>',
);
const TIME = envelope("CurrentTime", "<returnval>2024-01-01T00:00:00Z</returnval>");
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters in a message are what this test rejects
const BINARY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/;

let plain: TestServer;
let reply: (res: import("node:http").ServerResponse) => void;

beforeAll(async () => {
  plain = await startServer((_req, res, body) => (body.includes("<RetrieveServiceContent") ? sendXml(res, 200, SERVICE_CONTENT) : reply(res)));
});
afterAll(async () => {
  await plain?.close();
});

const open = () => connect({ url: `${plain.url}/sdk`, bindings: schemas, version: "7.0.3.0", keepAlive: false, retry: { attempts: 1 } });

describe("bodies that are not text", () => {
  it("a gzip-compressed answer (never asked for) is described, not dumped", async () => {
    reply = (res) => {
      const gz = gzipSync(TIME);
      res.writeHead(200, { "content-type": "text/xml", "content-encoding": "gzip", "content-length": gz.length }).end(gz);
    };
    const c = await open();
    try {
      const err = await c.call(ServiceInstance.CurrentTime, c.serviceInstance).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotXmlError);
      expect((err as Error).message).toContain("gzip-compressed body (Content-Encoding: gzip)");
      expect((err as Error).message).toContain("CurrentTime");
      expect((err as Error).message).not.toMatch(BINARY);
    } finally {
      await c.close();
    }
  });

  it("a gzip-compressed error page keeps its status and is described too", async () => {
    reply = (res) => {
      const gz = gzipSync("<html><title>Service Unavailable</title></html>");
      res.writeHead(502, { "content-type": "text/html", "content-encoding": "gzip" }).end(gz);
    };
    const c = await open();
    try {
      const err = await c.call(ServiceInstance.CurrentTime, c.serviceInstance).catch((e: unknown) => e);
      expect((err as Error).message).toContain("HTTP 502");
      expect((err as Error).message).toContain("gzip-compressed data");
      expect((err as Error).message).not.toMatch(BINARY);
    } finally {
      await c.close();
    }
  });

  it("a binary body without Content-Encoding is described by its size", async () => {
    reply = (res) => {
      const bytes = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37) % 256));
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(bytes);
    };
    const c = await open();
    try {
      const err = await c.call(ServiceInstance.CurrentTime, c.serviceInstance).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotXmlError);
      expect((err as Error).message).toMatch(/\d+\+ bytes of binary data/);
      expect((err as Error).message).not.toMatch(BINARY);
    } finally {
      await c.close();
    }
  });
});

describe("URLs", () => {
  it("a garbage URL is a TypeError naming the `url` option and what it should look like", async () => {
    for (const url of ["garbage", "vc.example.com", ""]) {
      const err = await connect({ url, bindings: schemas }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect((err as Error).message).toContain("connect: `url` must be an absolute URL");
      expect((err as Error).message).toContain("https://vc.example.com/sdk");
      expect((err as Error).message).toContain(JSON.stringify(url));
    }
    const ftp = await connect({ url: "ftp://vc.example.com", bindings: schemas }).catch((e: unknown) => e);
    expect((ftp as Error).message).toContain("must start with https://");
  });

  it("a URL that does not parse never echoes its password", async () => {
    const err = await connect({ url: "https://admin:S3cret-pw@[not-a-host/sdk", bindings: schemas }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).not.toContain("S3cret-pw");
    expect((err as Error).message).toContain("https://…@");
  });

  it("a thumbprint (or ca) with an http:// URL names the option and suggests https://", async () => {
    const err = await connect({ url: "http://127.0.0.1:443/sdk", bindings: schemas, thumbprint: "AB".repeat(32) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toContain("`thumbprint`");
    expect((err as Error).message).toContain("https://127.0.0.1:443/sdk");
    expect((err as Error).message).not.toContain("got no certificate");
    const ca = await connect({ url: "http://127.0.0.1:443/sdk", bindings: schemas, ca: "pem" }).catch((e: unknown) => e);
    expect((ca as Error).message).toContain("`ca`");
  });
});

describe.skipIf(!hasOpenssl)("certificate verification failures", () => {
  let certs: TestCerts;
  let tls: TestServer;
  beforeAll(async () => {
    certs = makeCerts();
    tls = await startServer((_req, res, body) => (body.includes("<RetrieveServiceContent") ? sendXml(res, 200, SERVICE_CONTENT) : sendXml(res, 200, TIME)), certs);
  });
  afterAll(async () => {
    await tls?.close();
  });

  it("an untrusted certificate's error prints its SHA-256 and SHA-1 thumbprints and how to pin it", async () => {
    const sha1 = new X509Certificate(certs.certPem).fingerprint;
    const err = await connect({ url: `${tls.url}/sdk`, bindings: schemas, version: "7.0.3.0", keepAlive: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).reason).toBe("verify");
    expect((err as TlsError).got).toBe(certs.thumbprint);
    expect((err as TlsError).gotSha1).toBe(sha1);
    expect((err as Error).message).toContain(`thumbprint: "${certs.thumbprint}"`);
    expect((err as Error).message).toContain(`SHA-1 ${sha1}`);
    // Pinning the printed thumbprint then works.
    const c = await connect({ url: `${tls.url}/sdk`, bindings: schemas, version: "7.0.3.0", keepAlive: false, thumbprint: (err as TlsError).got! });
    expect(await c.call(ServiceInstance.CurrentTime, c.serviceInstance)).toBeInstanceOf(Date);
    await c.close();
  });

  it("http:// to the TLS port without a pin fails with a transport error naming the call, not a hang", async () => {
    const err = await connect({ url: `http://127.0.0.1:${tls.port}/sdk`, bindings: schemas, version: "7.0.3.0", keepAlive: false, retry: { attempts: 1 }, timeout: 5_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    console.log(`http:// to a TLS port: ${(err as Error).message}`);
    expect((err as Error).message).toContain("RetrieveServiceContent");
    expect((err as Error).message).toContain("if that port speaks TLS, use https://");
  });
});
