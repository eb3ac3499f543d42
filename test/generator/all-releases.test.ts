/**
 * Every bundle in wsdl/manifest.json generates and compiles under --strict.
 * Dependent services (pbm, vslm, sms, eam) are generated against the vim25
 * bindings of their release and must borrow vim25's types, not copy them.
 *
 * All releases go into one TypeScript program: a dependent service imports
 * its vim25, so separate programs would check each vim25 types.ts twice.
 * `TSVMOMI_RELEASES=vim25-9.1,pbm-9.1` narrows the run (a dependent service
 * pulls in its vim25 automatically).
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import ts from "typescript";
import { loadModel } from "../../generator/pipeline.js";
import { emitBindings } from "../../generator/emit/emit.js";
import { writeTreeAtomically } from "../../generator/emit/write.js";
import { pairedVim25, releases, type ManifestRelease } from "../../wsdl/manifest.js";
import type { ApiModel } from "../../generator/model/ir.js";
import { compareVersions } from "../../runtime/soap/versions.js";
import { BUILTINS, descriptorsIn, wire } from "../support/builtin-methods.js";
import { repoRoot } from "../../wsdl/paths.js";
import { describeIf } from "../support/skip.js";

const repo = path.resolve(import.meta.dirname, "../..");
// Under the repo (gitignored) so the repo's package.json makes the .ts files ESM for NodeNext.
const outRoot = path.join(repo, ".tmp", "all-releases");

const name = (r: Pick<ManifestRelease, "service" | "release">) => `${r.service}-${r.release}`;

export { pairedVim25 };

/**
 * Bundles no vim25 bundle fits exactly. pbm-6.5 embeds the vim25 6.5 schema, but
 * ../shared has no vim25-6.5: 6.0 lacks the 6.5 additions and 6.7 dropped the
 * vCloud resource-pool types (VRPEditSpec, VirtualResourcePoolSpec, …). For these the
 * only errors allowed are names the paired vim25 does not export.
 */
const MISSING_IN_PAIRED_VIM25 = new Set(["pbm-6.5"]);

const vimReleases = releases("vim25").map((r) => r.release);
const wanted = process.env.TSVMOMI_RELEASES?.split(",").map((s) => s.trim()).filter(Boolean);

const dependents = releases().filter((r) => r.service !== "vim25" && (!wanted || wanted.includes(name(r))));
const pairs = new Map(dependents.map((r) => [name(r), pairedVim25(r.release, vimReleases)]));
const vims = releases("vim25").filter(
  (r) => !wanted || wanted.includes(name(r)) || [...pairs.values()].includes(r.release),
);
const all = [...vims, ...dependents];

interface Outcome {
  error?: string;
  model?: ApiModel;
  files?: Map<string, string>;
  diagnostics: string[];
}
const outcomes = new Map<string, Outcome>();

