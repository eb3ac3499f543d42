import { afterEach, describe, expect, it } from "vitest";
import { createTransport, type Transport } from "../../runtime/soap/index.js";
import { SOAP_FAULT, SOAP_OK, sendXml, startServer, type TestServer } from "../fixtures/transport/server.js";
import { ClosedError, HttpStatusError, NotXmlError, ResetError, TimeoutError, TransportError } from "../../runtime/errors/index.js";

let server: TestServer | undefined;
let transport: Transport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = server = undefined;
});

const call = (extra: Record<string, unknown> = {}) => ({
  soapAction: "urn:vim25/7.0.3.0",
  body: "<Envelope/>",
  method: "CurrentTime",
  ...extra,
});

describe("transport basics", () => {
  it("posts the envelope with SOAPAction and returns a streaming body", async () => {
    server = await startServer((_req, res) => sendXml(res, 200, SOAP_OK));
    transport = createTransport({ url: server.url });
    const res = await transport.post(call({ headers: { cookie: "vmware_soap_session=\"abc\"" } }));
    expect(res.status).toBe(200);
    const chunks: Uint8Array[] = [];
    for await (const c of res.body) chunks.push(c);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(SOAP_OK);
    const seen = server.requests[0]!;
    expect(seen.method).toBe("POST");
    expect(seen.url).toBe("/sdk");
    expect(seen.headers.soapaction).toBe("urn:vim25/7.0.3.0");
    expect(seen.headers["content-type"]).toMatch(/^text\/xml/);
    expect(seen.headers.cookie).toBe("vmware_soap_session=\"abc\"");
    expect(seen.body).toBe("<Envelope/>");
  });

  it("reuses one keep-alive connection for sequential calls", async () => {
    server = await startServer((_req, res) => sendXml(res, 200, SOAP_OK));
    transport = createTransport({ url: server.url });
    for (let i = 0; i < 3; i++) await (await transport.post(call())).body.text();
    expect(server.requests).toHaveLength(3);
    expect(server.connections).toBe(1);
    expect(new Set(server.requests.map((r) => r.clientPort)).size).toBe(1);
  });

  it("returns a 500 with a SOAP fault body instead of throwing", async () => {
    server = await startServer((_req, res) => sendXml(res, 500, SOAP_FAULT));
    transport = createTransport({ url: server.url });
    const res = await transport.post(call());
    expect(res.status).toBe(500);
    expect(await res.body.text()).toBe(SOAP_FAULT);
  });

  it("throws HttpStatusError for a 502 with status, host and a short excerpt", async () => {
    const page = `<html><head><title>502 Bad Gateway</title></head><body>${"x".repeat(5000)}</body></html>`;
    server = await startServer((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end(page);
    });
    transport = createTransport({ url: server.url });
    const err = await transport.post(call()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(err).toBeInstanceOf(TransportError);
    const e = err as HttpStatusError;
    expect(e.status).toBe(502);
    expect(e.code).toBe("TSVMOMI_ERR_HTTP_STATUS");
    expect(e.message).toContain("CurrentTime");
    expect(e.message).toContain(`127.0.0.1:${server.port}`);
    expect(e.excerpt).toBe("502 Bad Gateway");
  });

  it.each([
    ["text/html content-type", { "content-type": "text/html; charset=utf-8" }, "<p>Service is restarting</p>"],
    ["an HTML body served as text/xml", { "content-type": "text/xml" }, "\n  <!DOCTYPE html><html><body>login</body></html>"],
    ["an <html> body with no content-type", {}, "<HTML><body>proxy says no</body></HTML>"],
  ])("throws NotXmlError for %s", async (_label, headers, body) => {
    server = await startServer((_req, res) => {
      res.writeHead(200, headers);
      res.end(body);
    });
    transport = createTransport({ url: server.url });
    const err = await transport.post(call()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotXmlError);
    expect((err as NotXmlError).status).toBe(200);
    expect((err as NotXmlError).message).toContain("CurrentTime");
  });

  it("a 500 HTML page is NotXmlError, not a fault", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(500, { "content-type": "text/html" });
      res.end("<html><title>Internal Server Error</title></html>");
    });
    transport = createTransport({ url: server.url });
    const err = await transport.post(call()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotXmlError);
    expect((err as NotXmlError).status).toBe(500);
  });

  it("a stalled server hits the per-call timeout (response phase)", async () => {
    server = await startServer(() => undefined);
    transport = createTransport({ url: server.url });
    const err = await transport.post(call({ timeout: 150 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).phase).toBe("response");
    expect((err as TimeoutError).ms).toBe(150);
    expect((err as TimeoutError).message).toContain("CurrentTime");
  });

  it("the deadline also covers a body that stalls half way", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/xml", "content-length": 1000 });
      res.write("<Envelope>");
    });
    transport = createTransport({ url: server.url });
    const res = await transport.post(call({ timeout: 200 }));
    const err = await res.body.text().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).phase).toBe("response");
  });

  it("a reset mid-response surfaces as ResetError (truncated) while reading the body", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/xml", "content-length": 5000 });
      res.write(`<soapenv:Envelope>${"y".repeat(200)}`, () => res.socket?.destroy());
    });
    transport = createTransport({ url: server.url });
    const res = await transport.post(call());
    const err = await res.body.text().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResetError);
    expect((err as ResetError).code).toBe("TSVMOMI_ERR_RESET");
    expect((err as ResetError).truncated).toBe(true);
    expect((err as ResetError).message).toContain("CurrentTime");
  });

  it("a connection dropped before any response is ResetError (not truncated)", async () => {
    server = await startServer((req) => req.socket.destroy());
    transport = createTransport({ url: server.url });
    const err = await transport.post(call()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResetError);
    expect((err as ResetError).truncated).toBe(false);
  });

  it("abort rejects with the signal's reason, unwrapped, while waiting for headers", async () => {
    let arrived!: () => void;
    const gotRequest = new Promise<void>((r) => (arrived = r));
    server = await startServer(() => arrived());
    transport = createTransport({ url: server.url });
    const ac = new AbortController();
    const pending = transport.post(call({ signal: ac.signal })).catch((e: unknown) => e);
    await gotRequest;
    const reason = new Error("user gave up");
    ac.abort(reason);
    expect(await pending).toBe(reason);
  });

  it("abort without a reason rejects with a DOMException named AbortError, also mid-body", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/xml", "content-length": 1000 });
      res.write("<Envelope>");
    });
    transport = createTransport({ url: server.url });
    const ac = new AbortController();
    const res = await transport.post(call({ signal: ac.signal }));
    const reading = res.body.text().catch((e: unknown) => e);
    ac.abort();
    const err = await reading;
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe("AbortError");
  });

  it("an already-aborted signal rejects before anything is sent", async () => {
    server = await startServer((_req, res) => sendXml(res, 200, SOAP_OK));
    transport = createTransport({ url: server.url });
    const reason = new Error("early");
    await expect(transport.post(call({ signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
    expect(server.requests).toHaveLength(0);
  });

  it("get() fetches a path with GET; errors name the path", async () => {
    server = await startServer((req, res) => (req.url === "/sdk/x.xml" ? sendXml(res, 200, "<a/>") : sendXml(res, 404, "<nope/>")));
    transport = createTransport({ url: server.url });
    expect(await (await transport.get("/sdk/x.xml")).body.text()).toBe("<a/>");
    const err = await transport.get("/sdk/missing.xml").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).status).toBe(404);
    expect((err as HttpStatusError).message).toContain("GET /sdk/missing.xml");
  });

  it("close() is idempotent and later calls throw ClosedError; asyncDispose closes", async () => {
    server = await startServer((_req, res) => sendXml(res, 200, SOAP_OK));
    {
      await using t = createTransport({ url: server.url });
      await (await t.post(call())).body.text();
      transport = t;
    }
    await transport!.close();
    await expect(transport!.post(call())).rejects.toBeInstanceOf(ClosedError);
  });
});
