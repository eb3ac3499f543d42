/**
 * The committed bindings are exactly what the generator makes from ../shared,
 * run after run. That they compile under --strict is checked in
 * bindings-tsc.test.ts, in the program that also checks the compiler's messages.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../generator/pipeline.js";
import { emitBindings, emitDefaultSelector } from "../../generator/emit/emit.js";
import { DEFAULT_RELEASE } from "../../wsdl/manifest.js";

const repo = path.resolve(import.meta.dirname, "../..");
const committed = path.join(repo, "generated", `${DEFAULT_RELEASE.service}-${DEFAULT_RELEASE.release}`);

function listFiles(dir: string, prefix = ""): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

describe(`generated/${DEFAULT_RELEASE.service}-${DEFAULT_RELEASE.release}`, () => {
  it("is reproduced byte for byte from ../shared, and twice the same", async () => {
    const model = await loadModel({ service: DEFAULT_RELEASE.service, release: DEFAULT_RELEASE.release });
    const first = emitBindings(model);
    const second = emitBindings(await loadModel({ service: DEFAULT_RELEASE.service, release: DEFAULT_RELEASE.release }));
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [file, text] of first) expect(second.get(file) === text, `${file} differs between runs`).toBe(true);

    expect(listFiles(committed)).toEqual([...first.keys()].sort());
    const stale: string[] = [];
    for (const [file, text] of first) {
      if (fs.readFileSync(path.join(committed, file), "utf8") !== text) stale.push(file);
    }
    // generated/default*.ts, which name the default release's folder for the repo's own code.
    for (const [file, text] of emitDefaultSelector(model, first)) {
      if (fs.readFileSync(path.join(committed, "..", file), "utf8") !== text) stale.push(file);
    }
    expect(stale, "regenerate with `npm run generate` and commit").toEqual([]);
  });
});
