/**
 * Finds the WSDL bundle (and the vmodl.db) the generator should read.
 *
 * Bundle order: `--wsdl PATH`, then `$VIM_WSDL_DIR`, then
 * `../shared/wsdl/<service>-<release>`. A place that does not exist is skipped
 * (with a warning) so the next one can answer; a place that exists but is not
 * a bundle is an error, because quietly falling back would generate from files
 * other than the ones the user pointed at.
 *
 * vmodl order: explicit path, then `$VMODL_DB`, then ../shared/vmodl, where
 * the newest database whose API is ≤ the release wins (a vmodl newer than the
 * WSDL would describe members the WSDL lacks); when every database is newer
 * than the release, the newest is taken, as it covers the most types.
 */
import { ErrorCode } from "tsvmomi";
import { GeneratorError } from "../generator/errors.js";
import type { Stats } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { digestFile } from "./hash.js";
import { detectEntry } from "./detect-entry.js";
import { compareVersionKeys, folderName, KNOWN_SERVICES, serviceOfEntryFile, versionKey } from "./layout.js";
import { DEFAULT_RELEASE, findRelease, loadManifest, newestRelease, releases, typeInfoFolders, vmodlDatabases, type ManifestVmodl } from "./manifest.js";
import { sharedDir } from "./paths.js";
import { compareWithRelease, digestBundleDir, matchRelease } from "./verify.js";

export { NoWsdlError } from "./detect-entry.js";

export type ResolvedSource = "flag" | "env" | "shared";

export interface ResolvedBundle {
  /** Absolute path of the bundle folder. */
  dir: string;
  /** Absolute path of the entry file (`…/vimService.wsdl`, or a lone `…/vim.wsdl`). */
  entry: string;
  service: string;
  /** The requested release, else the manifest release the files matched, else undefined. */
  release?: string;
  source: ResolvedSource;
  /** Things the user should hear about (checksum differences, skipped places); never fatal. */
  warnings: string[];
}

export interface ResolvedVmodl {
  /** Absolute path of the vmodl.db file, or of the pyVmomi folder holding `_typeinfo_*.py`. */
  file: string;
  /** `db`: rbvmomi's vmodl.db; `typeinfo`: a pyVmomi folder (ours in ../shared or an installed site-packages/pyVmomi). */
  kind: "db" | "typeinfo";
  /** rbvmomi API name (`7.0`, `6.7u1`) when the file is a manifest entry. */
  api?: string;
  source: ResolvedSource;
  warnings: string[];
}

export class BundleNotFoundError extends GeneratorError {
  static override readonly kind = "BundleNotFoundError";
  constructor(what: string, readonly looked: string[], hint: string) {
    super(ErrorCode.BUNDLE_NOT_FOUND, `${what}; looked in:\n${looked.map((l) => `  ${l}`).join("\n")}\n${hint}`);
  }
}

export class UnknownReleaseError extends GeneratorError {
  static override readonly kind = "UnknownReleaseError";
  constructor(readonly service: string, readonly release: string, readonly known: string[]) {
    super(
      ErrorCode.UNKNOWN_RELEASE,
      known.length > 0
        ? `unknown ${service} release "${release}"; known ${service} releases: ${known.join(", ")}`
        : `unknown service "${service}"; known services: ${[...new Set(releases().map((r) => r.service))].join(", ")}`,
    );
  }
}

export class NotABundleError extends GeneratorError {
  static override readonly kind = "NotABundleError";
  constructor(message: string) {
    super(ErrorCode.NOT_A_BUNDLE, message);
  }
}

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await stat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw new NotABundleError(`${p}: cannot be read (${(err as Error).message})`);
  }
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === "" ? undefined : v;
}

interface Place {
  source: ResolvedSource;
  path: string;
  /** How the place is shown in errors and warnings. */
  label: string;
}

