/**
 * VMODL version ids → public vSphere API releases.
 *
 * Every public vmodl.db (5.5 … 7.0) ships an empty `_versions` table, so the
 * mapping has to live here. It follows the version table VMware published with
 * pyVmomi (identifier, official name, namespace). `release` is the public API
 * name a member first shipped in, which is what documentation ("since 4.1")
 * and version checks need; `ns` is the SOAP namespace the id served under.
 */

export interface VersionInfo {
  release: string;
  ns?: string;
}

const KNOWN: Record<string, VersionInfo> = {
  "vim.version.version1": { release: "2.0", ns: "vim2/2.0" },
  "vim.version.version2": { release: "2.5", ns: "vim25/2.5" },
  "vim.version.version3": { release: "2.5u2", ns: "vim25/2.5u2" },
  // Served as vim25/2.5u2server, but it was the vSphere API 4.0 pre-release:
  // what it introduced first shipped publicly in 4.0.
  "vim.version.version4": { release: "4.0", ns: "vim25/2.5u2server" },
  "vim.version.version5": { release: "4.0", ns: "vim25/4.0" },
  "vim.version.version6": { release: "4.1", ns: "vim25/4.1" },
  "vim.version.version7": { release: "5.0", ns: "vim25/5.0" },
  "vim.version.version8": { release: "5.1", ns: "vim25/5.1" },
  "vim.version.version9": { release: "5.5", ns: "vim25/5.5" },
  "vim.version.version10": { release: "6.0", ns: "vim25/6.0" },
  "vim.version.version11": { release: "6.5", ns: "vim25/6.5" },
  "vim.version.version12": { release: "6.7", ns: "vim25/6.7" },
  "vim.version.version13": { release: "6.7.1", ns: "vim25/6.7.1" },
  "vim.version.version14": { release: "6.7.2", ns: "vim25/6.7.2" },
  "vim.version.version15": { release: "6.7.3", ns: "vim25/6.7.3" },
  // Internal development versions between 6.7 and 7.0: never a public release,
  // their members shipped in 7.0.
  "vim.version.v6_8_7": { release: "7.0", ns: "vim25/6.8.7" },
  "vim.version.v6_9_1": { release: "7.0", ns: "vim25/6.9.1" },
  // The core (vmodl.*) ids are versioned separately from vim; these are the
  // vim releases that first carried them (MethodFault.faultCause: 4.0,
  // RetrievePropertiesEx: 4.1).
  "vmodl.version.version0": { release: "2.0" },
  "vmodl.version.version1": { release: "4.0" },
  "vmodl.query.version.version1": { release: "2.0" },
  "vmodl.query.version.version2": { release: "4.0" },
  "vmodl.query.version.version3": { release: "4.1" },
};

/** Newer ids spell the release in the name: `vim.version.v7_0_1_0` → `7.0.1.0`. */
const SPELLED = /^vim\.version\.v(\d+(?:_\d+)+)$/;

/**
 * The release a version id stands for, or undefined when it is not known.
 * Rule, in order: the db's own `_versions` entry; the table above; the
 * release spelled in a `vim.version.vX_Y…` id.
 */
export function releaseOf(id: string, fromDb?: Record<string, VersionInfo>): VersionInfo | undefined {
  const own = fromDb?.[id];
  if (own) return own;
  const known = KNOWN[id];
  if (known) return known;
  const m = SPELLED.exec(id);
  if (m) return { release: m[1]!.replace(/_/g, "."), ns: `vim25/${m[1]!.replace(/_/g, ".")}` };
  return undefined;
}

/**
 * The public wire versions of a namespace (`vim25`) among version infos: those
 * whose wire version is the release they shipped in. Pre-releases such as
 * 2.5u2server or 6.8.7 are left out, so a client never offers a version no
 * public server speaks. Without `infos`, the table above.
 */
export function publicWireVersions(namespace: string, infos: Iterable<{ release?: string; ns?: string }> = Object.values(KNOWN)): string[] {
  const out: string[] = [];
  for (const info of infos) {
    const wire = info.ns?.startsWith(`${namespace}/`) ? info.ns.slice(namespace.length + 1) : undefined;
    if (wire !== undefined && wire === info.release && /^\d+(\.\d+)+$/.test(wire)) out.push(wire);
  }
  return out;
}
