// Streaming a retrieve out of the decoder: objects are handed out as their
// <objects> elements close, with back-pressure on the body, and whatever goes
// wrong after some were handed out (a fault, a cut body, a size limit, an
// abort) reaches the consumer as its own typed error, once, never as a resend.
// Runs over a scripted vim server on 127.0.0.1 (real undici sockets).
import { readFileSync } from "node:fs";
import type http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { connect, type Client } from "../../runtime/index.js";
import { CodecError, MethodFaultError, ResetError } from "../../runtime/errors/index.js";
import { retrievePagesAny, retrieveAny } from "../../runtime/property/retrieve.js";
import { startServer, type TestServer } from "../fixtures/transport/server.js";
import { schemas } from "../support/bindings.js";

const VERSIONS = readFileSync(new URL("../fixtures/transport/vimServiceVersions.xml", import.meta.url), "utf8");
const HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const TAIL = "</soapenv:Body></soapenv:Envelope>";
const SERVICE_CONTENT =
  `${HEAD}<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval><rootFolder type="Folder">group-d1</rootFolder>` +
  '<propertyCollector type="PropertyCollector">propertyCollector</propertyCollector><viewManager type="ViewManager">ViewManager</viewManager>' +
  "<about><name>fake</name><fullName>fake</fullName><vendor>tsvmomi</vendor><version>8.0.3</version><build>1</build><osType>linux-x64</osType>" +
  `<productLineId>vpx</productLineId><apiType>VirtualCenter</apiType><apiVersion>8.0.3.0</apiVersion></about></returnval></RetrieveServiceContentResponse>${TAIL}`;

const vmXml = (n: number) => `<objects><obj type="VirtualMachine">vm-${n}</obj><propSet><name>name</name><val xsi:type="xsd:string">VM ${n} ${"x".repeat(40)}</val></propSet></objects>`;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const answer = (method: string, nums: number[], token?: string) =>
  `${HEAD}<${method}Response xmlns="urn:vim25"><returnval>${token ? `<token>${token}</token>` : ""}${nums.map(vmXml).join("")}</returnval></${method}Response>${TAIL}`;
const FAULT = (type: string) =>
  `<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>${type}</faultstring><detail><${type}Fault xmlns="urn:vim25" xsi:type="${type}"/></detail></soapenv:Fault>`;
/** 100,000 objects, ~12 MB: more than loopback socket buffers absorb, so an early stop is seen by the server. */
const BIG = answer("RetrievePropertiesEx", range(1, 100_000));
const refs = (n: number) => range(1, n).map((i) => ({ type: "VirtualMachine", value: `vm-${i}` }));

/** What a retrieve method answers: a whole string, or a writer that may cut the body short. */
type Reply = string | ((res: http.ServerResponse) => void);

let server: TestServer | undefined;
let client: Client<typeof schemas> | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

async function fakeVim(replies: Record<string, (n: number) => Reply>): Promise<{ calls: string[]; closedEarly: () => number }> {
  const calls: string[] = [];
  const counts = new Map<string, number>();
  let closedEarly = 0;
  server = await startServer((req, res, body) => {
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "text/xml" });
      return res.end(VERSIONS);
    }
    const method = /<(?:\w+:)?(\w+) xmlns="urn:vim25"/.exec(body.slice(body.indexOf("Body>")))?.[1] ?? "?";
    const n = (counts.get(method) ?? 0) + 1;
    counts.set(method, n);
    calls.push(method === "ContinueRetrievePropertiesEx" || method === "CancelRetrievePropertiesEx" ? `${method}(${/<token>([^<]*)</.exec(body)?.[1]})` : method);
    res.on("close", () => {
      if (!res.writableFinished) closedEarly++;
    });
    const reply: Reply | undefined = method === "RetrieveServiceContent" ? SERVICE_CONTENT : replies[method]?.(n);
    if (reply === undefined) {
      res.writeHead(500, { "content-type": "text/xml" });
      return res.end(`${HEAD}${FAULT("MethodNotFound")}${TAIL}`);
    }
    if (typeof reply === "function") return reply(res);
    res.writeHead(reply.includes("<soapenv:Fault>") ? 500 : 200, { "content-type": "text/xml" });
    res.end(reply);
  });
  client = await connect({ url: `${server.url}/sdk`, bindings: schemas, keepAlive: false });
  return { calls, closedEarly: () => closedEarly };
}

/** Writes `text` in pieces of `size`, waiting for each to drain, so the client sees the body arrive over time. */
function writeSlowly(res: http.ServerResponse, text: string, size: number, end: "end" | "destroy"): void {
  res.writeHead(200, { "content-type": "text/xml" });
  let at = 0;
  const next = () => {
    while (at < text.length) {
      const piece = text.slice(at, at + size);
      at += size;
      if (!res.write(piece)) return void res.once("drain", next);
    }
    if (end === "end") res.end();
    else res.destroy();
  };
  next();
}