/** Turns an existing path into dir + entry, or explains why it is not a bundle. */
async function openBundle(place: Place, st: Stats, service: string | undefined): Promise<{ dir: string; entry: string; service: string }> {
  if (st.isFile()) {
    const name = path.basename(place.path);
    if (!/\.wsdl$/i.test(name)) {
      throw new NotABundleError(`${place.label}: expected a bundle directory or a .wsdl entry file, got a ${path.extname(name) || "extensionless"} file`);
    }
    return { dir: path.dirname(place.path), entry: place.path, service: service ?? serviceOfEntryFile(name) ?? DEFAULT_RELEASE.service };
  }
  if (!st.isDirectory()) throw new NotABundleError(`${place.label}: expected a directory or a .wsdl file`);
  const names = (await readdir(place.path, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  const found = detectEntry(place.label, names, service);
  return { dir: place.path, entry: path.join(place.path, found.entry), service: found.service };
}

export async function resolveBundle(opts: {
  wsdl?: string;
  service?: string;
  release?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}): Promise<ResolvedBundle> {
  const env = opts.env ?? process.env;
  const signal = opts.signal;
  signal?.throwIfAborted();
  const manifest = loadManifest();
  const shared = sharedDir(env);
  const sharedWsdl = path.join(shared, "wsdl");
  const warnings: string[] = [];
  const looked: string[] = [];

  const places: Place[] = [];
  if (opts.wsdl !== undefined && opts.wsdl !== "") {
    const p = path.resolve(opts.wsdl);
    places.push({ source: "flag", path: p, label: `--wsdl ${p}` });
  }
  const fromEnv = envValue(env, "VIM_WSDL_DIR");
  if (fromEnv !== undefined) {
    const p = path.resolve(fromEnv);
    places.push({ source: "env", path: p, label: `$VIM_WSDL_DIR ${p}` });
  }

  for (const place of places) {
    signal?.throwIfAborted();
    const st = await statOrUndefined(place.path);
    if (!st) {
      looked.push(`${place.label} (does not exist)`);
      // An explicit --wsdl that is wrong is a mistake to report, never a reason to quietly use another bundle.
      if (place.source === "flag") throw new BundleNotFoundError(`--wsdl ${place.path} does not exist`, looked, "Pass an existing bundle directory or entry file.");
      warnings.push(`${place.label} does not exist; skipped`);
      continue;
    }
    const opened = await openBundle(place, st, opts.service);
    const digests = await digestBundleDir(opened.dir, signal);
    const match = await matchRelease(opened.dir, digests, manifest, sharedWsdl, opened.service);
    if (match.release) warnings.push(...compareWithRelease(opened.dir, digests, match.release));
    else if (match.ambiguous) {
      warnings.push(`${opened.dir}: files fit several manifest releases (${match.ambiguous.map((r) => r.folder).join(", ")}); checksums not verified`);
    } else {
      warnings.push(`${opened.dir}: not a manifest release; checksums not verified`);
    }
    const release = opts.release ?? match.release?.release;
    return { dir: opened.dir, entry: opened.entry, service: opened.service, ...(release !== undefined ? { release } : {}), source: place.source, warnings };
  }

  const service = opts.service ?? DEFAULT_RELEASE.service;
  const release = opts.release ?? (service === DEFAULT_RELEASE.service ? DEFAULT_RELEASE.release : newestRelease(service)?.release);
  const known = releases(service).map((r) => r.release);
  if (release === undefined) throw new UnknownReleaseError(service, "(none given)", known);
  const manifestRelease = findRelease(service, release);
  if (manifestRelease?.layout === "typeinfo") {
    throw new NotABundleError(
      `${service} ${release} has no WSDL bundle: it is generated from pyVmomi type info (../shared/vmodl/${manifestRelease.typeInfo}); ` +
        `load it with loadModel, or name a release with a bundle (${releases(service).filter((r) => r.layout !== "typeinfo").map((r) => r.release).join(", ")})`,
    );
  }
  const dir = path.join(sharedWsdl, folderName(service, release));
  const st = await statOrUndefined(dir);
  if (!manifestRelease && !st) throw new UnknownReleaseError(service, release, known);
  if (!st) {
    looked.push(`${dir} (does not exist)`);
    throw new BundleNotFoundError(
      `no WSDL bundle found for ${service} ${release}`,
      looked,
      "Pass --wsdl DIR, set $VIM_WSDL_DIR, or set $TSVMOMI_SHARED to the folder that holds wsdl/ and vmodl/.",
    );
  }
  const place: Place = { source: "shared", path: dir, label: dir };
  const opened = await openBundle(place, st, service);
  const digests = await digestBundleDir(opened.dir, signal);
  if (manifestRelease) warnings.push(...compareWithRelease(opened.dir, digests, manifestRelease));
  else warnings.push(`${dir}: ${service} ${release} is not in wsdl/manifest.json; checksums not verified (regenerate the manifest)`);
  return { dir: opened.dir, entry: opened.entry, service: opened.service, release, source: "shared", warnings };
}

/** The newest database whose API is ≤ the release; if all are newer, the newest. */
export function pickVmodl(candidates: readonly ManifestVmodl[], release: string): ManifestVmodl | undefined {
  const sorted = [...candidates].sort((a, b) => compareVersionKeys(versionKey(a.api), versionKey(b.api)));
  const want = versionKey(release);
  const fitting = sorted.filter((v) => compareVersionKeys(versionKey(v.api), want) <= 0);
  return fitting.at(-1) ?? sorted.at(-1);
}

async function identifyVmodl(file: string, sharedVmodl: string, signal?: AbortSignal): Promise<{ api?: string; warnings: string[] }> {
  const entries = vmodlDatabases();
  const digest = await digestFile(file, signal);
  const bySha = entries.find((v) => v.sha256 === digest.sha256);
  let real = file;
  let realShared = sharedVmodl;
  try {
    real = await realpath(file);
    realShared = await realpath(sharedVmodl);
  } catch {
    // A missing shared folder just means no path match.
  }
  const byName = entries.find((v) => v.file === path.basename(file));
  const expected = path.dirname(real) === realShared ? byName : bySha ?? byName;
  if (!expected) return { warnings: [`${file}: not a manifest vmodl database; checksum not verified`] };
  if (expected.sha256 !== digest.sha256) {
    return { api: expected.api, warnings: [`${file}: sha256 ${digest.sha256} differs from manifest vmodl ${expected.file} (${expected.sha256})`] };
  }
  return { api: expected.api, warnings: [] };
}

export async function resolveVmodl(opts: { vmodl?: string; release?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<ResolvedVmodl> {
  const env = opts.env ?? process.env;
  const signal = opts.signal;
  signal?.throwIfAborted();
  const sharedVmodl = path.join(sharedDir(env), "vmodl");
  const warnings: string[] = [];
  const looked: string[] = [];

  const places: Place[] = [];
  if (opts.vmodl !== undefined && opts.vmodl !== "") {
    const p = path.resolve(opts.vmodl);
    places.push({ source: "flag", path: p, label: `--vmodl ${p}` });
  }
  const fromEnv = envValue(env, "VMODL_DB");
  if (fromEnv !== undefined) {
    const p = path.resolve(fromEnv);
    places.push({ source: "env", path: p, label: `$VMODL_DB ${p}` });
  }
  for (const place of places) {
    const st = await statOrUndefined(place.path);
    if (!st) {
      looked.push(`${place.label} (does not exist)`);
      if (place.source === "flag") throw new BundleNotFoundError(`--vmodl ${place.path} does not exist`, looked, "Pass an existing vmodl.db file.");
      warnings.push(`${place.label} does not exist; skipped`);
      continue;
    }
    if (st.isDirectory()) {
      const names = await readdir(place.path);
      if (!names.some((n) => /^_typeinfo_\w+\.py$/.test(n))) {
        throw new NotABundleError(`${place.label}: expected a vmodl.db file or a pyVmomi folder with _typeinfo_*.py files (pyVmomi 7.0.3 or later), found neither`);
      }
      return { file: place.path, kind: "typeinfo", source: place.source, warnings };
    }
    if (!st.isFile()) throw new NotABundleError(`${place.label}: expected a vmodl.db file or a pyVmomi folder`);
    const id = await identifyVmodl(place.path, sharedVmodl, signal);
    return { file: place.path, kind: "db", ...(id.api !== undefined ? { api: id.api } : {}), source: place.source, warnings: [...warnings, ...id.warnings] };
  }

  // rbvmomi's databases and pyVmomi's type info compete on one scale: the newest that is not newer than the release.
  const present: (ManifestVmodl & { kind: "db" | "typeinfo" })[] = [];
  for (const v of vmodlDatabases()) {
    if ((await statOrUndefined(path.join(sharedVmodl, v.file)))?.isFile()) present.push({ ...v, kind: "db" });
  }
  for (const t of typeInfoFolders()) {
    if ((await statOrUndefined(path.join(sharedVmodl, t.folder)))?.isDirectory()) {
      present.push({ file: t.folder, api: t.api, bytes: 0, sha256: "", source: t.source, kind: "typeinfo" });
    }
  }
  const chosen = pickVmodl(present, opts.release ?? DEFAULT_RELEASE.release) as (typeof present)[number] | undefined;
  if (!chosen) {
    looked.push(`${sharedVmodl} (no ${vmodlDatabases().map((v) => v.file).join(", ") || "vmodl-*.db"}, no pyvmomi-* folder)`);
    throw new BundleNotFoundError("no vmodl database found", looked, "Pass --vmodl FILE|DIR, set $VMODL_DB, or set $TSVMOMI_SHARED to the folder that holds wsdl/ and vmodl/.");
  }
  const file = path.join(sharedVmodl, chosen.file);
  if (chosen.kind === "typeinfo") {
    warnings.push(...(await verifyTypeInfo(file, chosen.file, signal)));
    return { file, kind: "typeinfo", api: chosen.api, source: "shared", warnings };
  }
  const id = await identifyVmodl(file, sharedVmodl, signal);
  return { file, kind: "db", api: chosen.api, source: "shared", warnings: [...warnings, ...id.warnings] };
}

/** Checksums of a ../shared pyVmomi folder against the manifest; differences are warnings, as for bundles. */
async function verifyTypeInfo(dir: string, folder: string, signal?: AbortSignal): Promise<string[]> {
  const entry = typeInfoFolders().find((t) => t.folder === folder);
  if (!entry) return [`${dir}: not in wsdl/manifest.json; checksums not verified`];
  const warnings: string[] = [];
  for (const f of entry.files) {
    const p = path.join(dir, f.name);
    if (!(await statOrUndefined(p))) {
      warnings.push(`${p}: listed in wsdl/manifest.json but missing`);
      continue;
    }
    const d = await digestFile(p, signal);
    if (d.sha256 !== f.sha256) warnings.push(`${p}: sha256 ${d.sha256} differs from wsdl/manifest.json (${f.sha256})`);
  }
  return warnings;
}

/** Services that have at least one bundle in the manifest, in KNOWN_SERVICES order. */
export function knownServices(): string[] {
  const inManifest = new Set(releases().map((r) => r.service));
  return KNOWN_SERVICES.filter((s) => inManifest.has(s));
}
