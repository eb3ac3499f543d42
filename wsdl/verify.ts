/**
 * Ties a bundle found on disk back to a manifest release and compares its
 * files with the recorded checksums. A difference is reported, not fatal:
 * people patch WSDLs on purpose (the JAX-WS vim-types fixes, for one), and
 * the generator can still run; they just need to know the output is not
 * from the recorded release.
 */
import { readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { digestFile, type FileDigest } from "./hash.js";
import type { Manifest, ManifestRelease } from "./manifest.js";

export type Digests = Map<string, FileDigest>;

const isSchemaFile = (n: string) => /\.(wsdl|xsd)$/i.test(n);

/** Digests the .wsdl/.xsd files of a folder; other files cannot be part of a bundle. */
export async function digestBundleDir(dir: string, signal?: AbortSignal): Promise<Digests> {
  const entries = await readdir(dir, { withFileTypes: true });
  const digests: Digests = new Map();
  for (const e of entries.filter((x) => x.isFile() && isSchemaFile(x.name)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    signal?.throwIfAborted();
    digests.set(e.name, await digestFile(path.join(dir, e.name), signal));
  }
  return digests;
}

async function realOrSelf(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    return path.resolve(p);
  }
}

export interface ReleaseMatch {
  release?: ManifestRelease;
  how?: "path" | "hashes";
  /** Set when the hashes fit several releases equally and none was chosen. */
  ambiguous?: ManifestRelease[];
}

/**
 * By path first (the folder is ../shared/wsdl/<folder>), else by content:
 * the release sharing the most (name, sha256) pairs, if that is more than half
 * its files. Files like core-types.xsd recur across releases, so one shared
 * file proves nothing; a majority does.
 */
export async function matchRelease(dir: string, digests: Digests, manifest: Manifest, sharedWsdlDir: string, service?: string): Promise<ReleaseMatch> {
  const pool = manifest.releases.filter((r) => service === undefined || r.service === service);
  const realDir = await realOrSelf(dir);
  const realShared = await realOrSelf(sharedWsdlDir);
  if (path.dirname(realDir) === realShared) {
    const byPath = pool.find((r) => r.folder === path.basename(realDir));
    if (byPath) return { release: byPath, how: "path" };
  }
  let best: ManifestRelease[] = [];
  let bestScore = 0;
  for (const r of pool) {
    const score = r.files.filter((f) => digests.get(f.name)?.sha256 === f.sha256).length;
    if (score * 2 <= r.files.length) continue;
    if (score > bestScore) {
      best = [r];
      bestScore = score;
    } else if (score === bestScore) {
      best.push(r);
    }
  }
  if (best.length === 1) return { release: best[0]!, how: "hashes" };
  if (best.length > 1) return { ambiguous: best };
  return {};
}

/** One warning per file that differs from, is missing from, or is extra to the manifest release. */
export function compareWithRelease(dir: string, digests: Digests, release: ManifestRelease): string[] {
  const warnings: string[] = [];
  const at = `manifest release ${release.folder}`;
  for (const f of release.files) {
    const got = digests.get(f.name);
    if (!got) warnings.push(`${path.join(dir, f.name)}: missing (${at} lists it)`);
    else if (got.sha256 !== f.sha256) warnings.push(`${path.join(dir, f.name)}: sha256 ${got.sha256} differs from ${at} (${f.sha256})`);
  }
  for (const name of digests.keys()) {
    if (!release.files.some((f) => f.name === name)) warnings.push(`${path.join(dir, name)}: not part of ${at}`);
  }
  return warnings;
}
