// The response size limit: a body bigger than `maxResponseBytes` fails with a
// typed CodecError TOO_LARGE while it streams in; the client stops reading, so
// the server gets to send only a small part of it. The stub server answers
// connect's requests with bodies captured from vcsim at test time.
import http from "node:http";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodecError, connect, subscribeTrace } from "../../runtime/index.js";
import { DEFAULT_MAX_BYTES } from "../../runtime/codec/index.js";
import { PropertyCollector, ServiceInstance, schemas } from "../support/bindings.js";
import { captureVcsimResponses } from "../fuzz/vcsim-capture.js";

const LIMIT = 1024 * 1024;
/** What the server would send if nobody stopped it: 256 times the limit. */
const OFFERED = 256 * LIMIT;
const CHUNK = 64 * 1024;

let server: http.Server;
let url: string;
/** Bytes sent and connection close of the latest CurrentTime answer. */
let sent = 0;
let serverSawClose: Promise<void>;
let resolveClose: () => void = () => undefined;
const expectAnswer = () => {
  sent = 0;
  serverSawClose = new Promise((r) => (resolveClose = r));
};

beforeAll(async () => {
  const seeds = await captureVcsimResponses();
  const serviceContent = seeds.find((s) => s.method === "RetrieveServiceContent")!.body;
  const versions = readFileSync(new URL("../fixtures/transport/vimServiceVersions.xml", import.meta.url), "utf8");
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      if (req.method === "GET") {
        res.writeHead(200, { "content-type": "text/xml" }).end(versions);
        return;
      }
      if (body.includes("<RetrievePropertiesEx")) {
        // Dense small elements: few bytes each, but each one a decoded object.
        res.writeHead(200, { "content-type": "text/xml; charset=utf-8" });
        res.write('<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>');
        const dense = Buffer.from('<objects><obj type="VirtualMachine">vm-1</obj></objects>'.repeat(1024));
        const closed = resolveClose;
        res.socket?.once("close", () => closed());
        const pump = () => {
          while (sent < OFFERED) {
            sent += dense.length;
            if (!res.write(dense)) return void res.once("drain", pump);
          }
          res.end("</returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>");
        };
        pump();
        return;
      }
      if (body.includes("<RetrieveServiceContent")) {
        res.writeHead(200, { "content-type": "text/xml; charset=utf-8" }).end(serviceContent);
        return;
      }
      // CurrentTime: an endless-looking answer, written only as fast as the client reads it.
      res.writeHead(200, { "content-type": "text/xml; charset=utf-8" });
      res.write('<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><CurrentTimeResponse xmlns="urn:vim25"><returnval>');
      const filler = Buffer.alloc(CHUNK, 0x20);
      const pump = () => {
        while (sent < OFFERED) {
          sent += CHUNK;
          if (!res.write(filler)) return void res.once("drain", pump);
        }
        res.end("2024-01-01T00:00:00Z</returnval></CurrentTimeResponse></soapenv:Body></soapenv:Envelope>");
      };
      const closed = resolveClose;
      res.socket?.once("close", () => closed());
      pump();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sdk`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

describe("response size limit", () => {
  it("has a finite default", () => {
    expect(Number.isFinite(DEFAULT_MAX_BYTES)).toBe(true);
    expect(DEFAULT_MAX_BYTES).toBeGreaterThan(0);
  });

  it("a body over maxResponseBytes fails with CodecError TOO_LARGE, naming the method, before the server has sent it all", async () => {
    const client = await connect({ url, bindings: schemas, keepAlive: false, maxResponseBytes: LIMIT, retry: { attempts: 1 } });
    expectAnswer();
    try {
      const err = await client.call(ServiceInstance.CurrentTime, client.serviceInstance).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CodecError);
      expect((err as CodecError).code).toBe("TSVMOMI_ERR_TOO_LARGE");
      expect((err as Error).message).toContain("CurrentTime");
      // The client dropped the connection instead of draining it.
      await serverSawClose;
      expect(sent).toBeLessThan(OFFERED / 4);
    } finally {
      await client.close();
    }
  });

  it("holds while tracing too: the trace keeps at most its cap and hands the rest on as a stream", async () => {
    const traced: string[] = [];
    const unsubscribe = subscribeTrace({ onResponse: (m) => void traced.push(m.body ?? "") });
    const client = await connect({
      url,
      bindings: schemas,
      keepAlive: false,
      maxResponseBytes: LIMIT,
      retry: { attempts: 1 },
      trace: { maxBodyBytes: LIMIT / 4 },
    });
    expectAnswer();
    try {
      const err = await client.call(ServiceInstance.CurrentTime, client.serviceInstance).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CodecError);
      expect((err as CodecError).code).toBe("TSVMOMI_ERR_TOO_LARGE");
      await serverSawClose;
      expect(sent).toBeLessThan(OFFERED / 4);
      const published = traced.find((b) => b.includes("CurrentTimeResponse"));
      expect(published).toContain("body continues past");
      expect(published!.length).toBeLessThan(LIMIT);
    } finally {
      unsubscribe();
      await client.close();
    }
  });

  it("dense small elements fail with TOO_LARGE at the element budget, long before the byte limit", async () => {
    const client = await connect({ url, bindings: schemas, keepAlive: false, maxResponseElements: 50_000, retry: { attempts: 1 } });
    expectAnswer();
    try {
      const err = await client
        .call(PropertyCollector.RetrievePropertiesEx, client.serviceContent.propertyCollector, { specSet: [], options: { _typeName: "RetrieveOptions" } })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CodecError);
      expect((err as CodecError).code).toBe("TSVMOMI_ERR_TOO_LARGE");
      expect((err as Error).message).toContain("more than 50000 elements");
      expect((err as Error).message).toContain("RetrievePropertiesEx");
      await serverSawClose;
      // 50,000 elements are about 1.4 MB on the wire; the server offered 256 MiB.
      expect(sent).toBeLessThan(OFFERED / 4);
    } finally {
      await client.close();
    }
  });

  it("with the default budget, an endless stream of dense elements ends in TOO_LARGE in a 64 MiB heap, not in a crash", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsvmomi-heap-"));
    try {
      const entry = `
        import { decodeResponse, DEFAULT_MAX_BYTES, DEFAULT_MAX_ELEMENTS } from "./runtime/codec/index.js";
        import { registryFromTables } from "./runtime/schema-tables.js";
        import { RetrievePropertiesEx } from "./runtime/property/methods.js";
        import { schemas } from "./test/support/bindings.js";
        import { getHeapStatistics } from "node:v8";
        const registry = registryFromTables(schemas);
        const enc = new TextEncoder();
        let offered = 0;
        async function* endless() {
          yield enc.encode('<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>');
          const dense = enc.encode('<objects><obj type="VirtualMachine">vm-1</obj></objects>'.repeat(2048));
          for (;;) { offered += dense.byteLength; yield dense; }
        }
        try {
          await decodeResponse(registry, RetrievePropertiesEx, endless());
          console.log(JSON.stringify({ outcome: "decoded" }));
        } catch (e) {
          console.log(JSON.stringify({ outcome: e.code ?? e.name, message: e.message, offered, heapLimit: getHeapStatistics().heap_size_limit,
            maxElements: DEFAULT_MAX_ELEMENTS, maxBytes: DEFAULT_MAX_BYTES, heapUsed: process.memoryUsage().heapUsed }));
        }
      `;
      const out = await build({
        stdin: { contents: entry, resolveDir: fileURLToPath(new URL("../../", import.meta.url)), loader: "ts" },
        bundle: true,
        platform: "node",
        format: "esm",
        write: false,
        logLevel: "silent",
      });
      const script = join(dir, "dense.mjs");
      writeFileSync(script, out.outputFiles[0]!.text);
      const run = spawnSync(process.execPath, ["--max-old-space-size=64", script], { encoding: "utf8", timeout: 120_000 });
      // Without a budget the process dies: "JavaScript heap out of memory", a signal, no JSON line.
      expect(run.status, run.stderr.slice(-400)).toBe(0);
      const report = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
      console.log(`dense elements in a 64 MiB heap: ${JSON.stringify(report)}`);
      expect(report.outcome).toBe("TSVMOMI_ERR_TOO_LARGE");
      expect(report.message).toContain("elements");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
