/**
 * What a user of a version-pinned client sees: a sentence naming the method,
 * parameter or path, the version it needs and the version the client is
 * pinned to (Kysely-style), not a silent `never` or a wall of literals.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import ts from "typescript";

const repo = path.resolve(import.meta.dirname, "../..");
const consumer = path.join(repo, "test", "types", "__version_errors__.ts");

const source = `
import type { Client } from "../../runtime/client/client.js";
import { retrieve } from "../../runtime/property/retrieve.js";
import type { MoRef } from "../../runtime/types.js";
import { HostVsanInternalSystem, VirtualMachine, type schemas } from "../../generated/vim25-8.0.3/index.js";
declare const at65: Client<typeof schemas, "6.5">;
declare const at55: Client<typeof schemas, "5.5">;
declare const vm: MoRef<"VirtualMachine">;
declare const vsi: MoRef<"HostVsanInternalSystem">;
export async function f() {
  await at65.call(VirtualMachine.ApplyEvcModeVM_Task, vm, { completeMasks: true });
  await at55.call(HostVsanInternalSystem.CanProvisionObjects, vsi, { npbs: [], ignoreSatisfiability: true });
  await retrieve(at65, [vm], ["name", "config.sgxInfo", "config.vcpuConfig"]);
}
`;

function diagnostics(): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts", "lib.esnext.disposable.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: ["node"],
    paths: { tsvmomi: [path.join(repo, "runtime", "index.ts")] },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === consumer ? source : readFile(f));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => path.resolve(f) === consumer || fileExists(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, create) =>
    path.resolve(f) === consumer ? ts.createSourceFile(f, source, lang) : getSourceFile(f, lang, onError, create);
  const program = ts.createProgram([consumer], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && path.resolve(d.file.fileName) === consumer)
    .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

describe("version-pinned client errors", () => {
  const diags = diagnostics();

  it("gives exactly one error per too-new use", () => {
    expect(diags).toHaveLength(3);
  });

  it("says which method needs which version", () => {
    expect(diags.some((d) => d.includes("ApplyEvcModeVM_Task needs API 6.7; client is pinned to 6.5"))).toBe(true);
  });

  it("says which parameter needs which version", () => {
    expect(diags.some((d) => d.includes("CanProvisionObjects parameter 'ignoreSatisfiability' needs API 6.0; client is pinned to 5.5"))).toBe(true);
  });

  it("names every too-new path in one selection", () => {
    const d = diags.find((m) => m.includes("path 'config.sgxInfo'"));
    expect(d).toContain("VirtualMachine path 'config.sgxInfo' needs API 7.0.0.0; client is pinned to 6.5");
    expect(d).toContain("VirtualMachine path 'config.vcpuConfig' needs API 7.0.0.0; client is pinned to 6.5");
    expect(d!.length).toBeLessThan(1500);
  });
});
