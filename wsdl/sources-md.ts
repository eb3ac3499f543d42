/**
 * Reads the SOURCES.md files that come with ../shared (hand-written notes,
 * not a formal format), so parsing goes by markdown table headers and
 * `- key: value` lines and tolerates sections that say things in prose.
 */

export interface MdTable {
  header: string[];
  rows: string[][];
}

export interface SourceChecksum {
  file: string | undefined;
  bytes: number | undefined;
  sha256: string;
}

export interface WsdlSourceSection {
  title: string;
  repo?: string;
  commit?: string;
  path?: string;
  label?: string;
  checksums: SourceChecksum[];
}

export interface WsdlSummaryRow {
  folder: string;
  label?: string;
  files?: number;
  bytes?: number;
  repo?: string;
  commit?: string;
}

export interface WsdlSources {
  sections: Map<string, WsdlSourceSection>;
  summary: Map<string, WsdlSummaryRow>;
}

export interface VmodlSourceRow {
  file: string;
  api: string;
  commit?: string;
  sha256: string;
}

export interface VmodlSources {
  repo?: string;
  rows: VmodlSourceRow[];
}

function splitRow(line: string): string[] {
  const trimmed = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  return trimmed.split("|").map((c) => c.trim());
}

export function parseTables(text: string): MdTable[] {
  const tables: MdTable[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const isSeparator = /^\s*\|?\s*:?-{3,}/.test(lines[i + 1] ?? "");
    if (!lines[i]!.trim().startsWith("|") || !isSeparator) continue;
    const header = splitRow(lines[i]!).map((h) => h.toLowerCase());
    const rows: string[][] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j]!.trim().startsWith("|"); j++) rows.push(splitRow(lines[j]!));
    tables.push({ header, rows });
    i = j - 1;
  }
  return tables;
}

function column(table: MdTable, ...names: string[]): number {
  return table.header.findIndex((h) => names.some((n) => h === n || h.includes(n)));
}

