/**
 * The committed bindings tree-shake: a consumer of three method descriptors,
 * the schemas table and one enum bundles without the other descriptors, enums
 * and fault classes. Expectations come from the generated sources themselves
 * (every `export const X: MethodDescriptor` and every enum), not from a bundle.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { build } from "esbuild";
import { DEFAULT_RELEASE } from "../../wsdl/manifest.js";

const repo = path.resolve(import.meta.dirname, "../..");
const gen = path.join(repo, "generated", `${DEFAULT_RELEASE.service}-${DEFAULT_RELEASE.release}`);

async function bundle(contents: string): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: gen, loader: "ts", sourcefile: "consumer.ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    minify: true,
    treeShaking: true,
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

const methodNames = fs
  .readdirSync(path.join(gen, "methods"))
  .flatMap((f) => [...fs.readFileSync(path.join(gen, "methods", f), "utf8").matchAll(/^export const (\w+): MethodDescriptor</gm)].map((m) => m[1]!));
const enumsText = fs.readFileSync(path.join(gen, "enums.ts"), "utf8");
// Each enum with its object literal as esbuild minifies it: `{a:"a",b:"b"}`.
const enums = [...enumsText.matchAll(/^export const (\w+) = \/\* @__PURE__ \*\/ Object\.freeze\(\{\n([\s\S]*?)\n\} as const\);/gm)].map((m) => ({
  name: m[1]!,
  body: `{${[...m[2]!.matchAll(/^\s+("?[^":]+"?): ("[^"]*"),$/gm)].map((x) => `${x[1]}:${x[2]}`).join(",")}}`,
}));

/** Names a methods module exports: its own descriptors and the ones it re-exports from a base type. */
function moduleExports(owner: string): string[] {
  const text = fs.readFileSync(path.join(gen, "methods", `${owner}.ts`), "utf8");
  const own = [...text.matchAll(/^export const (\w+): MethodDescriptor</gm)].map((m) => m[1]!);
  const reexported = [...text.matchAll(/^export \{ ([^}]+) \} from/gm)].flatMap((m) => m[1]!.split(",").map((n) => n.trim()));
  return [...own, ...reexported];
}

const KEPT = ["PowerOnVM_Task", "PowerOffVM_Task", "CreateFolder"];
const KEPT_ENUM = "VirtualMachinePowerState";

describe(`tree-shaking ${path.basename(gen)}`, () => {
  it("finds the generated names it reasons about", () => {
    for (const m of [...KEPT, "ReconfigureCluster_Task"]) expect(methodNames).toContain(m);
    expect(enums.map((e) => e.name)).toContain(KEPT_ENUM);
    expect(enums.length).toBeGreaterThan(100);
    expect(enums.find((e) => e.name === KEPT_ENUM)!.body).toMatch(/^\{\w+:"\w+"(,\w+:"\w+")+\}$/);
  });

  for (const [style, source] of [
    [
      "through index.ts namespaces",
      `import { VirtualMachine, Folder, schemas, ${KEPT_ENUM} } from "./index.js";
       export const used = [VirtualMachine.PowerOnVM_Task, VirtualMachine.PowerOffVM_Task, Folder.CreateFolder, schemas, ${KEPT_ENUM}.poweredOn];`,
    ],
    [
      "through per-module imports",
      `import { PowerOnVM_Task, PowerOffVM_Task } from "./methods/VirtualMachine.js";
       import { CreateFolder } from "./methods/Folder.js";
       import { schemas } from "./schemas.js";
       import { ${KEPT_ENUM} } from "./enums.js";
       export const used = [PowerOnVM_Task, PowerOffVM_Task, CreateFolder, schemas, ${KEPT_ENUM}];`,
    ],
  ] as const) {
    it(`keeps only what a three-method consumer uses, ${style}`, async () => {
      const out = await bundle(source);
      const descriptors = methodNames.filter((n) => out.includes(`name:${JSON.stringify(n)}`)).sort();
      if (style === "through per-module imports") {
        expect(descriptors).toEqual([...KEPT].sort());
      } else {
        // esbuild materializes an `export * as X` namespace whole once X is used: the
        // granularity is then the managed type's module, never the whole API.
        expect(descriptors).toEqual(expect.arrayContaining(KEPT));
        const allowed = new Set([...moduleExports("VirtualMachine"), ...moduleExports("Folder")]);
        expect(descriptors.filter((n) => !allowed.has(n))).toEqual([]);
      }
      expect(out).not.toContain("ReconfigureCluster_Task");

      const keptEnum = enums.find((e) => e.name === KEPT_ENUM)!;
      expect(out).toContain(keptEnum.body);
      expect(enums.filter((e) => e.name !== KEPT_ENUM && out.includes(e.body)).map((e) => e.name)).toEqual([]);

      // Fault classes are the only generated code with a static Symbol.hasInstance.
      expect(out).not.toContain("hasInstance");
      expect(out).toContain('namespace:"urn:vim25"');
    });
  }

  it("keeps every descriptor when a consumer takes the whole namespace", async () => {
    const out = await bundle(`import * as everything from "./index.js"; export const all = everything;`);
    const missing = methodNames.filter((n) => !out.includes(`name:${JSON.stringify(n)}`));
    expect(missing).toEqual([]);
    expect(out).toContain("hasInstance");
    expect(enums.filter((e) => !out.includes(e.body)).map((e) => e.name)).toEqual([]);
  });
});
