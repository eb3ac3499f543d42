/**
 * vim25-8.0.3 is generated from pyVmomi type info alone; its data types must
 * match what vim25-9.0.0's WSDL says for every type both have. The grouped
 * report is committed in docs/GENERATOR.md (between the wire-check markers)
 * and explained there; this test holds both to today's output.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../generator/pipeline.js";
import { compareWireModels, renderWireComparison } from "../../generator/model/wire-compare.js";

const repo = path.resolve(import.meta.dirname, "../..");

describe("vim25-8.0.3 from type info against vim25-9.0.0's WSDL", () => {
  it("differs only where 9.0 added or relaxed fields, and docs/GENERATOR.md shows exactly this report", async () => {
    const [a, b] = await Promise.all([loadModel({ release: "8.0.3" }), loadModel({ release: "9.0.0" })]);
    const c = compareWireModels(a, b);
    const count = (g: string) => c.differences.filter((d) => d.group === g).length;
    // What the explanation in the doc claims.
    expect([count("base-differs"), count("order-differs"), count("type-differs"), count("array-differs"), count("fields-only-in-a")]).toEqual([0, 0, 0, 0, 0]);
    expect(c.onlyA).toEqual([]);
    expect([count("fields-appended-in-b"), count("fields-only-in-b"), count("optional-differs")]).toEqual([37, 17, 1]);
    expect(c.differences.find((d) => d.group === "optional-differs")).toMatchObject({ type: "VMwareIpfixConfig", detail: "idleFlowTimeout: required vs optional" });
    expect(c.common - c.identical).toBe(55);
    expect(c.onlyB.length).toBe(192);

    const doc = readFileSync(path.join(repo, "docs", "GENERATOR.md"), "utf8");
    const section = /<!-- wire-check:begin -->\n([\s\S]*?)<!-- wire-check:end -->/.exec(doc)?.[1];
    expect(section, "docs/GENERATOR.md lacks the wire-check markers").toBeDefined();
    expect(section).toBe(`${renderWireComparison(c)}\n`);
  });
});
