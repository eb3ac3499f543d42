/**
 * How a vSphere WSDL bundle folder is laid out: which file is the entry, what
 * its folder name means, and how release names order. Shared by the manifest
 * generator and the resolver so both agree on what "a bundle" is.
 *
 * Imports nothing outside wsdl/ (manifest.ts needs it): the build reads
 * wsdl/manifest.ts before the runtime package is staged. Picking a folder's
 * entry file, which throws a tsvmomi error, lives in detect-entry.ts.
 */

/** The services whose bundles ../shared/wsdl holds; folder names are `<service>-<release>`. */
export const KNOWN_SERVICES = ["vim25", "pbm", "vslm", "sms", "eam"] as const;

/** `typeinfo`: a release with no WSDL bundle, generated from pyVmomi's type info alone (`ManifestRelease.typeInfo`). */
export type Layout = "split" | "single-file" | "typeinfo";

// vim25 is the only service whose file stem differs from its namespace (vim.wsdl, urn:vim25).
function fileStem(service: string): string {
  return service === "vim25" ? "vim" : service;
}

/** `vim` → vim25, any other stem is its service. */
export function serviceOfStem(stem: string): string {
  return stem === "vim" ? "vim25" : stem;
}

/** `vimService.wsdl`, `pbmService.wsdl`, … */
export function serviceEntryName(service: string): string {
  return `${fileStem(service)}Service.wsdl`;
}

/** `vim.wsdl`, `pbm.wsdl`, …: the interface file; alone in a folder it is the single-file layout. */
export function interfaceWsdlName(service: string): string {
  return `${fileStem(service)}.wsdl`;
}

/** Splits a folder name such as `<service>-<release>-approx` into service and release; undefined when the name has no known service prefix. */
export function parseFolderName(folder: string): { service: string; release: string } | undefined {
  for (const service of KNOWN_SERVICES) {
    const prefix = `${service}-`;
    if (folder.startsWith(prefix) && folder.length > prefix.length) {
      return { service, release: folder.slice(prefix.length) };
    }
  }
  return undefined;
}

export function folderName(service: string, release: string): string {
  return `${service}-${release}`;
}

/** The service a lone entry file belongs to, from its name (`pbmService.wsdl` → pbm, `vim.wsdl` → vim25). */
export function serviceOfEntryFile(fileName: string): string | undefined {
  const m = /^(.+?)(Service)?\.wsdl$/i.exec(fileName);
  return m ? serviceOfStem(m[1]!) : undefined;
}

/**
 * Numeric sort key for release-ish names: `7.0.3` → [7,0,3], `6.7.3-approx` → [6,7,3],
 * `4.0-single-file` → [4,0], `6.7u1` (rbvmomi's vmodl naming, "update 1") → [6,7,1].
 */
export function versionKey(name: string): number[] {
  const m = /^(\d+(?:\.\d+)*)(?:u(\d+))?/i.exec(name);
  if (!m) return [];
  const parts = m[1]!.split(".").map(Number);
  if (m[2] !== undefined) parts.push(Number(m[2]));
  return parts;
}

/** Compares dotted versions, treating missing components as 0 (`9.0` = `9.0.0`). */
export function compareVersionKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Orders release names oldest first; equal numbers fall back to code-point order so the result is total. */
export function compareReleases(a: string, b: string): number {
  return compareVersionKeys(versionKey(a), versionKey(b)) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The API version a bundle speaks, read from the binding's soapAction
 * (`urn:vim25/9.1.0.0` → `9.1.0.0`). Some builds put an internal id there
 * (`urn:vim25/s55741`) or nothing at all (`""` in the 4.0 single file); those
 * are not versions, so the answer is undefined rather than a guess. Several
 * distinct versions for one service would be contradictory: undefined too.
 */
export function extractApiVersion(wsdlTexts: readonly string[], service: string): string | undefined {
  const ns = service.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`soapAction\\s*=\\s*["']urn:${ns}/(\\d+(?:\\.\\d+)+)["']`, "g");
  const found = new Set<string>();
  for (const text of wsdlTexts) {
    for (const m of text.matchAll(re)) found.add(m[1]!);
  }
  return found.size === 1 ? [...found][0] : undefined;
}