describeIf(all.length > 0, `TSVMOMI_RELEASES=${process.env.TSVMOMI_RELEASES} names no manifest release`)("every manifest release", () => {
  beforeAll(async () => {
    fs.rmSync(outRoot, { recursive: true, force: true });
    // vim25 first: dependents are checked against it.
    for (const r of all) {
      const key = name(r);
      try {
        const model = await loadModel({ service: r.service, release: r.release });
        const paired = pairs.get(key);
        if (r.service !== "vim25" && !paired) throw new Error(`no vim25 release to pair ${key} with`);
        const files = emitBindings(model, r.service === "vim25" ? {} : { externalTypes: `../vim25-${paired}` });
        await writeTreeAtomically(path.join(outRoot, key), files);
        outcomes.set(key, { model, files, diagnostics: [] });
      } catch (err) {
        outcomes.set(key, { error: (err as Error).message, diagnostics: [] });
      }
    }

    const roots = [...outcomes].filter(([, o]) => o.files).map(([key]) => path.join(outRoot, key, "index.ts"));
    const program = ts.createProgram(roots, {
      strict: true,
      noEmit: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2023.d.ts", "lib.esnext.disposable.d.ts"],
      types: ["node"],
      skipLibCheck: true,
      // Generated bindings import their shared shapes from the runtime package.
      paths: { tsvmomi: [path.join(repoRoot(), "runtime", "index.ts")] },
    });
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const file = d.file ? path.relative(outRoot, d.file.fileName) : "(global)";
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const text = `${file}${where ? `(${where.line + 1},${where.character + 1})` : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      const owner = d.file ? file.split(path.sep)[0]! : undefined;
      const target = owner && outcomes.get(owner);
      if (target) target.diagnostics.push(text);
      else for (const o of outcomes.values()) o.diagnostics.push(text);
    }
  }, 600_000);

  it.each(all.map((r) => [name(r)]))("%s generates and compiles with --strict", (key) => {
    const o = outcomes.get(key)!;
    expect(o.error, "generation failed").toBeUndefined();
    const unexpected = MISSING_IN_PAIRED_VIM25.has(key)
      ? o.diagnostics.filter((d) => !/^[^:]+\/types\.ts\(\d+,\d+\): .*vim25-[^/]+\/types.* has no exported member/.test(d))
      : o.diagnostics;
    expect(unexpected.slice(0, 20)).toEqual([]);
  });

  // The runtime writes its few built-in descriptors by hand (it never imports generated code): each must
  // be the generated one in every release that has the method, and newer than every release that lacks it.
  it.each(vims.map((r) => [name(r)]))("%s: the runtime's built-in descriptors are its generated ones", async (key) => {
    const o = outcomes.get(key)!;
    expect(o.model, o.error).toBeDefined();
    const model = o.model!;
    for (const b of BUILTINS) {
      const m = model.methods[b.name];
      if (!m) {
        expect(b.since, `${key} lacks ${b.name}, so the built-in must say when it came`).toBeDefined();
        if (model.apiVersion) expect(compareVersions(b.since!, model.apiVersion), `${b.name} since ${b.since}`).toBeGreaterThan(0);
        continue;
      }
      const owner = m.owners[0] ?? "Unowned";
      const generated = descriptorsIn(await import(path.join(outRoot, key, "methods", `${owner}.ts`))).get(b.name);
      expect(generated, `${key}: ${b.name} in methods/${owner}.ts`).toBeDefined();
      // `since` comes from the VMODL, which may describe an older API than the bundle: compare it where both say.
      const { since: gs, ...g } = wire(generated!);
      const { since: bs, ...own } = wire(b);
      expect(own, `${key}: ${b.name}`).toEqual(g);
      if (gs !== undefined) expect(bs, `${key}: ${b.name} since`).toBe(gs);
    }
  });

  it.each(dependents.map((r) => [name(r)]))("%s borrows vim25's types instead of copying them", (key) => {
    const o = outcomes.get(key)!;
    expect(o.files, o.error).toBeDefined();
    const types = o.files!.get("types.ts")!;
    const vimDir = path.join(outRoot, `vim25-${pairs.get(key)}`);
    // types.ts re-exports the enums with `export { … }`; their declarations are in enums.ts.
    const vimTypes = ["types.ts", "enums.ts"].map((f) => fs.readFileSync(path.join(vimDir, f), "utf8")).join("\n");
    const declared = (text: string) => new Set([...text.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]!));
    const aliases = new Set([...types.matchAll(/^export type (\w+) = ext\.\1;$/gm)].map((m) => m[1]!));
    const vimNames = declared(vimTypes);
    // A name both files declare must be a re-export alias, never a second declaration.
    const copied = [...declared(types)].filter((n) => vimNames.has(n) && !aliases.has(n) && n !== "DataObjectBase");
    expect(copied).toEqual([]);
    expect(types).not.toMatch(/^export interface VirtualMachineConfigSpecFields\b/m);
    expect(types).not.toMatch(/^export interface ManagedObjectReferenceFields\b/m);
    // Every borrowed name must exist in the paired vim25 (the compile also proves this).
    const missing = [...aliases].filter((n) => !vimNames.has(n));
    if (MISSING_IN_PAIRED_VIM25.has(key)) expect(missing.length).toBeLessThan(aliases.size / 100);
    else expect(missing).toEqual([]);
  });

  it("pairs each dependent bundle with the vim25 of its version, else the next newer one", () => {
    // Independent of the manifest: fixed names, the rule stated above.
    const vim = ["4.1", "5.5", "6.0", "6.7.0", "6.7.3-approx", "7.0.0", "7.0.3", "9.0.0", "9.1"];
    expect(pairedVim25("9.1", vim)).toBe("9.1");
    expect(pairedVim25("9.0.0", vim)).toBe("9.0.0");
    expect(pairedVim25("8.0", vim)).toBe("9.0.0");
    expect(pairedVim25("7.0", vim)).toBe("7.0.3");
    expect(pairedVim25("6.7", vim)).toBe("6.7.3-approx");
    expect(pairedVim25("6.5", vim)).toBe("6.7.0");
    expect(pairedVim25("9.2", vim)).toBe("9.1");
    expect(pairedVim25("4.0", vim)).toBe("4.1");
  });
});
