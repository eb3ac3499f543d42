import { describe, expect, it } from "vitest";
import { DEFAULT_RELEASE } from "../../wsdl/manifest.js";
import { schemas } from "./bindings.js";

describe("test/support/bindings.ts", () => {
  it("re-exports the default release named in wsdl/manifest.ts", () => {
    expect({ service: schemas.service, release: schemas.release }).toEqual(DEFAULT_RELEASE);
  });
});

describe("test/support/bindings-schemas.ts", () => {
  it("names the same release as bindings.ts", async () => {
    const lean = await import("./bindings-schemas.js");
    expect(lean.schemas).toBe(schemas);
  });
});
