/**
 * The committed pbm bindings the helpers use (generated/pbm-8.0, importing
 * the default vim25's types) are exactly what the generator makes from
 * ../shared: `npm run gen -- generate --release pbm-8.0 --external-types ../vim25-8.0.3`.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../generator/pipeline.js";
import { emitBindings } from "../../generator/emit/emit.js";

const repo = path.resolve(import.meta.dirname, "../..");
const committed = path.join(repo, "generated", "pbm-8.0");

function listFiles(dir: string, prefix = ""): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

describe("generated/pbm-8.0", () => {
  it("is reproduced byte for byte from ../shared", async () => {
    const files = emitBindings(await loadModel({ service: "pbm", release: "8.0" }), { externalTypes: "../vim25-8.0.3" });
    expect(listFiles(committed)).toEqual([...files.keys()].sort());
    const stale = [...files].filter(([file, text]) => fs.readFileSync(path.join(committed, file), "utf8") !== text).map(([f]) => f);
    expect(stale, "regenerate with `npm run gen -- generate --release pbm-8.0 --external-types ../vim25-8.0.3` and commit").toEqual([]);
  });
});
