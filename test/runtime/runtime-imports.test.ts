// The runtime ships with one dependency, undici: every bare import under
// runtime/ must be a node: builtin or undici. In particular fast-xml-parser
// (a generator dependency) must not creep back in; the runtime reads XML with
// its own tokenizer (runtime/codec/xml-tokenizer.ts).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../runtime/", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return full.endsWith(".ts") ? [full] : [];
  });
}

/** Module specifiers of static imports, `export … from` and dynamic `import("…")`. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']/g)) out.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*["']([^"']+)["']/g)) out.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]!);
  // soap/undici.ts loads undici's files directly (createRequire), to skip its index.
  for (const m of text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]!);
  return out;
}

describe("runtime imports", () => {
  const files = sources(root);

  it("finds the runtime's sources", () => {
    expect(files.length).toBeGreaterThan(20);
    expect(specifiers(readFileSync(join(root, "soap/undici.ts"), "utf8"))).toContain("undici/lib/dispatcher/pool.js");
  });

  it("imports nothing but relative modules, node: builtins and undici (no fast-xml-parser)", () => {
    const offending: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const spec of specifiers(text)) {
        if (spec.startsWith(".") || spec.startsWith("node:") || spec === "undici" || spec.startsWith("undici/lib/")) continue;
        offending.push(`${relative(root, file)}: ${spec}`);
      }
      if (/fast-xml-parser/.test(text)) offending.push(`${relative(root, file)}: mentions fast-xml-parser`);
    }
    expect(offending).toEqual([]);
  });
});
