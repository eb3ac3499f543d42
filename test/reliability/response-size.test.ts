// The response size limit: a body bigger than `maxResponseBytes` fails with a
// typed CodecError TOO_LARGE while it streams in; the client stops reading, so
// the server gets to send only a small part of it. The stub server answers
// connect's requests with bodies captured from vcsim at test time.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodecError, connect, subscribeTrace } from "../../runtime/index.js";
import { DEFAULT_MAX_BYTES } from "../../runtime/codec/index.js";
import { ServiceInstance, schemas } from "../support/bindings.js";
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
});
