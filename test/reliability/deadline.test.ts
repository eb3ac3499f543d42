// `timeout` is a per-call deadline: it covers every attempt, the backoff and
// any Retry-After wait between them, and the response body. A hostile or
// broken server (slowloris, a stall, a 503 asking for a long wait) cannot
// stretch a call past it. The stub server answers connect's two requests and
// then misbehaves on CurrentTime.
import type http from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connect, HttpStatusError, TimeoutError, type Client } from "../../runtime/index.js";
import type { RetryInfo } from "../../runtime/soap/retry.js";
import { ServiceInstance, schemas } from "../support/bindings.js";
import { envelope } from "../fixtures/codec/envelope.js";
import { startServer, type TestServer } from "../fixtures/transport/server.js";

const SERVICE_CONTENT = envelope(
  "RetrieveServiceContent",
  '<returnval><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">propertyCollector</propertyCollector>' +
    '<about><name>stub</name><fullName>stub</fullName><vendor>test</vendor><version>7.0.3</version><build>1</build><osType>linux</osType>' +
    "<productLineId>vpx</productLineId><apiType>VirtualCenter</apiType><apiVersion>7.0.3.0</apiVersion></about></returnval>",
);
const TIME = envelope("CurrentTime", "<returnval>2024-01-01T00:00:00Z</returnval>");

type Misbehave = (res: http.ServerResponse, attempt: number) => void;
let server: TestServer;
let misbehave: Misbehave;
let attempts = 0;
const timers = new Set<NodeJS.Timeout>();
const retries: RetryInfo[] = [];

function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "text/xml; charset=utf-8", ...headers }).end(body);
}

function client(timeout: number): Promise<Client<typeof schemas>> {
  return connect({
    url: `${server.url}/sdk`,
    bindings: schemas,
    version: "7.0.3.0",
    keepAlive: false,
    timeout,
    retry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 100, random: () => 0.5, onRetry: (i) => retries.push(i) },
  });
}

beforeAll(async () => {
  server = await startServer((_req, res, body) => {
    if (body.includes("<RetrieveServiceContent")) return send(res, 200, SERVICE_CONTENT);
    misbehave(res, ++attempts);
  });
});
afterAll(async () => {
  for (const t of timers) clearInterval(t);
  await server?.close();
});
beforeEach(() => {
  attempts = 0;
  retries.length = 0;
});

describe("per-call deadline", () => {
  it("slowloris: a body dripped forever ends at the call's deadline, in one attempt (not one deadline per attempt)", async () => {
    misbehave = (res) => {
      res.writeHead(200, { "content-type": "text/xml" });
      res.write('<?xml version="1.0"?>');
      const t = setInterval(() => res.write(" "), 50);
      timers.add(t);
      res.on("close", () => clearInterval(t));
    };
    const c = await client(800);
    try {
      const err = await c.call(ServiceInstance.CurrentTime, c.serviceInstance).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).deadline).toBe(true);
      expect((err as TimeoutError).ms).toBe(800);
      expect((err as Error).message).toContain("CurrentTime");
      expect((err as Error).message).toContain("call deadline of 800 ms");
      expect(attempts).toBe(1);
      expect(retries).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it("resets followed by a stall: the retries share one deadline, and the call ends there", async () => {
    misbehave = (res, n) => {
      if (n <= 2) return void res.socket?.destroy();
      res.writeHead(200, { "content-type": "text/xml" }); // then nothing
    };
    const c = await client(1000);
    try {
      const err = await c.call(ServiceInstance.CurrentTime, c.serviceInstance).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).ms).toBe(1000);
      // Two resets were retried; the stall then used the rest of the same deadline, and no fourth attempt was made.
      expect(attempts).toBe(3);
      expect(retries.map((r) => r.error.name)).toEqual(["ResetError", "ResetError"]);
    } finally {
      await c.close();
    }
  });

  it("a Retry-After longer than what remains of the deadline is not waited for: the 503 comes back at once", async () => {
    misbehave = (res) => send(res, 503, "<busy/>", { "retry-after": "20" });
    const c = await client(2000);
    try {
      const err = await c.call(ServiceInstance.CurrentTime, c.serviceInstance).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpStatusError);
      expect((err as HttpStatusError).status).toBe(503);
      expect((err as HttpStatusError).retryAfterMs).toBe(20_000);
      expect(attempts).toBe(1);
      expect(retries).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it("a Retry-After that fits in the deadline is honoured, and the retry succeeds", async () => {
    misbehave = (res, n) => (n === 1 ? send(res, 503, "<busy/>", { "retry-after": "1" }) : send(res, 200, TIME));
    const c = await client(5000);
    try {
      expect(await c.call(ServiceInstance.CurrentTime, c.serviceInstance)).toEqual(new Date("2024-01-01T00:00:00Z"));
      expect(attempts).toBe(2);
      expect(retries.map((r) => r.delayMs)).toEqual([1000]);
    } finally {
      await c.close();
    }
  });

  it("a call's own timeout overrides the client's, and 0 disables the deadline", async () => {
    misbehave = (res) => {
      res.writeHead(200, { "content-type": "text/xml" });
      const t = setInterval(() => res.write(" "), 50);
      timers.add(t);
      res.on("close", () => clearInterval(t));
    };
    const c = await client(60_000);
    try {
      const err = await c.call(ServiceInstance.CurrentTime, c.serviceInstance, undefined, { timeout: 300 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).ms).toBe(300);
      const ac = new AbortController();
      const pending = c.call(ServiceInstance.CurrentTime, c.serviceInstance, undefined, { timeout: 0, signal: ac.signal }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 500));
      ac.abort(new Error("stop"));
      expect(((await pending) as Error).message).toBe("stop");
    } finally {
      await c.close();
    }
  });
});
