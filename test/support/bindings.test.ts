import { describe, expect, it } from "vitest";
import { DEFAULT_RELEASE } from "../../wsdl/manifest.js";
import { schemas } from "./bindings.js";

describe("generated/default.ts", () => {
  it("re-exports the default release named in wsdl/manifest.ts", () => {
    expect({ service: schemas.service, release: schemas.release }).toEqual(DEFAULT_RELEASE);
  });
});

describe("generated/default-lazy.ts", () => {
  it("names the same release, and loads a method module on demand", async () => {
    const lazy = await import("../../generated/default-lazy.js");
    expect(lazy.schemas).toBe(schemas);
    expect(lazy.release).toEqual(DEFAULT_RELEASE);
    const vm = await lazy.methodModules.VirtualMachine();
    expect(vm.PowerOnVM_Task.name).toBe("PowerOnVM_Task");
  });
});
