// Named middleware steps: a user layer joins the call chain by name and
// relative order, without touching a runtime file.
import { describe, expect, it } from "vitest";
import { buildPipeline, type Layer } from "../../runtime/client/pipeline.js";
import type { Middleware } from "../../runtime/soap/middleware.js";
import { MiddlewareStack } from "../../runtime/soap/stack.js";
import { registryFromTables } from "../../runtime/schema-tables.js";
import { bufferedBody } from "../../runtime/soap/body.js";
import type { PostRequest, Transport } from "../../runtime/soap/transport.js";
import * as builtin from "../../runtime/session/builtin-methods.js";
import { SessionState } from "../../runtime/session/session-state.js";
import type { ApiCall } from "../../runtime/session/api-call.js";
import { MethodFaultError } from "../../runtime/errors/index.js";
import { schemas } from "../support/bindings.js";
import { envelope, faultEnvelope } from "../fixtures/codec/envelope.js";

const SI = { type: "ServiceInstance", value: "ServiceInstance" };
const TIME = envelope("CurrentTime", "<returnval>2024-05-01T10:00:00Z</returnval>");
const NOT_AUTH = faultEnvelope("", '<NotAuthenticatedFault xmlns="urn:vim25" xsi:type="NotAuthenticated"><object type="ServiceInstance">ServiceInstance</object><privilegeId>System.View</privilegeId></NotAuthenticatedFault>');

/** Records `name` on the way in and `/name` on the way out. */
const mark = (log: string[], name: string): Middleware<string, string> => (next) => async (call) => {
  log.push(name);
  const r = await next(call);
  log.push(`/${name}`);
  return r;
};

describe("MiddlewareStack", () => {
  it("puts a new entry outermost, or just outside (before) / inside (after) a named one", async () => {
    const log: string[] = [];
    const stack = new MiddlewareStack<string, string>("test")
      .add({ name: "b", middleware: mark(log, "b") })
      .add({ name: "a", middleware: mark(log, "a") })
      .add({ name: "c", middleware: mark(log, "c"), after: "b" })
      .add({ name: "a2", middleware: mark(log, "a2"), before: "b" });
    expect(stack.names()).toEqual(["a", "a2", "b", "c"]);
    expect(await stack.resolve()(async (x) => `${x}!`)("hi")).toBe("hi!");
    expect(log).toEqual(["a", "a2", "b", "c", "/c", "/b", "/a2", "/a"]);
    expect(stack.remove("a2")).toBe(true);
    expect(stack.remove("a2")).toBe(false);
    expect(stack.names()).toEqual(["a", "b", "c"]);
  });

  it("refuses a clashing name, an unknown anchor, both anchors, or no function, naming the problem", () => {
    const stack = new MiddlewareStack<string, string>("call").add({ name: "retry", middleware: (n) => n });
    expect(() => stack.add({ name: "retry", middleware: (n) => n })).toThrow(/stack "call": an entry named "retry" is already there/);
    expect(() => stack.add({ name: "x", middleware: (n) => n, before: "sesion" })).toThrow(/relative to "sesion", which is not in the stack \(it holds: retry\)/);
    expect(() => stack.add({ name: "x", middleware: (n) => n, before: "retry", after: "retry" })).toThrow(/both before and after/);
    expect(() => stack.add({ name: "x", middleware: undefined as never })).toThrow(/needs a middleware function/);
    expect(() => stack.add({ name: "", middleware: (n) => n })).toThrow(/non-empty name/);
    expect(stack.names()).toEqual(["retry"]);
  });
});

function scripted(reply: (req: PostRequest) => { body: string; cookie?: string }) {
  const requests: PostRequest[] = [];
  const transport: Transport = {
    origin: "https://vc.test",
    host: "vc.test:443",
    async post(sent) {
      // As the real transport does: send-time headers (the cookie) are read when the request leaves.
      let late = sent.sendTimeHeaders?.();
      while (late instanceof Promise) {
        await late;
        late = sent.sendTimeHeaders?.();
      }
      const req: PostRequest = { ...sent, headers: { ...sent.headers, ...late } };
      requests.push(req);
      const r = reply(req);
      return {
        status: r.body.includes("<soapenv:Fault>") ? 500 : 200,
        headers: r.cookie ? { "set-cookie": `vmware_soap_session="${r.cookie}"; Path=/` } : {},
        body: bufferedBody(new TextEncoder().encode(r.body)),
      };
    },
    get: () => Promise.reject(new Error("unused")),
    close: async () => undefined,
    [Symbol.asyncDispose]: async () => undefined,
  };
  return { transport, requests };
}

