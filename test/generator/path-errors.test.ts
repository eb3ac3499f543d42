/**
 * What a user sees for a wrong path: the compiler's own message must name the
 * bad path (and, where tsc can, suggest the right one), not a wall of literals.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import ts from "typescript";

const repo = path.resolve(import.meta.dirname, "../..");
const consumer = path.join(repo, "test", "types", "__path_errors__.ts");

const source = `
import type { VirtualMachinePath, VirtualMachinePaths, HostSystemPath } from "../support/bindings.js";
import type { Selected } from "../../runtime/property/selection.js";
declare function select<const P extends VirtualMachinePath>(paths: readonly P[]): Selected<VirtualMachinePaths, P>;
declare function selectHost<const P extends HostSystemPath>(paths: readonly P[]): unknown;
select(["name", "summary.runtime.powerStat"]);
select(["config.hardware.device.key"]);
selectHost(["guest.toolsStatus"]);
`;

function diagnostics(): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
    // Generated bindings import their shared shapes from the runtime package.
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

describe("wrong property paths", () => {
  const diags = diagnostics();


  it("gives one error per wrong path and none for the right ones", () => {
    expect(diags).toHaveLength(3);
  });

  it("names a misspelled path and suggests the right one", () => {
    const d = diags.find((m) => m.includes('"summary.runtime.powerStat"'));
    expect(d).toBeDefined();
    expect(d).toMatch(/Did you mean '"summary\.runtime\.powerState"'/);
  });

  it("names a path that crosses an array, and a path of another managed type", () => {
    expect(diags.some((m) => m.includes('"config.hardware.device.key"'))).toBe(true);
    expect(diags.some((m) => m.includes('"guest.toolsStatus"') && m.includes("HostSystemPath"))).toBe(true);
  });

  it("shows the alias name, not thousands of literals", () => {
    for (const d of diags) expect(d.length).toBeLessThan(600);
  });
});
