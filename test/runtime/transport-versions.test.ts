import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVICE_VERSIONS_MAX_BYTES, compareVersions, createTransport, negotiateVersion, type Transport } from "../../runtime/soap/index.js";
import { sendXml, startServer, type TestServer } from "../fixtures/transport/server.js";
import { NotXmlError, TimeoutError, VersionNegotiationError } from "../../runtime/errors/index.js";

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

  it("a pin wins, and the file is not even fetched", async () => {
    serve(200, vcenter);
    const before = server.requests.length;
    const a = collect();
    expect(await negotiateVersion(transport, { known: ["8.0.2.0"], pin: "7.0.3.0", logger: a.logger })).toMatchObject({
      version: "7.0.3.0",
      soapAction: "urn:vim25/7.0.3.0",
      source: "pin",
    });
    expect((await negotiateVersion(transport, { known: [], pin: "6.5", logger: a.logger })).version).toBe("6.5");
    expect(a.warnings).toEqual([]);
    expect(server.requests.length).toBe(before);
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

  describe("a hostile document ends in VersionNegotiationError, never fast-xml-parser's plain Error", () => {
    const cases: Array<[string, string, string]> = [
      ["DOCTYPE (XXE)", '<?xml version="1.0"?><!DOCTYPE n [<!ENTITY x SYSTEM "file:///etc/passwd">]><namespaces><namespace><name>&x;</name></namespace></namespaces>', "TSVMOMI_ERR_DOCTYPE_FORBIDDEN"],
      ["billion laughs", '<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><namespaces>&b;</namespaces>', "TSVMOMI_ERR_DOCTYPE_FORBIDDEN"],
      ["an undeclared entity", "<namespaces><namespace><name>&foo;</name></namespace></namespaces>", "TSVMOMI_ERR_UNKNOWN_ENTITY"],
      ["deep nesting", `<namespaces>${"<a>".repeat(5000)}${"</a>".repeat(5000)}</namespaces>`, "TSVMOMI_ERR_TOO_DEEP"],
    ];
    for (const [what, body, code] of cases) {
      it(what, async () => {
        serve(200, body);
        const err = await negotiateVersion(transport, { known: ["8.0.2.0"] }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(VersionNegotiationError);
        expect((err as Error).message).toContain("/sdk/vimServiceVersions.xml");
        expect((err as Error).message).toContain(code);
        expect(((err as Error).cause as { code?: string }).code).toBe(code);
        expect((err as Error).message).not.toContain("root:");
      });
    }

    it("an endless body stops at the byte limit, and the connection is dropped", async () => {
      let sent = 0;
      let closed!: () => void;
      const sawClose = new Promise<void>((r) => (closed = r));
      server.handler = (_req, res) => {
        res.writeHead(200, { "content-type": "text/xml" });
        res.write("<namespaces><namespace><name>urn:vim25</name>");
        res.socket?.once("close", () => closed());
        const chunk = Buffer.from("<version>8.0.2.0</version>".repeat(2000));
        const pump = () => {
          while (sent < 512 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end("</namespace></namespaces>");
        };
        pump();
      };
      const err = await negotiateVersion(transport, { known: ["8.0.2.0"], maxBytes: 64 * 1024 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VersionNegotiationError);
      expect((err as Error).message).toContain("larger than 65536 bytes");
      expect(((err as Error).cause as { code?: string }).code).toBe("TSVMOMI_ERR_TOO_LARGE");
      await sawClose;
      expect(sent).toBeLessThan(64 * 1024 * 1024);
    });

    it("the default limit holds too (maxResponseBytes is capped for this file)", async () => {
      server.handler = (_req, res) => {
        res.writeHead(200, { "content-type": "text/xml" });
        res.write("<namespaces><!-- ");
        const chunk = Buffer.alloc(256 * 1024, 0x61);
        let n = 0;
        const pump = () => {
          while (n++ < 40_000) if (!res.write(chunk)) return void res.once("drain", pump);
          res.end(" --></namespaces>");
        };
        pump();
      };
      const err = await negotiateVersion(transport, { known: ["8.0.2.0"], maxBytes: 512 * 1024 * 1024 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VersionNegotiationError);
      expect((err as Error).message).toContain(`larger than ${SERVICE_VERSIONS_MAX_BYTES} bytes`);
    });

    it("a slowloris body ends at the per-call deadline", async () => {
      const slow = createTransport({ url: server.url, timeout: 300 });
      let timer: NodeJS.Timeout | undefined;
      server.handler = (_req, res) => {
        res.writeHead(200, { "content-type": "text/xml" });
        res.write("<namespaces>");
        timer = setInterval(() => res.write(" "), 20);
        res.on("close", () => clearInterval(timer));
      };
      try {
        const err = await negotiateVersion(slow, { known: ["8.0.2.0"] }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TimeoutError);
        expect((err as Error).message).toContain("GET /sdk/vimServiceVersions.xml");
      } finally {
        clearInterval(timer);
        await slow.close();
      }
    });
  });

  it("compares versions numerically, missing parts as zero", () => {
    expect(compareVersions("8.0.10.0", "8.0.9.0")).toBeGreaterThan(0);
    expect(compareVersions("7.0", "7.0.0.0")).toBe(0);
    expect(compareVersions("6.7", "7.0")).toBeLessThan(0);
  });

  it("skips a part that is not a number (VMODL's 2.5u2) instead of answering NaN", () => {
    expect(compareVersions("2.5u2", "2.5")).toBe(0);
    expect(compareVersions("2.5u2", "2.5u2server")).toBe(0);
    expect(compareVersions("2.5u2", "4.0")).toBeLessThan(0);
    expect(compareVersions("2.5u2", "2.5.1")).toBeLessThan(0);
    expect(compareVersions("8.0.3.0", "2.5u2")).toBeGreaterThan(0);
  });
});
