// The one error family: one brand, one code style, one table in docs/ERRORS.md,
// and generated fault classes whose instanceof follows the class hierarchy.
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import * as errors from "../../runtime/errors/index.js";
import * as runtime from "../../runtime/index.js";
import { faults } from "../support/bindings.js";

const {
  ErrorCode,
  TsvmomiError,
  TransportError,
  TimeoutError,
  HttpStatusError,
  CodecError,
  ClientError,
  MethodFaultError,
  SessionError,
  ObjectGoneError,
} = errors;

describe("error codes", () => {
  const codes = Object.values(ErrorCode);

  it("are unique and in one style", () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const [key, code] of Object.entries(ErrorCode)) expect(code).toBe(`TSVMOMI_ERR_${key}`);
  });

  it("are each listed once in docs/ERRORS.md, and the table lists nothing else", () => {
    const doc = readFileSync(new URL("../../docs/ERRORS.md", import.meta.url), "utf8");
    const rows = [...doc.matchAll(/^\| `(TSVMOMI_ERR_\w+)` \|/gm)].map((m) => m[1]);
    expect([...rows].sort()).toEqual([...codes].sort());
  });
});

describe("one brand", () => {
  it("every runtime error class extends TsvmomiError and is exported from the runtime's index", () => {
    const classes = (Object.entries(errors) as [string, unknown][]).filter(
      (e): e is [string, abstract new (...a: never[]) => unknown] => typeof e[1] === "function" && /^[A-Z]/.test(e[1].name),
    );
    expect(classes.length).toBeGreaterThan(20);
    for (const [name, cls] of classes) {
      expect(cls === TsvmomiError || Object.prototype.isPrototypeOf.call(TsvmomiError.prototype, cls.prototype), name).toBe(true);
      expect((runtime as Record<string, unknown>)[name], `runtime/index.ts exports ${name}`).toBe(cls);
    }
  });

  it("instanceof follows the families and survives a second copy of the module", async () => {
    vi.resetModules(); // the next import evaluates runtime/errors again: a second copy of every class
    const dup = await import("../../runtime/errors/index.js");
    expect(dup.TimeoutError).not.toBe(TimeoutError);
    const foreign = new dup.TimeoutError({ host: "h:1", method: "M" }, "connect", 5);
    expect(foreign).toBeInstanceOf(TimeoutError);
    expect(foreign).toBeInstanceOf(TransportError);
    expect(foreign).toBeInstanceOf(TsvmomiError);
    expect(foreign).not.toBeInstanceOf(HttpStatusError);
    expect(foreign).not.toBeInstanceOf(ClientError);
    expect(new TimeoutError({ host: "h:1" }, "connect", 5)).toBeInstanceOf(dup.TransportError);
    const codec = new dup.CodecError(ErrorCode.NOT_XML, "x");
    expect(codec).toBeInstanceOf(CodecError);
    expect(codec).not.toBeInstanceOf(TransportError);
    expect(new dup.SessionError("s")).toBeInstanceOf(ClientError);
    expect(new Error("x")).not.toBeInstanceOf(TsvmomiError);
    expect({ code: "TSVMOMI_ERR_TIMEOUT" }).not.toBeInstanceOf(TransportError);
  });

  it("names each error after its class and keeps the code and cause", () => {
    const cause = new Error("inner");
    const e = new SessionError("gone", { cause, method: "CurrentTime" });
    expect(e).toMatchObject({ name: "SessionError", code: "TSVMOMI_ERR_SESSION", method: "CurrentTime", cause });
    const gone = new ObjectGoneError("waitForTask", { type: "Task", value: "task-1" }, "the task was removed");
    expect(gone.message).toBe("waitForTask(Task:task-1): the task was removed");
    expect(gone.code).toBe("TSVMOMI_ERR_OBJECT_GONE");
  });
});

describe("generated fault classes", () => {
  it("new faults.InvalidLogin(…) is a VimFault and a MethodFault: the chain comes from the class hierarchy", () => {
    const e = new faults.InvalidLogin("bad password", { _typeName: "InvalidLogin" });
    expect(e).toBeInstanceOf(faults.InvalidLogin);
    expect(e).toBeInstanceOf(faults.VimFault);
    expect(e).toBeInstanceOf(faults.MethodFault);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(faults.RuntimeFault);
    expect(e).not.toBeInstanceOf(faults.PasswordExpired); // a subtype of InvalidLogin
    expect(e.faultChain).toEqual(["InvalidLogin", "VimFault", "MethodFault"]);
    expect(e.name).toBe("InvalidLogin");
  });

  it("a base class given a subtype's fault object names that type first", () => {
    const e = new faults.VimFault("x", { _typeName: "InvalidLogin" });
    expect(e.faultChain).toEqual(["InvalidLogin", "VimFault", "MethodFault"]);
    expect(e).toBeInstanceOf(faults.InvalidLogin);
  });

  it("match the runtime's MethodFaultError by its chain", () => {
    const err = new MethodFaultError(
      { typeName: "InvalidLogin", fields: { _typeName: "InvalidLogin" }, message: "m", faultCode: "ServerFaultCode", method: "Login" },
      ["InvalidLogin", "VimFault", "MethodFault"],
    );
    expect(err).toBeInstanceOf(faults.VimFault);
    expect(err).not.toBeInstanceOf(faults.NotAuthenticated);
    expect(err).toBeInstanceOf(TsvmomiError);
    expect(err.code).toBe("TSVMOMI_ERR_FAULT");
  });
});
