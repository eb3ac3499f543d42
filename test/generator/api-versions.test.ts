import { describe, expect, it } from "vitest";
import { apiVersionsOf } from "../../generator/model/api-versions.js";
import { publicWireVersions } from "../../generator/vmodl/versions.js";
import { releases } from "../../wsdl/manifest.js";

describe("apiVersionsOf", () => {
  it("lists every known version up to the bindings' own, oldest first, without pre-releases", () => {
    const v = apiVersionsOf({ service: "vim25", apiVersion: "7.0.3.0" }, ["9.1.0.0", "7.0.2.0", undefined, "7.0"]);
    expect(v.slice(0, 3)).toEqual(["2.5", "4.0", "4.1"]);
    expect(v.slice(-4)).toEqual(["6.7.3", "7.0", "7.0.2.0", "7.0.3.0"]);
    expect(v).not.toContain("9.1.0.0"); // newer than the bindings
    expect(v).not.toContain("2.5u2server"); // a pre-release id's wire version
    expect(v).not.toContain("6.8.7");
  });

  it("prefers the versions the model's VMODL names (pyVmomi type info) over the built-in table", () => {
    const v = apiVersionsOf({ service: "vim25", apiVersion: "8.0.3.0", versions: ["7.0.1.0", "8.0.1.0", "8.0.3.0", "9.0.0.0"] }, []);
    expect(v).toEqual(["7.0.1.0", "8.0.1.0", "8.0.3.0"]);
  });

  it("is empty when the bundle names no dotted version", () => {
    expect(apiVersionsOf({ service: "vim25" }, ["7.0.3.0"])).toEqual([]);
  });

  it("covers every vim25 bundle of the manifest up to the newest", () => {
    const vim = releases("vim25").flatMap((r) => (r.apiVersion ? [r.apiVersion] : []));
    const newest = vim.at(-1)!;
    const v = apiVersionsOf({ service: "vim25", apiVersion: newest }, vim);
    for (const known of [...vim, ...publicWireVersions("vim25")]) expect(v).toContain(known);
  });
});
