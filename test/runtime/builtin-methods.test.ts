// The runtime's built-in descriptors are the default release's generated ones,
// field for field. test/generator/all-releases.test.ts checks every release.
import { describe, expect, it } from "vitest";
import * as bindings from "../support/bindings.js";
import { BUILTINS, descriptorsIn, wire } from "../support/builtin-methods.js";

describe("the runtime's built-in method descriptors", () => {
  it("are each written once", () => {
    const names = BUILTINS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(["Login", "CurrentTime", "RetrievePropertiesEx", "WaitForUpdatesEx", "CreateContainerView"]));
  });

  it("match the default release's generated descriptors", () => {
    const generated = descriptorsIn(bindings);
    for (const b of BUILTINS) {
      const g = generated.get(b.name);
      expect(g, `${b.name} is generated`).toBeDefined();
      expect(wire(b), b.name).toEqual(wire(g!));
    }
  });
});
