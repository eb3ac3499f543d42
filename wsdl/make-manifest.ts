/**
 * Generates wsdl/manifest.json from ../shared/wsdl/SOURCES.md,
 * ../shared/vmodl/SOURCES.md and the files themselves. SOURCES.md is the
 * provenance record; the files are the truth. Any disagreement between the
 * two stops the generation, because a manifest that silently blesses a
 * changed file would defeat the resolver's checksum warnings.
 *
 *   node dist/wsdl/make-manifest.js [--check] [--shared DIR] [--out FILE]
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { digestFile } from "./hash.js";
import { compareReleases, detectEntry, extractApiVersion, KNOWN_SERVICES, parseFolderName } from "./layout.js";
import type { Manifest, ManifestFile, ManifestRelease, ManifestTypeInfo, ManifestVmodl } from "./manifest.js";
import { manifestPath } from "./manifest.js";
import { sharedDir } from "./paths.js";
import { parseTypeInfoSources, parseVmodlSources, parseWsdlSources, type WsdlSourceSection, type WsdlSummaryRow } from "./sources-md.js";
import type { Dirent } from "node:fs";

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ManifestError";
  }
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new ManifestError(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

async function listDir(dir: string): Promise<{ dirs: string[]; files: string[] }> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new ManifestError(`cannot list ${dir}: ${(err as Error).message}`);
  }
  const visible = entries.filter((e) => !e.name.startsWith("."));
  return {
    dirs: visible.filter((e) => e.isDirectory()).map((e) => e.name).sort(byName),
    files: visible.filter((e) => e.isFile()).map((e) => e.name).sort(byName),
  };
}

function crossCheck(folder: string, section: WsdlSourceSection, files: ManifestFile[], summary?: WsdlSummaryRow): void {
  const where = `../shared/wsdl/SOURCES.md (section "${folder}")`;
  const listed = new Map<string, { bytes: number | undefined; sha256: string }>();
  for (const c of section.checksums) {
    // A prose section may give a checksum without a clear file name; it can only mean the folder's lone file.
    const name = c.file ?? (files.length === 1 ? files[0]!.name : undefined);
    if (name === undefined) throw new ManifestError(`${where}: a sha256 is given without saying which file it is for`);
    listed.set(name, c);
  }
  if (listed.size === 0) throw new ManifestError(`${where}: no checksums listed for this folder`);
  for (const f of files) {
    const want = listed.get(f.name);
    if (!want) throw new ManifestError(`${folder}/${f.name}: file is present but ${where} lists no checksum for it`);
    if (want.sha256 !== f.sha256) {
      throw new ManifestError(`${folder}/${f.name}: sha256 is ${f.sha256} but ${where} says ${want.sha256}`);
    }
    if (want.bytes !== undefined && want.bytes !== f.bytes) {
      throw new ManifestError(`${folder}/${f.name}: size is ${f.bytes} bytes but ${where} says ${want.bytes}`);
    }
  }
  for (const name of listed.keys()) {
    if (!files.some((f) => f.name === name)) throw new ManifestError(`${folder}/${name}: listed in ${where} but missing from the folder`);
  }
  if (summary) {
    const total = files.reduce((n, f) => n + f.bytes, 0);
    const at = `../shared/wsdl/SOURCES.md (summary row "${folder}")`;
    if (summary.files !== undefined && summary.files !== files.length) {
      throw new ManifestError(`${folder}: holds ${files.length} files but ${at} says ${summary.files}`);
    }
    if (summary.bytes !== undefined && summary.bytes !== total) {
      throw new ManifestError(`${folder}: holds ${total} bytes but ${at} says ${summary.bytes}`);
    }
    if (summary.commit && section.commit && !section.commit.startsWith(summary.commit) && !summary.commit.startsWith(section.commit)) {
      throw new ManifestError(`${folder}: ${at} names commit ${summary.commit} but its section names ${section.commit}`);
    }
  }
}

async function buildRelease(wsdlDir: string, folder: string, sources: ReturnType<typeof parseWsdlSources>): Promise<ManifestRelease> {
  const parsed = parseFolderName(folder);
  if (!parsed) {
    throw new ManifestError(`../shared/wsdl/${folder}: folder name must be <service>-<release> with service one of ${KNOWN_SERVICES.join(", ")}`);
  }
  const dir = path.join(wsdlDir, folder);
  const { files: names } = await listDir(dir);
  const files: ManifestFile[] = [];
  for (const name of names) files.push({ name, ...(await digestFile(path.join(dir, name))) });

  const section = sources.sections.get(folder);
  if (!section) throw new ManifestError(`../shared/wsdl/SOURCES.md has no "## ${folder}" section for folder ${folder}`);
  const summary = sources.summary.get(folder);
  crossCheck(folder, section, files, summary);

  const repo = section.repo ?? summary?.repo;
  const commit = section.commit ?? summary?.commit;
  if (!repo || !commit) throw new ManifestError(`../shared/wsdl/SOURCES.md (section "${folder}"): no source repo/commit found`);

  let detected: ReturnType<typeof detectEntry>;
  try {
    detected = detectEntry(folder, names, parsed.service);
  } catch (err) {
    throw new ManifestError((err as Error).message);
  }
  const wsdlTexts = await Promise.all(names.filter((n) => n.endsWith(".wsdl")).map((n) => readFile(path.join(dir, n), "utf8")));
  const apiVersion = extractApiVersion(wsdlTexts, parsed.service);
  const label = section.label ?? summary?.label;

  // Literal key order is the JSON key order, so the file stays stable across runs.
  const release: ManifestRelease = {
    service: parsed.service,
    release: parsed.release,
    folder,
    entry: detected.entry,
    layout: detected.layout,
    ...(apiVersion !== undefined ? { apiVersion } : {}),
    ...(label !== undefined ? { label } : {}),
    source: section.path !== undefined ? { repo, commit, path: section.path } : { repo, commit },
    files,
  };
  return release;
}

async function buildVmodl(vmodlDir: string): Promise<ManifestVmodl[]> {
  const sourcesFile = path.join(vmodlDir, "SOURCES.md");
  const sources = parseVmodlSources(await readText(sourcesFile, "the vmodl sources list"));
  const { files } = await listDir(vmodlDir);
  const dbs = files.filter((f) => f.endsWith(".db"));
  const out: ManifestVmodl[] = [];
  for (const file of dbs) {
    const row = sources.rows.find((r) => r.file === file);
    if (!row) throw new ManifestError(`vmodl/${file}: file is present but ../shared/vmodl/SOURCES.md has no row for it`);
    const digest = await digestFile(path.join(vmodlDir, file));
    if (digest.sha256 !== row.sha256) {
      throw new ManifestError(`vmodl/${file}: sha256 is ${digest.sha256} but ../shared/vmodl/SOURCES.md says ${row.sha256}`);
    }
    const source: ManifestVmodl["source"] = {};
    if (sources.repo) source.repo = sources.repo;
    if (row.commit) source.commit = row.commit;
    out.push({ file, api: row.api, bytes: digest.bytes, sha256: digest.sha256, source });
  }
  for (const row of sources.rows) {
    if (!dbs.includes(row.file)) throw new ManifestError(`vmodl/${row.file}: listed in ../shared/vmodl/SOURCES.md but missing`);
  }
  return out.sort((a, b) => compareReleases(a.api, b.api));
}

async function buildTypeInfo(vmodlDir: string): Promise<ManifestTypeInfo[]> {
  const text = await readText(path.join(vmodlDir, "SOURCES.md"), "the vmodl sources list");
  // The pyVmomi part of SOURCES.md names its own repository.
  const at = text.search(/^#.*pyvmomi/im);
  const repo = at < 0 ? undefined : /\brepository\s+`?([\w.-]+\/[\w.-]+)/i.exec(text.slice(at))?.[1];
  const rows = parseTypeInfoSources(text);
  const { dirs } = await listDir(vmodlDir);
  const out: ManifestTypeInfo[] = [];
  for (const folder of dirs.filter((d) => d.startsWith("pyvmomi-"))) {
    const row = rows.find((r) => r.folder === folder);
    if (!row) throw new ManifestError(`vmodl/${folder}: folder is present but ../shared/vmodl/SOURCES.md does not list it`);
    const { files: names } = await listDir(path.join(vmodlDir, folder));
    const files: ManifestFile[] = [];
    for (const name of names) {
      const f = { name, ...(await digestFile(path.join(vmodlDir, folder, name))) };
      const want = row.checksums.get(name);
      if (!want) throw new ManifestError(`vmodl/${folder}/${name}: file is present but ../shared/vmodl/SOURCES.md lists no sha256 for it`);
      if (want !== f.sha256) throw new ManifestError(`vmodl/${folder}/${name}: sha256 is ${f.sha256} but ../shared/vmodl/SOURCES.md says ${want}`);
      files.push(f);
    }
    for (const name of row.checksums.keys()) {
      if (!names.includes(name)) throw new ManifestError(`vmodl/${folder}/${name}: listed in ../shared/vmodl/SOURCES.md but missing`);
    }
    const source: ManifestTypeInfo["source"] = {};
    if (repo) source.repo = repo;
    if (row.commit) source.commit = row.commit;
    out.push({ folder, api: folder.slice("pyvmomi-".length), ...(row.label ? { label: row.label } : {}), source, files });
  }
  return out.sort((a, b) => compareReleases(a.api, b.api));
}

/**
 * A type-info folder describing a vim25 release that has no WSDL bundle
 * becomes a release of its own (layout `typeinfo`): pyVmomi talks to such
 * servers from the type info alone, and so can the generator.
 */
