import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundlePath, fetchWsdl, FetchWsdlError } from "../../generator/fetch/fetch-wsdl.js";
import { ThumbprintError } from "../../generator/fetch/tls-agent.js";
import { sharedDir } from "../../wsdl/paths.js";
import { hasOpenssl, makeSelfSigned, serveBundle, type BundleServer, type SelfSigned } from "../fixtures/fetch/server.js";
import { describeIf } from "../support/skip.js";

const bundle = path.join(sharedDir(), "wsdl", "vim25-7.0.3");

const WSDL_HEAD = `<?xml version="1.0"?><definitions xmlns="http://schemas.xmlsoap.org/wsdl/" targetNamespace="urn:x">`;

describeIf(hasOpenssl, "openssl is not on PATH (it makes the test certificates)")("fetch-wsdl over HTTPS", () => {
  let tls: SelfSigned;
  let server: BundleServer;
  let work: string;

  beforeAll(async () => {
    tls = makeSelfSigned();
    work = mkdtempSync(path.join(tmpdir(), "tsvmomi-fetch-"));
    server = await serveBundle(bundle, {
      "/evil/vimService.wsdl": { status: 200, body: `${WSDL_HEAD}<import namespace="urn:x" location="../../etc/passwd.wsdl"/></definitions>` },
      "/other/vimService.wsdl": { status: 200, body: `${WSDL_HEAD}<import namespace="urn:x" location="https://example.invalid/x.wsdl"/></definitions>` },
      "/html/vimService.wsdl": { status: 200, body: "<!doctype html><html><body>login</body>", type: "text/html" },
      "/loop/vimService.wsdl": { status: 200, body: `${WSDL_HEAD}<import namespace="urn:x" location="b.wsdl"/><import namespace="urn:x" location="./vimService.wsdl"/></definitions>` },
      "/loop/b.wsdl": { status: 200, body: `${WSDL_HEAD}<import namespace="urn:x" location="vimService.wsdl"/></definitions>` },
    }, tls);
  });
  afterAll(async () => {
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("downloads the entry and everything it references, byte for byte, with the pinned thumbprint", async () => {
    const out = path.join(work, "pinned");
    const files = await fetchWsdl({ url: `${server.origin}/sdk`, out, thumbprint: tls.sha256 });
    const expected = readdirSync(bundle).sort();
    expect(files.map((f) => f.name).sort()).toEqual(expected);
    expect(readdirSync(out).sort()).toEqual(expected);
    for (const name of expected) {
      expect(readFileSync(path.join(out, name)).equals(readFileSync(path.join(bundle, name))), name).toBe(true);
    }
    // each file once
    const sdkGets = server.seen.filter((s) => s.startsWith("/sdk/"));
    expect(new Set(sdkGets).size).toBe(sdkGets.length);
  });

  it("trusts the certificate given as --ca", async () => {
    const out = path.join(work, "ca");
    await fetchWsdl({ url: `${server.origin}/sdk/`, out, ca: tls.certPem });
    expect(readdirSync(out).sort()).toEqual(readdirSync(bundle).sort());
  });

  it("refuses an unverified certificate without --ca, --thumbprint or --insecure", async () => {
    await expect(fetchWsdl({ url: `${server.origin}/sdk`, out: path.join(work, "untrusted") })).rejects.toThrow(/TLS: .*--insecure/);
  });

  it("fails on a wrong thumbprint and writes nothing", async () => {
    const wrong = tls.sha256.replace(/^../, tls.sha256.startsWith("00") ? "11" : "00");
    const out = path.join(work, "wrong");
    const err = await fetchWsdl({ url: `${server.origin}/sdk`, out, thumbprint: wrong }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchWsdlError);
    expect(err).toMatchObject({ code: "TSVMOMI_ERR_FETCH_WSDL", message: expect.stringMatching(/thumbprint mismatch/) });
    // The cause is the pin check's own error, coded as the runtime codes a pin mismatch.
    expect((err as Error).cause).toBeInstanceOf(ThumbprintError);
    expect((err as Error).cause).toMatchObject({ code: "TSVMOMI_ERR_TLS", name: "ThumbprintError" });
    expect(readdirSync(work)).not.toContain("wrong");
  });

  it("reports a 404 as an endpoint that does not serve WSDL", async () => {
    await expect(fetchWsdl({ url: `${server.origin}/nothing`, out: path.join(work, "404"), insecure: true })).rejects.toThrow(
      /^endpoint does not serve WSDL: GET .*\/nothing\/vimService\.wsdl answered HTTP 404$/,
    );
  });

  it("reports an HTML page as not XML", async () => {
    await expect(fetchWsdl({ url: `${server.origin}/html`, out: path.join(work, "html"), insecure: true })).rejects.toThrow(
      /endpoint does not serve WSDL: .*not well-formed XML|endpoint does not serve WSDL: .*root element/,
    );
  });

  it("refuses references that climb out of the bundle folder or leave the origin", async () => {
    await expect(fetchWsdl({ url: `${server.origin}/evil`, out: path.join(work, "evil"), insecure: true })).rejects.toThrow(
      /reference "\.\.\/\.\.\/etc\/passwd\.wsdl" resolves to .*\/etc\/passwd\.wsdl, outside .*\/evil\/; refusing/,
    );
    await expect(fetchWsdl({ url: `${server.origin}/other`, out: path.join(work, "other"), insecure: true })).rejects.toThrow(/outside/);
    expect(server.seen.some((s) => s.includes("passwd"))).toBe(false);
  });

  it("follows cycles once", async () => {
    const files = await fetchWsdl({ url: `${server.origin}/loop`, out: path.join(work, "loop"), insecure: true });
    expect(files.map((f) => f.name).sort()).toEqual(["b.wsdl", "vimService.wsdl"]);
  });
});

describe("bundlePath", () => {
  const base = new URL("https://h/sdk/");
  const from = new URL("https://h/sdk/vim.wsdl");
  it("maps plain and nested names", () => {
    expect(bundlePath("core-types.xsd", from, base, "vim.wsdl").name).toBe("core-types.xsd");
    expect(bundlePath("xsd/a.xsd", from, base, "vim.wsdl").name).toBe("xsd/a.xsd");
  });
  it("rejects encoded traversal and query strings", () => {
    expect(() => bundlePath("%2e%2e/%2e%2e/etc/x", from, base, "vim.wsdl")).toThrow(/outside/);
    expect(() => bundlePath("a%2F..%2F..%2Fx", from, base, "vim.wsdl")).toThrow(/outside/);
    expect(() => bundlePath("a.xsd?x=1", from, base, "vim.wsdl")).toThrow(/query string/);
    expect(() => bundlePath("//evil.example/sdk/a.xsd", from, base, "vim.wsdl")).toThrow(/outside/);
  });
});

