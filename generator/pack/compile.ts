/**
 * Emitted `.ts` → ESM `.js` + `.d.ts`, entirely in memory with ts-morph: the
 * package is assembled as a file map and written once, so nothing half-built
 * ever lands on disk and no temporary tsconfig is needed.
 */
import { ErrorCode } from "tsvmomi";
import { GeneratorError } from "../errors.js";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Project, ts } from "ts-morph";

export interface CompileOptions {
  /** Type-check before emitting (default true). Skipping it saves most of the time. */
  check?: boolean;
  /**
   * Module specifiers that are allowed not to resolve (a dependent service's
   * vim25 package, which is not in the in-memory file system).
   */
  externalModules?: string[];
  /**
   * Installed packages the bindings import (the runtime, for its shared
   * shapes): name → folder on disk. Their package.json and `.d.ts` files are
   * mounted at /node_modules/<name>, so the check resolves them as a consumer would.
   */
  packages?: ReadonlyMap<string, string>;
}

export interface CompileResult {
  /** `index.js`, `index.d.ts`, `methods/X.js` … relative to the package's dist folder. */
  files: Map<string, string>;
  timings: { setupMs: number; checkMs: number; emitMs: number };
}

export class CompileError extends GeneratorError {
  static override readonly kind = "CompileError";
  constructor(message: string) {
    super(ErrorCode.PACK_COMPILE, message);
  }
}

const SRC = "/src";
const OUT = "/dist";

export function compileBindings(sources: Map<string, string>, opts: CompileOptions = {}): CompileResult {
  const t0 = performance.now();
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2023.d.ts"],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      declaration: true,
      skipLibCheck: true,
      isolatedModules: true,
      verbatimModuleSyntax: true,
      rootDir: SRC,
      outDir: OUT,
      newLine: ts.NewLineKind.LineFeed,
      types: [],
    },
  });
  // NodeNext decides ESM vs CJS from the nearest package.json, as it will in the published package.
  project.getFileSystem().writeFileSync("/package.json", JSON.stringify({ type: "module" }));
  for (const [name, dir] of opts.packages ?? []) mountDeclarations(project, name, dir);
  for (const [rel, text] of sources) {
    if (rel.endsWith(".ts")) project.createSourceFile(`${SRC}/${rel}`, text, { overwrite: true });
  }
  const t1 = performance.now();

  if (opts.check !== false) {
    const allowed = new Set(opts.externalModules ?? []);
    const diags = project.getPreEmitDiagnostics().filter((d) => !isAllowedMissingModule(d.compilerObject, allowed));
    if (diags.length) {
      const first = diags.slice(0, 5).map((d) => {
        const file = d.getSourceFile()?.getFilePath().replace(`${SRC}/`, "") ?? "(global)";
        const line = d.getLineNumber();
        return `${file}${line ? `:${line}` : ""}: TS${d.getCode()} ${ts.flattenDiagnosticMessageText(d.getMessageText() as string | ts.DiagnosticMessageChain, " ")}`;
      });
      throw new CompileError(`generated bindings do not type-check (${diags.length} error(s)); first: ${first.join(" | ")}`);
    }
  }
  const t2 = performance.now();

  const emitted = project.emitToMemory();
  const emitDiags = emitted.getDiagnostics();
  if (emitDiags.length) {
    const d = emitDiags[0]!;
    throw new CompileError(`emit failed: ${ts.flattenDiagnosticMessageText(d.getMessageText() as string | ts.DiagnosticMessageChain, " ")}`);
  }
  const files = new Map<string, string>();
  for (const f of emitted.getFiles()) {
    const rel = f.filePath.startsWith(`${OUT}/`) ? f.filePath.slice(OUT.length + 1) : undefined;
    if (!rel) throw new CompileError(`emit wrote outside the dist folder: ${f.filePath}`);
    files.set(rel, f.text);
  }
  const t3 = performance.now();
  return { files, timings: { setupMs: t1 - t0, checkMs: t2 - t1, emitMs: t3 - t2 } };
}

function mountDeclarations(project: Project, name: string, dir: string): void {
  const fs = project.getFileSystem();
  const files = declarationFiles(dir);
  if (!files.length) throw new CompileError(`${name} at ${dir} has no .d.ts files (in a checkout, run \`npm run build\` first)`);
  fs.writeFileSync(`/node_modules/${name}/package.json`, readFileSync(path.join(dir, "package.json"), "utf8"));
  for (const rel of files) fs.writeFileSync(`/node_modules/${name}/${rel}`, readFileSync(path.join(dir, rel), "utf8"));
}

/** `.d.ts` files under `dir`, relative, skipping nested node_modules. */
function declarationFiles(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory() && e.name !== "node_modules") out.push(...declarationFiles(dir, r));
    else if (e.isFile() && e.name.endsWith(".d.ts")) out.push(r);
  }
  return out;
}

function isAllowedMissingModule(d: ts.Diagnostic, allowed: Set<string>): boolean {
  // TS2307: Cannot find module '…'. Only the declared external package may be missing.
  if (d.code !== 2307) return false;
  const text = ts.flattenDiagnosticMessageText(d.messageText, " ");
  const m = text.match(/'([^']+)'/);
  return !!m && [...allowed].some((spec) => m[1] === spec || m[1]!.startsWith(`${spec}/`));
}