describe("retrievePages streams one large answer", () => {
  it("hands an unpaged answer out in pages of pageSize as it decodes, every object once and in order", async () => {
    await fakeVim({ RetrievePropertiesEx: () => answer("RetrievePropertiesEx", range(1, 250)) });
    const sizes: number[] = [];
    const names: string[] = [];
    for await (const page of retrievePagesAny(client!, refs(250), ["name"], { pageSize: 40 })) {
      sizes.push(page.length);
      for (const o of page) names.push(o.ref.value);
    }
    expect(sizes).toEqual([40, 40, 40, 40, 40, 40, 10]);
    expect(names).toEqual(range(1, 250).map((i) => `vm-${i}`));
  });

  it("without pageSize, an unpaged answer comes in pages of 100", async () => {
    await fakeVim({ RetrievePropertiesEx: () => answer("RetrievePropertiesEx", range(1, 250)) });
    const sizes: number[] = [];
    for await (const page of retrievePagesAny(client!, refs(250), ["name"])) sizes.push(page.length);
    expect(sizes).toEqual([100, 100, 50]);
  });

  it("the first page reaches the consumer before the server has sent the rest", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let wroteAll = false;
    const text = answer("RetrievePropertiesEx", range(1, 3000));
    await fakeVim({
      RetrievePropertiesEx: () => (res) => {
        res.writeHead(200, { "content-type": "text/xml" });
        // The first 10 objects, then nothing until the consumer has seen its first page.
        const cut = text.indexOf("<objects>", text.indexOf("vm-11<"));
        res.write(text.slice(0, cut));
        void held.then(() => {
          res.end(text.slice(cut));
          wroteAll = true;
        });
      },
    });
    let count = 0;
    for await (const page of retrievePagesAny(client!, refs(3000), ["name"], { pageSize: 5 })) {
      if (count === 0) {
        expect(wroteAll).toBe(false);
        release();
      }
      count += page.length;
    }
    expect(count).toBe(3000);
  });

  it("a break mid-answer stops reading: the server sees its response closed early, and the next call works", async () => {
    const { closedEarly } = await fakeVim({
      // ~12 MB, written as the client reads: far more than the socket buffers hold.
      RetrievePropertiesEx: (n) => (n === 1 ? (res) => writeSlowly(res, BIG, 16 * 1024, "end") : answer("RetrievePropertiesEx", range(1, 10))),
    });
    let seen = 0;
    for await (const page of retrievePagesAny(client!, refs(10), ["name"], { checkPaths: false })) {
      seen += page.length;
      if (seen >= 200) break;
    }
    expect(seen).toBe(200);
    await expect.poll(closedEarly).toBe(1);
    // The client is intact: the next retrieve reads to the end.
    const again = await retrieveAny(client!, refs(10), ["name"]);
    expect(again).toHaveLength(10);
  });

  it("an abort mid-answer rejects with the abort's reason and frees the socket", async () => {
    const { closedEarly } = await fakeVim({ RetrievePropertiesEx: () => (res) => writeSlowly(res, BIG, 16 * 1024, "end") });
    const ac = new AbortController();
    let seen = 0;
    const err = await (async () => {
      for await (const page of retrievePagesAny(client!, refs(10), ["name"], { signal: ac.signal })) {
        seen += page.length;
        if (seen === 300) ac.abort(new Error("enough"));
      }
    })().catch((e: unknown) => e);
    expect((err as Error).message).toBe("enough");
    expect(seen).toBe(300);
    await expect.poll(closedEarly).toBe(1);
  });
});

