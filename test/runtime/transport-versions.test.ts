import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareVersions, createTransport, negotiateVersion, type Transport } from "../../runtime/soap/index.js";
import { sendXml, startServer, type TestServer } from "../fixtures/transport/server.js";
import { NotXmlError, VersionNegotiationError } from "../../runtime/errors/index.js";

const vcenter = readFileSync(new URL("../fixtures/transport/vimServiceVersions.xml", import.meta.url), "utf8");
// The document vcsim serves (govmomi simulator ServiceVersions), with its default ApiVersion.
const vcsim = `<?xml version="1.0" encoding="UTF-8"?>
<namespaces version="1.0">
 <namespace>
  <name>urn:vim25</name>
  <version>6.5</version>
  <priorVersions>
   <version>6.0</version>
   <version>5.5</version>
  </priorVersions>
 </namespace>
</namespaces>
`;

describe("negotiateVersion", () => {
  let server: TestServer;
  let transport: Transport;
  const serve = (status: number, body: string) => {
    server.handler = (req, res) => (req.url === "/sdk/vimServiceVersions.xml" ? sendXml(res, status, body) : sendXml(res, 404, "<no/>"));
  };
  const collect = () => {
    const warnings: string[] = [];
    return { warnings, logger: { warn: (m: string) => void warnings.push(m) } };
  };
  beforeAll(async () => {
    server = await startServer(() => undefined);
    transport = createTransport({ url: server.url });
  });
  afterAll(async () => {
    await transport.close();
    await server.close();
  });

  it("takes the highest version both sides know", async () => {
    serve(200, vcenter);
    const { warnings, logger } = collect();
    const v = await negotiateVersion(transport, { known: ["7.0.3.0", "8.0.2.0", "9.0.0.0"], logger });
    expect(v).toEqual({
      version: "8.0.2.0",
      soapAction: "urn:vim25/8.0.2.0",
      source: "server",
      serverVersions: ["8.0.3.0", "8.0.2.0", "8.0.1.0", "7.0.3.0", "7.0", "6.7"],
    });
    expect(warnings).toEqual([]);
    expect(server.requests.at(-1)?.method).toBe("GET");
  });

  it("reads vcsim's document", async () => {
    serve(200, vcsim);
    const v = await negotiateVersion(transport, { known: ["5.5", "6.0"] });
    expect(v.version).toBe("6.0");
    expect(v.serverVersions).toEqual(["6.5", "6.0", "5.5"]);
  });

  it("with no common version, uses the newest known version below the server's, with a warning", async () => {
    serve(200, vcenter);
    const { warnings, logger } = collect();
    const v = await negotiateVersion(transport, { known: ["8.0.0.1", "9.0.0.0"], logger });
    expect(v).toMatchObject({ version: "8.0.0.1", source: "compatible" });
    expect(warnings).toHaveLength(1);
  });

  it("refuses when every known version is newer than the server, suggesting a pin", async () => {
    serve(200, vcsim);
    const err = await negotiateVersion(transport, { known: ["7.0.3.0", "8.0.2.0"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VersionNegotiationError);
    expect((err as Error).message).toContain("6.5");
    expect((err as Error).message).toContain("pin");
  });

  it("a pin wins; an unlisted pin is used with a warning", async () => {
    serve(200, vcenter);
    const a = collect();
    expect(await negotiateVersion(transport, { known: ["8.0.2.0"], pin: "7.0.3.0", logger: a.logger })).toMatchObject({
      version: "7.0.3.0",
      soapAction: "urn:vim25/7.0.3.0",
      source: "pin",
    });
    expect(a.warnings).toEqual([]);
    const b = collect();
    expect((await negotiateVersion(transport, { known: [], pin: "6.5", logger: b.logger })).version).toBe("6.5");
    expect(b.warnings).toHaveLength(1);
  });

  it("falls back to the highest known version (or the pin) when the file is missing", async () => {
    serve(404, "<notfound/>");
    const { warnings, logger } = collect();
    expect(await negotiateVersion(transport, { known: ["7.0.3.0", "8.0.2.0"], logger })).toMatchObject({
      version: "8.0.2.0",
      source: "fallback",
      serverVersions: [],
    });
    expect(warnings).toHaveLength(1);
    expect((await negotiateVersion(transport, { known: ["7.0.3.0"], pin: "7.0" })).source).toBe("pin");
  });

  it("reports a malformed document with its path and position", async () => {
    serve(200, "<namespaces>\n <namespace><name>urn:vim25</name>\n</namespaces>");
    const err = await negotiateVersion(transport, { known: ["8.0.2.0"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VersionNegotiationError);
    expect((err as Error).message).toContain("/sdk/vimServiceVersions.xml");
    expect((err as Error).message).toMatch(/line \d+, column \d+/);
  });

  it("reports a document without the namespace, naming what it found", async () => {
    serve(200, "<namespaces><namespace><name>urn:sms</name><version>5.0</version></namespace></namespaces>");
    const err = await negotiateVersion(transport, { known: ["8.0.2.0"] }).catch((e: unknown) => e);
    expect((err as Error).message).toContain("urn:vim25");
    expect((err as Error).message).toContain("urn:sms");
  });

  it("does not mistake an HTML page for a missing file", async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><title>Sign in</title></html>");
    };
    await expect(negotiateVersion(transport, { known: ["8.0.2.0"] })).rejects.toBeInstanceOf(NotXmlError);
  });

  it("compares versions numerically, missing parts as zero", () => {
    expect(compareVersions("8.0.10.0", "8.0.9.0")).toBeGreaterThan(0);
    expect(compareVersions("7.0", "7.0.0.0")).toBe(0);
    expect(compareVersions("6.7", "7.0")).toBeLessThan(0);
  });
});
