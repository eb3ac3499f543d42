/**
 * ApiModel → publishable npm package: emit, compile in memory, write the
 * package folder atomically, `npm pack` it, and lint the tarball with publint.
 */
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import type { ApiModel } from "../model/ir.js";
import { emitBindings } from "../emit/emit.js";
import { writeTreeAtomically } from "../emit/write.js";
import { compileBindings } from "./compile.js";
import { isSemver, makePackageJson, packageName } from "./package-json.js";
import { makeReadme, type Provenance } from "./readme.js";
import { generatorPackage, runtimePackage, runtimePeerRange } from "../package-info.js";
import { findRelease, vmodlDatabases } from "../../wsdl/manifest.js";

const run = promisify(execFile);

export interface PackOptions {
  /** Folder that receives `<service>-<release>/` (the package) and the `.tgz`. */
  out: string;
  /** Package version; default the generator's own version. */
  version?: string;
  /** For services other than vim25: the vim25 release whose package they depend on (default: the same release). */
  vim25Release?: string;
  /** Type-check the emitted code before compiling (default true). */
  check?: boolean;
  /** Run publint on the tarball (default true; skipped with a note when publint is not installed). */
  lint?: boolean;
  provenance?: Provenance;
  signal?: AbortSignal;
  onProgress?: (step: string) => void;
}

export interface LintMessage {
  type: "error" | "warning" | "suggestion";
  code: string;
  text: string;
}

export interface PackResult {
  name: string;
  version: string;
  /** The package folder. */
  dir: string;
  /** The tarball `npm pack` wrote. */
  tarball: string;
  /** Bytes of the .tgz and unpacked, and file count, as npm reports them. */
  size: number;
  unpackedSize: number;
  entryCount: number;
  timings: { emitMs: number; setupMs: number; checkMs: number; compileEmitMs: number; npmPackMs: number; publintMs?: number };
  /** Undefined when linting was skipped. */
  lint?: { messages: LintMessage[]; skipped?: string };
}

export class PackError extends Error {
  readonly code = "TSVMOMI_PACK";
}

/** Provenance from wsdl/manifest.json, for a model read from a known release. */
export function manifestProvenance(model: ApiModel): Provenance {
  const release = findRelease(model.service, model.release);
  const vmodl = model.sources.vmodl ? vmodlDatabases().find((v) => v.file === model.sources.vmodl) : undefined;
  return { ...(release ? { release } : {}), ...(vmodl ? { vmodl } : {}) };
}

export function generatorVersion(): string {
  return generatorPackage().version;
}

export async function packBindings(model: ApiModel, opts: PackOptions): Promise<PackResult> {
  const progress = opts.onProgress ?? (() => {});
  const version = opts.version ?? generatorVersion();
  if (!isSemver(version)) throw new PackError(`--version ${version}: expected a semver version such as 0.1.0`);
  const name = packageName(model.service, model.release);
  const dep = model.service === "vim25" ? undefined : { name: packageName("vim25", opts.vim25Release ?? model.release), version };

  const t0 = performance.now();
  progress("emitting");
  const sources = emitBindings(model, dep ? { externalTypes: dep.name } : {});
  const emitMs = performance.now() - t0;
  opts.signal?.throwIfAborted();

  progress(`compiling ${sources.size} files with ts-morph (in memory${opts.check === false ? ", no type-check" : ""})`);
  const runtime = runtimePackage();
  // The bindings import their shared shapes from the runtime; the check sees its declarations as a consumer would.
  const importsRuntime = [...sources.values()].some((text) => text.includes(`from "${runtime.name}"`));
  const compiled = compileBindings(sources, {
    check: opts.check !== false,
    ...(dep ? { externalModules: [dep.name] } : {}),
    ...(importsRuntime ? { packages: new Map([[runtime.name, runtime.dir]]) } : {}),
  });
  opts.signal?.throwIfAborted();

  const distFiles = [...compiled.files.keys()];
  const pkgJson = makePackageJson({
    service: model.service,
    release: model.release,
    version,
    ...(model.apiVersion ? { apiVersion: model.apiVersion } : {}),
    namespace: model.namespace,
    distFiles,
    ...(dep ? { dependsOn: dep } : {}),
    generator: { name: generatorPackage().name, version: generatorVersion() },
    runtime: { name: runtime.name, range: runtimePeerRange(runtime.version), node: runtime.node },
  });
  const tree = new Map<string, string>();
  tree.set("package.json", `${JSON.stringify(pkgJson, null, 2)}\n`);
  tree.set("README.md", makeReadme(model, { name, version, ...(dep ? { dependsOn: dep.name } : {}) }, opts.provenance ?? manifestProvenance(model)));
  for (const [rel, text] of compiled.files) tree.set(`dist/${rel}`, text);

  const dir = path.resolve(opts.out, `${model.service}-${model.release}`);
  progress(`writing ${tree.size} files to ${dir}`);
  await writeTreeAtomically(dir, tree, opts.signal);

  progress("npm pack");
  const t1 = performance.now();
  const packed = await npmPack(dir, path.resolve(opts.out), opts.signal);
  const npmPackMs = performance.now() - t1;

  let lint: PackResult["lint"];
  let publintMs: number | undefined;
  if (opts.lint !== false) {
    progress("publint");
    const t2 = performance.now();
    lint = await runPublint(packed.tarball);
    publintMs = performance.now() - t2;
  }
  return {
    name,
    version,
    dir,
    ...packed,
    timings: { emitMs, setupMs: compiled.timings.setupMs, checkMs: compiled.timings.checkMs, compileEmitMs: compiled.timings.emitMs, npmPackMs, ...(publintMs !== undefined ? { publintMs } : {}) },
    ...(lint ? { lint } : {}),
  };
}

async function npmPack(dir: string, dest: string, signal?: AbortSignal) {
  let stdout: string;
  try {
    ({ stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dest], {
      cwd: dir,
      maxBuffer: 64 * 1024 * 1024,
      ...(signal ? { signal } : {}),
    }));
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const line = (e.stderr ?? e.message).split("\n").find((s) => /err/i.test(s)) ?? e.message.split("\n")[0];
    throw new PackError(`npm pack failed in ${dir}: ${line}`);
  }
  let info: { filename: string; size: number; unpackedSize: number; entryCount: number }[];
  try {
    info = JSON.parse(stdout);
  } catch {
    throw new PackError(`npm pack in ${dir}: expected JSON on stdout, got ${JSON.stringify(stdout.slice(0, 80))}`);
  }
  const first = info[0];
  if (!first) throw new PackError(`npm pack in ${dir} reported no tarball`);
  // npm turns `@scope/name` into `scope-name-<version>.tgz`.
  return { tarball: path.join(dest, first.filename), size: first.size, unpackedSize: first.unpackedSize, entryCount: first.entryCount };
}

async function runPublint(tarball: string): Promise<NonNullable<PackResult["lint"]>> {
  let mod: typeof import("publint");
  let utils: typeof import("publint/utils");
  try {
    mod = await import("publint");
    utils = await import("publint/utils");
  } catch {
    return { messages: [], skipped: "publint is not installed (npm i -D publint)" };
  }
  const bytes = await fs.readFile(tarball);
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const { messages, pkg } = await mod.publint({ pkgDir: "package", pack: { tarball: ab }, level: "suggestion" });
  return {
    messages: messages.map((m) => ({ type: m.type, code: m.code, text: utils.formatMessage(m, pkg, { color: false }) ?? m.code })),
  };
}
