/**
 * The default release's committed bindings as tsc sees them: they compile under
 * --strict, and what a user sees for a wrong property path or a call newer than
 * a pinned client's version is a sentence naming it, not a wall of literals or
 * a silent `never`.
 *
 * One program serves every check. Parsing the bindings and the runtime is most
 * of the cost, and the consumers' messages come from the same checker, so the
 * two consumer files below are roots beside the bindings' index.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import ts from "typescript";
import { DEFAULT_RELEASE } from "../../wsdl/manifest.js";

const repo = path.resolve(import.meta.dirname, "../..");
const committed = path.join(repo, "generated", `${DEFAULT_RELEASE.service}-${DEFAULT_RELEASE.release}`);

/** Consumers that exist only in memory, each a file a user could write. */
const consumers = {
  paths: {
    file: path.join(repo, "test", "types", "__path_errors__.ts"),
    source: `
import type { VirtualMachinePath, VirtualMachinePaths, HostSystemPath } from "../support/bindings.js";
import type { Selected } from "../../runtime/property/selection.js";
declare function select<const P extends VirtualMachinePath>(paths: readonly P[]): Selected<VirtualMachinePaths, P>;
declare function selectHost<const P extends HostSystemPath>(paths: readonly P[]): unknown;
select(["name", "summary.runtime.powerStat"]);
select(["config.hardware.device.key"]);
selectHost(["guest.toolsStatus"]);
`,
  },
  versions: {
    file: path.join(repo, "test", "types", "__version_errors__.ts"),
    source: `
import type { Client } from "../../runtime/client/client.js";
import { retrieve } from "../../runtime/property/retrieve.js";
import type { MoRef } from "../../runtime/types.js";
import { HostVsanInternalSystem, VirtualMachine, type schemas } from "../support/bindings.js";
declare const at65: Client<typeof schemas, "6.5">;
declare const at55: Client<typeof schemas, "5.5">;
declare const vm: MoRef<"VirtualMachine">;
declare const vsi: MoRef<"HostVsanInternalSystem">;
export async function f() {
  await at65.call(VirtualMachine.ApplyEvcModeVM_Task, vm, { completeMasks: true });
  await at55.call(HostVsanInternalSystem.CanProvisionObjects, vsi, { npbs: [], ignoreSatisfiability: true });
  await retrieve(at65, [vm], ["name", "config.sgxInfo", "config.vcpuConfig"]);
}
`,
  },
} as const;

function listFiles(dir: string, prefix = ""): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

function createProgram(): ts.Program {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    lib: ["lib.es2023.d.ts", "lib.esnext.disposable.d.ts"],
    types: ["node"],
    // Generated bindings import their shared shapes from the runtime package.
    paths: { tsvmomi: [path.join(repo, "runtime", "index.ts")] },
  };
  const inMemory = new Map<string, string>(Object.values(consumers).map((c) => [c.file, c.source]));
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => inMemory.get(path.resolve(f)) ?? readFile(f);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => inMemory.has(path.resolve(f)) || fileExists(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, create) => {
    const text = inMemory.get(path.resolve(f));
    return text === undefined ? getSourceFile(f, lang, onError, create) : ts.createSourceFile(f, text, lang);
  };
  return ts.createProgram([path.join(committed, "index.ts"), ...inMemory.keys()], options, host);
}

const format = (d: ts.Diagnostic) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;

let program: ts.Program;
let bindingsErrors: string[];
const consumerDiagnostics: Partial<Record<keyof typeof consumers, string[]>> = {};

beforeAll(() => {
  program = createProgram();
  const consumerFiles = new Set<string>(Object.values(consumers).map((c) => c.file));
  // Every file but the consumers, plus the options' and global diagnostics: none allowed.
  bindingsErrors = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !(d.file && consumerFiles.has(path.resolve(d.file.fileName))))
    .map((d) => `${d.file ? path.relative(repo, d.file.fileName) : "(global)"}: ${format(d)}`);
  for (const [name, c] of Object.entries(consumers) as [keyof typeof consumers, (typeof consumers)[keyof typeof consumers]][]) {
    const sf = program.getSourceFile(c.file)!;
    consumerDiagnostics[name] = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map(format);
  }
}, 240_000);

describe(`generated/${DEFAULT_RELEASE.service}-${DEFAULT_RELEASE.release}`, () => {
  it("compiles with tsc --strict and no errors", () => {
    expect(bindingsErrors).toEqual([]);
    // Every generated file is part of the program: nothing is left unchecked.
    const inProgram = new Set(program.getSourceFiles().map((f) => path.resolve(f.fileName)));
    for (const f of listFiles(committed)) expect(inProgram.has(path.join(committed, f)), f).toBe(true);
  });
});

describe("wrong property paths", () => {
  const diags = () => consumerDiagnostics.paths!;

  it("gives one error per wrong path and none for the right ones", () => {
    expect(diags()).toHaveLength(3);
  });

  it("names a misspelled path and suggests the right one", () => {
    const d = diags().find((m) => m.includes('"summary.runtime.powerStat"'));
    expect(d).toBeDefined();
    expect(d).toMatch(/Did you mean '"summary\.runtime\.powerState"'/);
  });

  it("names a path that crosses an array, and a path of another managed type", () => {
    expect(diags().some((m) => m.includes('"config.hardware.device.key"'))).toBe(true);
    expect(diags().some((m) => m.includes('"guest.toolsStatus"') && m.includes("HostSystemPath"))).toBe(true);
  });

  it("shows the alias name, not thousands of literals", () => {
    for (const d of diags()) expect(d.length).toBeLessThan(600);
  });
});

describe("version-pinned client errors", () => {
  const diags = () => consumerDiagnostics.versions!;

  it("gives exactly one error per too-new use", () => {
    expect(diags()).toHaveLength(3);
  });

  it("says which method needs which version", () => {
    expect(diags().some((d) => d.includes("ApplyEvcModeVM_Task needs API 6.7; client is pinned to 6.5"))).toBe(true);
  });

  it("says which parameter needs which version", () => {
    expect(diags().some((d) => d.includes("CanProvisionObjects parameter 'ignoreSatisfiability' needs API 6.0; client is pinned to 5.5"))).toBe(true);
  });

  it("names every too-new path in one selection", () => {
    const d = diags().find((m) => m.includes("path 'config.sgxInfo'"));
    expect(d).toContain("VirtualMachine path 'config.sgxInfo' needs API 7.0.0.0; client is pinned to 6.5");
    expect(d).toContain("VirtualMachine path 'config.vcpuConfig' needs API 7.0.0.0; client is pinned to 6.5");
    expect(d!.length).toBeLessThan(1500);
  });
});