function pipeline(transport: Transport, state: SessionState, layers: readonly Layer[]) {
  return buildPipeline(
    {
      registry: registryFromTables(schemas),
      transport,
      state,
      soapAction: "urn:vim25/6.5",
      path: "/sdk",
      retry: { attempts: 1 },
      isNotAuthenticated: (e) => e instanceof MethodFaultError && e.faultChain.includes("NotAuthenticated"),
    },
    layers,
  );
}

const time = { schema: builtin.CurrentTime, method: "CurrentTime", args: { _this: SI }, safe: true };

describe("user layers", () => {
  it("a wire layer adds a header to every request; a call layer sees the method and its decoded result", async () => {
    const { transport, requests } = scripted(() => ({ body: TIME }));
    const seen: Array<{ method: string; result: unknown }> = [];
    const handler = pipeline(transport, new SessionState(), [
      { name: "proxy-auth", step: "wire", middleware: (next) => (call) => next({ ...call, headers: { ...call.headers, "proxy-authorization": "Basic cHJveHk6cHc=" } }) },
      {
        name: "metrics",
        step: "call",
        middleware: (next) => async (call) => {
          const result = await next(call);
          seen.push({ method: call.method, result });
          return result;
        },
      },
    ]);
    await handler(time);
    expect(requests[0]!.headers?.["proxy-authorization"]).toBe("Basic cHJveHk6cHc=");
    expect(seen).toEqual([{ method: "CurrentTime", result: new Date("2024-05-01T10:00:00Z") }]);
  });

  it("relative order decides what a layer sees: outside the session layer one call, inside it the call and its replay", async () => {
    const state = new SessionState();
    const { transport, requests } = scripted((req) => {
      if (req.method === "Login") {
        return { body: envelope("Login", "<returnval><key>k</key><userName>u</userName><fullName>u</fullName><loginTime>2024-05-01T10:00:00Z</loginTime><lastActiveTime>2024-05-01T10:00:00Z</lastActiveTime><locale>en</locale><messageLocale>en</messageLocale><extensionSession>false</extensionSession><ipAddress>127.0.0.1</ipAddress><userAgent>t</userAgent><callCount>1</callCount></returnval>"), cookie: "s2" };
      }
      return { body: /vmware_soap_session="s2"/.test(String(req.headers?.cookie)) ? TIME : NOT_AUTH };
    });
    const outer: string[] = [];
    const inner: string[] = [];
    const count = (into: string[]): Middleware<ApiCall, unknown> => (next) => (call) => {
      into.push(call.method);
      return next(call);
    };
    const handler = pipeline(transport, state, [
      { name: "outer", step: "call", middleware: count(outer) },
      { name: "inner", step: "call", middleware: count(inner), after: "session" },
    ]);
    state.arm(async () => void (await handler({ schema: builtin.Login, method: "Login", args: { _this: { type: "SessionManager", value: "SessionManager" }, userName: "u", password: "p" }, safe: false, recover: false })));
    await expect(handler(time)).resolves.toEqual(new Date("2024-05-01T10:00:00Z"));
    expect(outer).toEqual(["CurrentTime", "Login"]); // the re-login is a call of its own, through the whole chain
    expect(inner).toEqual(["CurrentTime", "Login", "CurrentTime"]); // inside session: the first try, the login, the replay
    expect(requests.map((r) => r.method)).toEqual(["CurrentTime", "Login", "CurrentTime"]);
  });

  it("a layer with an unknown step or anchor is refused before any call", () => {
    const { transport } = scripted(() => ({ body: TIME }));
    expect(() => pipeline(transport, new SessionState(), [{ name: "x", step: "codec", middleware: (n: unknown) => n } as never])).toThrow(/step "call" or "wire"/);
    expect(() => pipeline(transport, new SessionState(), [{ name: "x", step: "wire", middleware: (n) => n, after: "session" }])).toThrow(/"session", which is not in the stack \(it holds: trace, cookie\)/);
  });
});
