// The versions a client offers when it negotiates (Client.call's typing is
// checked in test/types/client-call.test-d.ts).
import { describe, expect, it } from "vitest";
import { offeredVersions } from "../../runtime/client/known-versions.js";
import { schemas } from "../support/bindings.js";

describe("offered versions", () => {
  it("are the list the generator wrote into the bindings, ending at their own version", () => {
    const v = offeredVersions(schemas);
    expect(v).toEqual(schemas.apiVersions);
    expect(v).toContain("6.5");
    expect(v.at(-1)).toBe(schemas.apiVersion);
  });

  it("add the bindings' own version when the list lacks it, and nothing else", () => {
    expect(offeredVersions({ apiVersion: "7.0.3.5", apiVersions: ["6.7", "7.0.3.0"] })).toEqual(["6.7", "7.0.3.0", "7.0.3.5"]);
    expect(offeredVersions({ apiVersion: "1.0" })).toEqual(["1.0"]);
    expect(offeredVersions({})).toEqual([]);
  });
});
