// The decoder's streaming seam (DecodeOptions.stream): array items leave the
// result as their elements close, the body is not read past a delivery the
// consumer has not taken, and the items are the same whatever the chunking.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeResponse } from "../../runtime/codec/index.js";
import { type CodecError, MethodFaultError } from "../../runtime/errors/index.js";
import { envelope } from "../fixtures/codec/envelope.js";
import { vimMethod, vimSubset } from "../fixtures/codec/vim-subset.js";

const retrieveVms = readFileSync(new URL("../fixtures/codec/retrieve-vms.xml", import.meta.url), "utf8");
const obj = (n: number) => `<objects><obj type="VirtualMachine">vm-${n}</obj><propSet><name>name</name><val xsi:type="xsd:string">VM ${n}</val></propSet></objects>`;
const many = (n: number, token = "") =>
  envelope("RetrievePropertiesEx", `<returnval>${token ? `<token>${token}</token>` : ""}${Array.from({ length: n }, (_, i) => obj(i + 1)).join("")}</returnval>`);

async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, "utf8");
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

function collect() {
  const items: unknown[] = [];
  const parents: unknown[] = [];
  return {
    items,
    parents,
    stream: {
      field: "objects",
      deliver(got: unknown[], parent: unknown) {
        items.push(...got);
        parents.push(parent);
      },
    },
  };
}

describe("decodeResponse with stream", () => {
  it("hands out exactly the objects the whole decode returns, and returns the result with them taken out", async () => {
    const whole = (await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), retrieveVms)) as { objects: unknown[]; token: string };
    const c = collect();
    const rest = (await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), retrieveVms, { stream: c.stream })) as { objects: unknown[]; token: string };
    expect(c.items).toStrictEqual(whole.objects);
    expect(rest).toStrictEqual({ ...whole, objects: [] });
    // The parent handed with the items already carries the token, which precedes the objects on the wire.
    expect((c.parents[0] as { token: string }).token).toBe(whole.token);
  });

  it.each([1, 7, 4096])("gives the same items in the same order from %i-byte chunks", async (size) => {
    const text = many(50, "t-1");
    const c = collect();
    await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), chunks(text, size), { stream: c.stream });
    expect(c.items.map((o) => (o as { obj: { value: string } }).obj.value)).toEqual(Array.from({ length: 50 }, (_, i) => `vm-${i + 1}`));
  });

  it("streams the items of an array return (RetrieveProperties) when no field is given", async () => {
    const text = envelope("RetrieveProperties", Array.from({ length: 5 }, (_, i) => obj(i + 1).replaceAll("objects>", "returnval>")).join(""));
    const items: unknown[] = [];
    const rest = await decodeResponse(vimSubset, vimMethod("RetrieveProperties"), text, { stream: { deliver: (got) => void items.push(...got) } });
    expect(rest).toEqual([]);
    expect(items).toHaveLength(5);
    expect((items[4] as { obj: unknown }).obj).toEqual({ type: "VirtualMachine", value: "vm-5" });
  });

  it("does not read the body past a delivery the consumer has not taken", async () => {
    const text = many(200);
    let pulled = 0;
    const body = {
      async *[Symbol.asyncIterator]() {
        for await (const c of chunks(text, 512)) {
          pulled++;
          yield c;
        }
      },
    };
    let release!: () => void;
    let deliveries = 0;
    const done = decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), body, {
      stream: {
        field: "objects",
        deliver: () => {
          if (++deliveries > 1) return;
          return new Promise<void>((r) => (release = r));
        },
      },
    });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const whilePending = pulled;
    expect(deliveries).toBe(1);
    expect(whilePending).toBeLessThan(5);
    release();
    await done;
    expect(pulled).toBeGreaterThan(whilePending);
  });

  it("delivers what closed before a fault, then throws the fault", async () => {
    const text = many(3).replace("</soapenv:Body>", `<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>x</faultstring><detail><NotAuthenticatedFault xmlns="urn:vim25" xsi:type="NotAuthenticated"/></detail></soapenv:Fault></soapenv:Body>`);
    const c = collect();
    const err = await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), chunks(text, 64), { stream: c.stream }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MethodFaultError);
    expect(c.items).toHaveLength(3);
  });

  it("delivers what closed before a truncation, then throws TRUNCATED", async () => {
    const text = many(10);
    const c = collect();
    const err = await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), chunks(text.slice(0, text.indexOf("vm-8<")), 100), { stream: c.stream }).catch((e: unknown) => e);
    expect((err as CodecError).code).toBe("TSVMOMI_ERR_TRUNCATED");
    expect(c.items).toHaveLength(7);
  });

  it("keeps the per-response element budget", async () => {
    const c = collect();
    const err = await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), chunks(many(100), 256), { stream: c.stream, maxElements: 300 }).catch((e: unknown) => e);
    expect((err as CodecError).code).toBe("TSVMOMI_ERR_TOO_LARGE");
    expect(c.items.length).toBeGreaterThan(0);
    expect(c.items.length).toBeLessThan(100);
  });

  it("names the method and the field when there is nothing to stream", async () => {
    const err = await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), many(1), { stream: { field: "token", deliver: () => undefined } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(/RetrievePropertiesEx: cannot stream "token".*array field of RetrieveResult/);
  });
});