function typeInfoReleases(typeinfo: ManifestTypeInfo[], bundles: ManifestRelease[]): ManifestRelease[] {
  const out: ManifestRelease[] = [];
  for (const t of typeinfo) {
    if (bundles.some((r) => r.service === "vim25" && r.release === t.api)) continue;
    const apiVersion = /\((\d+(?:\.\d+)+)\)/.exec(t.label ?? "")?.[1];
    out.push({
      service: "vim25",
      release: t.api,
      folder: t.folder,
      entry: "",
      layout: "typeinfo",
      ...(apiVersion ? { apiVersion } : {}),
      ...(t.label ? { label: t.label } : {}),
      source: { repo: t.source.repo ?? "vmware/pyvmomi", commit: t.source.commit ?? "" },
      files: [],
      typeInfo: t.folder,
    });
  }
  return out;
}

export async function buildManifest(shared: string = sharedDir()): Promise<Manifest> {
  const wsdlDir = path.join(shared, "wsdl");
  const sources = parseWsdlSources(await readText(path.join(wsdlDir, "SOURCES.md"), "the WSDL sources list"));
  const { dirs } = await listDir(wsdlDir);
  const built: ManifestRelease[] = [];
  for (const folder of dirs) built.push(await buildRelease(wsdlDir, folder, sources));
  const typeinfo = await buildTypeInfo(path.join(shared, "vmodl"));
  built.push(...typeInfoReleases(typeinfo, built));
  built.sort((a, b) => byName(a.service, b.service) || compareReleases(a.release, b.release));
  return {
    generatedBy: "wsdl/make-manifest.ts from ../shared/wsdl/SOURCES.md, ../shared/vmodl/SOURCES.md and the files; do not edit",
    releases: built,
    vmodl: await buildVmodl(path.join(shared, "vmodl")),
    ...(typeinfo.length ? { typeinfo } : {}),
  };
}

export function renderManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export async function main(argv: string[]): Promise<number> {
  let check = false;
  let shared: string | undefined;
  let out = manifestPath();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--check") check = true;
    else if (arg === "--shared" && argv[i + 1]) shared = argv[++i]!;
    else if (arg === "--out" && argv[i + 1]) out = argv[++i]!;
    else throw new ManifestError(`unknown argument ${arg}; usage: make-manifest [--check] [--shared DIR] [--out FILE]`);
  }
  const text = renderManifest(await buildManifest(shared ?? sharedDir()));
  if (check) {
    const current = await readFile(out, "utf8").catch(() => "");
    if (current !== text) {
      process.stderr.write(`${out} is out of date; run make-manifest to regenerate it\n`);
      return 1;
    }
    process.stdout.write(`${out} is up to date\n`);
    return 0;
  }
  await writeFile(out, text);
  process.stdout.write(`wrote ${out}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`make-manifest: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