describe("retrievePages: errors after objects were handed out", () => {
  it("a SOAP fault after some objects reaches the iterator as the typed fault, after those objects, sent once", async () => {
    const body = `${HEAD}<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>${range(1, 30).map(vmXml).join("")}</returnval></RetrievePropertiesExResponse>${FAULT("NotAuthenticated")}${TAIL}`;
    const { calls } = await fakeVim({ RetrievePropertiesEx: () => body });
    const names: string[] = [];
    const err = await (async () => {
      for await (const page of retrievePagesAny(client!, refs(30), ["name"], { pageSize: 10 })) for (const o of page) names.push(o.ref.value);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MethodFaultError);
    expect((err as MethodFaultError).faultChain[0]).toBe("NotAuthenticated");
    expect(names).toEqual(range(1, 30).map((i) => `vm-${i}`));
    // Not replayed by the session layer (it would hand the 30 out again).
    expect(calls.filter((c) => c === "RetrievePropertiesEx")).toHaveLength(1);
  });

  it("a body cut off mid-answer surfaces as ResetError and is not retried", async () => {
    const text = answer("RetrievePropertiesEx", range(1, 2000));
    const { calls } = await fakeVim({
      RetrievePropertiesEx: () => (res) => writeSlowly(res, text.slice(0, Math.floor(text.length / 2)), 8 * 1024, "destroy"),
    });
    let seen = 0;
    const err = await (async () => {
      for await (const page of retrievePagesAny(client!, refs(2000), ["name"])) seen += page.length;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResetError);
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(2000);
    expect(calls.filter((c) => c === "RetrievePropertiesEx")).toHaveLength(1);
  });

  it("a body that ends early but cleanly surfaces as a truncation CodecError", async () => {
    const text = answer("RetrievePropertiesEx", range(1, 500));
    await fakeVim({ RetrievePropertiesEx: () => text.slice(0, text.indexOf("vm-301<")) });
    let seen = 0;
    const err = await (async () => {
      for await (const page of retrievePagesAny(client!, refs(500), ["name"], { pageSize: 50 })) seen += page.length;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodecError);
    expect((err as CodecError).code).toBe("TSVMOMI_ERR_TRUNCATED");
    expect(seen).toBe(300);
  });

  it("a paged retrieve that fails mid-page cancels the token the server holds", async () => {
    const { calls } = await fakeVim({
      RetrievePropertiesEx: () => answer("RetrievePropertiesEx", range(1, 100), "tok-1"),
      ContinueRetrievePropertiesEx: () => {
        const t = answer("ContinueRetrievePropertiesEx", range(101, 200), "tok-1");
        return t.slice(0, t.indexOf("vm-150<"));
      },
      CancelRetrievePropertiesEx: () => `${HEAD}<CancelRetrievePropertiesExResponse xmlns="urn:vim25"/>${TAIL}`,
    });
    let seen = 0;
    const err = await (async () => {
      for await (const page of retrievePagesAny(client!, refs(300), ["name"], { pageSize: 100, prefetch: false })) seen += page.length;
    })().catch((e: unknown) => e);
    expect((err as CodecError).code).toBe("TSVMOMI_ERR_TRUNCATED");
    expect(seen).toBe(149);
    expect(calls).toEqual(["RetrieveServiceContent", "RetrievePropertiesEx", "ContinueRetrievePropertiesEx(tok-1)", "CancelRetrievePropertiesEx(tok-1)"]);
  });

  it("a break after the last page's objects started does not cancel a token the server no longer holds", async () => {
    const { calls } = await fakeVim({
      RetrievePropertiesEx: () => answer("RetrievePropertiesEx", range(1, 100), "tok-1"),
      ContinueRetrievePropertiesEx: () => answer("ContinueRetrievePropertiesEx", range(101, 300)),
    });
    let seen = 0;
    for await (const page of retrievePagesAny(client!, refs(300), ["name"], { pageSize: 100, prefetch: false })) {
      seen += page.length;
      if (seen === 200) break;
    }
    expect(calls).toEqual(["RetrieveServiceContent", "RetrievePropertiesEx", "ContinueRetrievePropertiesEx(tok-1)"]);
  });

  it("asks for the next page while the current one is still being handed out, and cancels the token on a break", async () => {
    const { calls } = await fakeVim({
      RetrievePropertiesEx: () => answer("RetrievePropertiesEx", range(1, 100), "tok-1"),
      ContinueRetrievePropertiesEx: () => answer("ContinueRetrievePropertiesEx", range(101, 200), "tok-1"),
      CancelRetrievePropertiesEx: () => `${HEAD}<CancelRetrievePropertiesExResponse xmlns="urn:vim25"/>${TAIL}`,
    });
    let pages = 0;
    for await (const page of retrievePagesAny(client!, refs(300), ["name"], { pageSize: 25 })) {
      expect(page).toHaveLength(25);
      // Still on the first answer's objects, the next page is already on its way.
      if (++pages === 1) await expect.poll(() => calls.includes("ContinueRetrievePropertiesEx(tok-1)")).toBe(true);
      if (pages === 2) break;
    }
    expect(calls.at(-1)).toBe("CancelRetrievePropertiesEx(tok-1)");
    expect(calls.filter((c) => c.startsWith("Cancel"))).toHaveLength(1);
  });

  it("the element budget still bounds one streamed answer", async () => {
    await fakeVim({ RetrievePropertiesEx: () => answer("RetrievePropertiesEx", range(1, 500)) });
    await client!.close();
    client = await connect({ url: `${server!.url}/sdk`, bindings: schemas, keepAlive: false, maxResponseElements: 2000 });
    let seen = 0;
    const err = await (async () => {
      for await (const page of retrievePagesAny(client!, refs(500), ["name"], { pageSize: 10 })) seen += page.length;
    })().catch((e: unknown) => e);
    expect((err as CodecError).code).toBe("TSVMOMI_ERR_TOO_LARGE");
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(500);
  });
});