function splitSections(text: string): { title: string; body: string }[] {
  const parts = text.split(/^## +/m).slice(1);
  return parts.map((p) => {
    const nl = p.indexOf("\n");
    return nl < 0 ? { title: p.trim(), body: "" } : { title: p.slice(0, nl).trim(), body: p.slice(nl + 1) };
  });
}

/** `https://github.com/owner/name` or `owner/name` → `owner/name`. */
function repoSlug(s: string): string {
  return s.replace(/^https?:\/\/github\.com\//, "").replace(/\.git$/, "").replace(/\/$/, "");
}

function toInt(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s.replace(/,/g, ""));
  return Number.isInteger(n) ? n : undefined;
}

function parseSection(title: string, body: string): WsdlSourceSection {
  const section: WsdlSourceSection = { title, checksums: [] };
  const field = (key: string) => new RegExp(`^\\s*-\\s*${key}:\\s*(.+?)\\s*$`, "mi").exec(body)?.[1];

  const repo = field("repo") ?? /\bSource:\s*([\w.-]+\/[\w.-]+)/i.exec(body)?.[1];
  if (repo) section.repo = repoSlug(repo.replace(/[`,]/g, ""));
  const commit = field("commit") ?? /\bcommit\s+`?([0-9a-f]{7,40})\b/i.exec(body)?.[1];
  const commitHex = commit ? /[0-9a-f]{7,40}/i.exec(commit)?.[0] : undefined;
  if (commitHex) section.commit = commitHex.toLowerCase();
  const repoPath = field("path in repo") ?? /\bpath\s+`([^`]+)`/i.exec(body)?.[1];
  if (repoPath) section.path = repoPath.replace(/`/g, "");
  const label = field("release");
  if (label) section.label = label;

  for (const table of parseTables(body)) {
    const f = column(table, "file");
    const b = column(table, "bytes");
    const s = column(table, "sha256");
    if (f < 0 || s < 0) continue;
    for (const row of table.rows) {
      const sha = row[s]?.toLowerCase();
      if (!sha || !/^[0-9a-f]{64}$/.test(sha)) continue;
      section.checksums.push({ file: row[f], bytes: b >= 0 ? toInt(row[b]) : undefined, sha256: sha });
    }
  }
  if (section.checksums.length === 0) {
    // Prose form (the single-file section): "one `vim.wsdl` (1,358,312 bytes) … sha256 `<hex>`".
    const sha = /sha256[:\s]*`?([0-9a-f]{64})/i.exec(body)?.[1];
    if (sha) {
      const file = /`([^`/\s]+\.(?:wsdl|xsd))`/i.exec(body)?.[1];
      const bytes = toInt(/\(([\d,]+)\s*bytes\)/i.exec(body)?.[1]);
      section.checksums.push({ file, bytes, sha256: sha.toLowerCase() });
    }
  }
  return section;
}

export function parseWsdlSources(text: string): WsdlSources {
  const sections = new Map<string, WsdlSourceSection>();
  const summary = new Map<string, WsdlSummaryRow>();
  for (const { title, body } of splitSections(text)) {
    if (/^summary$/i.test(title)) {
      for (const table of parseTables(body)) {
        const folder = column(table, "folder");
        if (folder < 0) continue;
        const label = column(table, "release");
        const files = column(table, "files");
        const bytes = column(table, "bytes");
        const repo = column(table, "repo");
        const commit = column(table, "commit");
        for (const row of table.rows) {
          const name = row[folder];
          if (!name) continue;
          const entry: WsdlSummaryRow = { folder: name };
          if (label >= 0 && row[label]) entry.label = row[label];
          if (files >= 0) entry.files = toInt(row[files]);
          if (bytes >= 0) entry.bytes = toInt(row[bytes]);
          if (repo >= 0 && row[repo]) entry.repo = repoSlug(row[repo]!);
          if (commit >= 0 && row[commit]) entry.commit = row[commit]!.toLowerCase();
          summary.set(name, entry);
        }
      }
      continue;
    }
    sections.set(title, parseSection(title, body));
  }
  return { sections, summary };
}

export function parseVmodlSources(text: string): VmodlSources {
  const rows: VmodlSourceRow[] = [];
  for (const table of parseTables(text)) {
    const f = column(table, "file");
    const a = column(table, "api");
    const c = column(table, "commit");
    const s = column(table, "sha256");
    if (f < 0 || s < 0 || a < 0) continue;
    for (const row of table.rows) {
      const sha = row[s]?.toLowerCase();
      if (!row[f] || !row[a] || !sha || !/^[0-9a-f]{64}$/.test(sha)) continue;
      const entry: VmodlSourceRow = { file: row[f]!, api: row[a]!, sha256: sha };
      if (c >= 0 && row[c]) entry.commit = row[c]!.toLowerCase();
      rows.push(entry);
    }
  }
  const repo = /\brepository\s+`?([\w.-]+\/[\w.-]+)/i.exec(text)?.[1];
  return repo ? { repo, rows } : { rows };
}

export interface TypeInfoSourceRow {
  /** `pyvmomi-8.0.3` */
  folder: string;
  /** SOURCES.md's wording of the vSphere API (`8.0 U3 (8.0.3.0)`). */
  label?: string;
  commit?: string;
  /** File name → sha256, from the `sha256  <folder>/<file>` lines. */
  checksums: Map<string, string>;
}

/**
 * The pyVmomi type-info folders of ../shared/vmodl/SOURCES.md: the table with a
 * `folder` column whose rows name `pyvmomi-*` folders, and the checksum lines
 * (`<sha256>  pyvmomi-8.0.3/_typeinfo_vim.py`).
 */
export function parseTypeInfoSources(text: string): TypeInfoSourceRow[] {
  const rows = new Map<string, TypeInfoSourceRow>();
  for (const table of parseTables(text)) {
    const f = column(table, "folder");
    if (f < 0) continue;
    const a = column(table, "vsphere api", "api");
    const c = column(table, "commit");
    for (const row of table.rows) {
      const folder = row[f];
      if (!folder || !/^pyvmomi-/.test(folder)) continue;
      const entry: TypeInfoSourceRow = { folder, checksums: new Map() };
      if (a >= 0 && row[a]) entry.label = row[a];
      const commit = c >= 0 ? /[0-9a-f]{7,40}/i.exec(row[c] ?? "")?.[0] : undefined;
      if (commit) entry.commit = commit.toLowerCase();
      rows.set(folder, entry);
    }
  }
  for (const m of text.matchAll(/^\s*([0-9a-f]{64})\s+(pyvmomi-[^/\s]+)\/(\S+)\s*$/gim)) {
    const row = rows.get(m[2]!) ?? { folder: m[2]!, checksums: new Map<string, string>() };
    row.checksums.set(m[3]!, m[1]!.toLowerCase());
    rows.set(m[2]!, row);
  }
  return [...rows.values()].sort((x, y) => (x.folder < y.folder ? -1 : x.folder > y.folder ? 1 : 0));
}
