import { afterEach, describe, expect, it } from "vitest";
import { compose, createTransport, retry, transportHandler, type RetryInfo, type SoapCall, type Transport } from "../../runtime/soap/index.js";
import { SOAP_OK, closedPort, sendXml, startServer, startSilentServer, type TestServer } from "../fixtures/transport/server.js";
import { ConnectError, HttpStatusError, OutcomeUnknownError, ResetError, TimeoutError } from "../../runtime/errors/index.js";

let server: TestServer | undefined;
let transport: Transport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = server = undefined;
});

const read: SoapCall = { method: "RetrievePropertiesEx", safe: true, soapAction: "urn:vim25/8.0.2.0", body: "<Envelope/>" };
const write: SoapCall = { method: "PowerOnVM_Task", soapAction: "urn:vim25/8.0.2.0", body: "<Envelope/>" };

/** Records requested delays instead of waiting: tests check what the policy asks for, not the clock. */
function recorder() {
  const delays: number[] = [];
  const retries: RetryInfo[] = [];
  return {
    delays,
    retries,
    options: {
      sleep: async (ms: number) => void delays.push(ms),
      onRetry: (i: RetryInfo) => void retries.push(i),
      random: () => 0.5,
    },
  };
}

describe("retry middleware", () => {
  it("retries a safe call through a 503 burst and returns the success", async () => {
    let n = 0;
    server = await startServer((_req, res) => (++n <= 2 ? sendXml(res, 503, "<busy/>") : sendXml(res, 200, SOAP_OK)));
    transport = createTransport({ url: server.url });
    const r = recorder();
    const handler = compose(retry({ attempts: 4, ...r.options }))(transportHandler(transport));
    const res = await handler(read);
    expect(await res.body.text()).toBe(SOAP_OK);
    expect(server.requests).toHaveLength(3);
    expect(r.retries.map((i) => i.attempt)).toEqual([1, 2]);
    expect(r.retries.every((i) => i.error instanceof HttpStatusError && i.error.status === 503)).toBe(true);
  });

  it("backs off exponentially and honours Retry-After on 503", async () => {
    let n = 0;
    server = await startServer((_req, res) =>
      ++n === 1 ? sendXml(res, 503, "<busy/>", { "retry-after": "7" }) : n === 2 ? sendXml(res, 503, "<busy/>") : sendXml(res, 200, SOAP_OK),
    );
    transport = createTransport({ url: server.url });
    const r = recorder();
    const handler = retry({ baseDelayMs: 100, ...r.options })(transportHandler(transport));
    await (await handler(read)).body.text();
    expect(r.delays[0]).toBeGreaterThanOrEqual(7000);
    // Second retry: step 200 ms (100·2¹), jitter fixed at the midpoint → between 100 and 200.
    expect(r.delays[1]).toBeGreaterThanOrEqual(100);
    expect(r.delays[1]).toBeLessThanOrEqual(200);
  });

  it("gives up after the attempt budget with the last transport error", async () => {
    server = await startServer((_req, res) => sendXml(res, 502, "<bad/>"));
    transport = createTransport({ url: server.url });
    const r = recorder();
    const handler = retry({ attempts: 3, ...r.options })(transportHandler(transport));
    const err = await handler(read).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(server.requests).toHaveLength(3);
  });

  it("does not retry an unsafe call that may have reached the server: OutcomeUnknownError names the method", async () => {
    server = await startServer((req) => req.socket.destroy());
    transport = createTransport({ url: server.url });
    const r = recorder();
    const handler = retry(r.options)(transportHandler(transport));
    const err = await handler(write).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as OutcomeUnknownError).message).toContain("PowerOnVM_Task");
    expect((err as OutcomeUnknownError).message).toMatch(/outcome unknown/i);
    expect((err as OutcomeUnknownError).cause).toBeInstanceOf(ResetError);
    expect(server.requests).toHaveLength(1);
    expect(r.retries).toHaveLength(0);
  });

  it("an unsafe call that hit 503 is not replayed either", async () => {
    server = await startServer((_req, res) => sendXml(res, 503, "<busy/>"));
    transport = createTransport({ url: server.url });
    const handler = retry(recorder().options)(transportHandler(transport));
    await expect(handler(write)).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(server.requests).toHaveLength(1);
  });

  it("retries even an unsafe call when the connection was refused (nothing was sent)", async () => {
    transport = createTransport({ url: `http://127.0.0.1:${await closedPort()}` });
    const r = recorder();
    const handler = retry({ attempts: 2, ...r.options })(transportHandler(transport));
    const err = await handler(write).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).message).toContain("PowerOnVM_Task");
    expect(r.retries).toHaveLength(1);
  });

  it("a TLS handshake that never completes is a connect-phase TimeoutError, retried even for writes", async () => {
    const silent = await startSilentServer();
    try {
      transport = createTransport({ url: `https://127.0.0.1:${silent.port}`, connectTimeout: 150 });
      const r = recorder();
      const handler = retry({ attempts: 2, ...r.options })(transportHandler(transport));
      const err = await handler(write).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).phase).toBe("connect");
      expect((err as TimeoutError).ms).toBe(150);
      expect(r.retries).toHaveLength(1);
    } finally {
      await transport?.close();
      transport = undefined;
      await silent.close();
    }
  });

  it("does not retry non-transient errors, and an abort during backoff rejects with the reason", async () => {
    server = await startServer((_req, res) => sendXml(res, 404, "<x/>"));
    transport = createTransport({ url: server.url });
    const handler = retry(recorder().options)(transportHandler(transport));
    await expect(handler(read)).rejects.toMatchObject({ status: 404 });
    expect(server.requests).toHaveLength(1);

    server.handler = (_req, res) => sendXml(res, 503, "<busy/>");
    const ac = new AbortController();
    const reason = new Error("stop");
    const aborting = retry({ baseDelayMs: 60_000 })(transportHandler(transport));
    const pending = aborting({ ...read, signal: ac.signal }).catch((e: unknown) => e);
    while (server.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
    ac.abort(reason);
    expect(await pending).toBe(reason);
  });
});
