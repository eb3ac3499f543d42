import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { sharedDir, vmodlDatabases } from "../../wsdl/manifest.js";
import {
  BundleNotFoundError,
  NoWsdlError,
  NotABundleError,
  pickVmodl,
  resolveBundle,
  resolveVmodl,
  UnknownReleaseError,
} from "../../wsdl/resolve.js";

const fixtures = fileURLToPath(new URL("../fixtures/resolver/", import.meta.url));
const realShared = sharedDir();
const tmpRoot = mkdtempSync(path.join(os.tmpdir(), "tsvmomi-resolve-"));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

let counter = 0;
function tmpDir(name: string): string {
  const dir = path.join(tmpRoot, `${++counter}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function tinyBundle(name: string): string {
  const dir = tmpDir(name);
  copyFiles(path.join(fixtures, "tiny-vim"), dir);
  return dir;
}

/** A shared folder laid out like ../shared, holding one fake vim25-7.0.3 bundle. */
function fakeShared(): string {
  const shared = tmpDir("shared");
  copyFiles(path.join(fixtures, "tiny-vim"), path.join(shared, "wsdl", "vim25-7.0.3"));
  return shared;
}

/**
 * ../shared is read-only (files and folders), and cpSync keeps modes, which
 * would leave copies a non-root user cannot edit or delete; copy contents only.
 */
function copyFiles(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) writeFileSync(path.join(to, name), readFileSync(path.join(from, name)));
}

function flipOneByte(file: string, at: number): void {
  const data = readFileSync(file);
  data[at] = data[at] === 0x61 ? 0x62 : 0x61;
  writeFileSync(file, data);
}

describe("resolveBundle order", () => {
  const shared = fakeShared();
  const flagDir = tinyBundle("flag");
  const envDir = tinyBundle("env");

  it("takes --wsdl over $VIM_WSDL_DIR over the shared folder", async () => {
    const env = { TSVMOMI_SHARED: shared, VIM_WSDL_DIR: envDir };
    const byFlag = await resolveBundle({ wsdl: flagDir, env });
    expect([byFlag.source, byFlag.dir, byFlag.entry]).toEqual(["flag", flagDir, path.join(flagDir, "vimService.wsdl")]);

    const byEnv = await resolveBundle({ env });
    expect([byEnv.source, byEnv.dir]).toEqual(["env", envDir]);

    const byShared = await resolveBundle({ release: "7.0.3", env: { TSVMOMI_SHARED: shared } });
    expect([byShared.source, byShared.dir, byShared.service, byShared.release]).toEqual([
      "shared",
      path.join(shared, "wsdl", "vim25-7.0.3"),
      "vim25",
      "7.0.3",
    ]);
  });

  it("refuses a --wsdl that does not exist instead of quietly using another bundle", async () => {
    const missing = path.join(tmpRoot, "no-such-bundle");
    const err = await resolveBundle({ wsdl: missing, env: { TSVMOMI_SHARED: shared, VIM_WSDL_DIR: envDir } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleNotFoundError);
    expect((err as Error).message).toContain(missing);
  });

  it("skips a $VIM_WSDL_DIR that does not exist, saying so", async () => {
    const missing = path.join(tmpRoot, "no-such-env-bundle");
    const r = await resolveBundle({ release: "7.0.3", env: { TSVMOMI_SHARED: shared, VIM_WSDL_DIR: missing } });
    expect(r.source).toBe("shared");
    expect(r.warnings.some((w) => w.includes(missing))).toBe(true);
  });

  it("warns, per file, when a shared folder differs from its manifest release", async () => {
    const r = await resolveBundle({ release: "7.0.3", env: { TSVMOMI_SHARED: shared } });
    // The fake 7.0.3 has two stand-in files; every other 7.0.3 file is missing.
    expect(r.warnings.find((w) => w.includes("vim.wsdl") && w.includes("differs"))).toBeDefined();
    expect(r.warnings.find((w) => w.includes("vim-types.xsd") && w.includes("missing"))).toBeDefined();
  });
});

describe("resolveBundle checksum verification", () => {
  it("matches an unchanged copy of pbm-5.5 by its hashes, with no warnings", async () => {
    const copy = tmpDir("pbm-copy");
    copyFiles(path.join(realShared, "wsdl", "pbm-5.5"), copy);
    const r = await resolveBundle({ wsdl: copy, env: {} });
    expect(r).toMatchObject({ service: "pbm", release: "5.5", source: "flag", entry: path.join(copy, "pbmService.wsdl") });
    expect(r.warnings).toEqual([]);
  });

  it("names the one file changed by a single byte", async () => {
    const copy = tmpDir("pbm-changed");
    copyFiles(path.join(realShared, "wsdl", "pbm-5.5"), copy);
    flipOneByte(path.join(copy, "pbm-types.xsd"), 2000);
    const r = await resolveBundle({ wsdl: copy, env: {} });
    expect(r.release).toBe("5.5");
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain(path.join(copy, "pbm-types.xsd"));
    expect(r.warnings[0]).toContain("pbm-5.5");
  });

  it("finds the real shared bundles clean", async () => {
    const r = await resolveBundle({ service: "pbm", release: "5.5", env: {} });
    expect([r.source, r.warnings]).toEqual(["shared", []]);
  });
});

describe("resolveBundle errors", () => {
  it("lists every place looked when nothing is found", async () => {
    const env = path.join(tmpRoot, "missing-env");
    const emptyShared = tmpDir("empty-shared");
    const err = await resolveBundle({ release: "7.0.3", env: { VIM_WSDL_DIR: env, TSVMOMI_SHARED: emptyShared } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleNotFoundError);
    const looked = (err as BundleNotFoundError).looked;
    expect(looked).toHaveLength(2);
    const lines = (err as Error).message.split("\n");
    for (const place of [env, path.join(emptyShared, "wsdl", "vim25-7.0.3")]) {
      expect(lines.filter((l) => l.includes(place))).toHaveLength(1);
    }
  });

  it("lists the known releases of the service for an unknown release", async () => {
    // Bundle folders, plus the release generated from type info alone (vim25-8.0.3).
    const known = [...readdirSync(path.join(realShared, "wsdl")).filter((f) => f.startsWith("vim25-")).map((f) => f.slice("vim25-".length)), "8.0.3"];
    const err = await resolveBundle({ release: "9.9", env: { TSVMOMI_SHARED: tmpDir("no-shared") } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownReleaseError);
    expect((err as Error).message).toContain('"9.9"');
    for (const r of known) expect((err as Error).message).toContain(r);
    expect((err as UnknownReleaseError).known.sort()).toEqual(known.sort());
  });

  it("says clearly when a directory holds no WSDL", async () => {
    const dir = tmpDir("no-wsdl");
    writeFileSync(path.join(dir, "readme.txt"), "nothing here\n");
    const err = await resolveBundle({ wsdl: dir, env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoWsdlError);
    expect((err as Error).message).toContain(dir);
    expect((err as Error).message).toMatch(/no \.wsdl file/);
  });

  it("refuses a file that is not a WSDL", async () => {
    const file = path.join(tmpDir("not-wsdl"), "notes.txt");
    writeFileSync(file, "x\n");
    await expect(resolveBundle({ wsdl: file, env: {} })).rejects.toBeInstanceOf(NotABundleError);
  });

  it("stops on an aborted signal", async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(resolveBundle({ env: {}, signal: ctl.signal })).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("resolveBundle entry files", () => {
  it("accepts a directory holding a lone vim.wsdl", async () => {
    const dir = tmpDir("lone");
    copyFiles(path.join(fixtures, "single-file"), dir);
    const r = await resolveBundle({ wsdl: dir, env: {} });
    expect([r.entry, r.service, r.release]).toEqual([path.join(dir, "vim.wsdl"), "vim25", undefined]);
  });

  it("accepts a lone vim.wsdl file path and recognises the shared single-file release", async () => {
    const file = path.join(realShared, "wsdl", "vim25-4.0-single-file", "vim.wsdl");
    const r = await resolveBundle({ wsdl: file, env: {} });
    expect([r.entry, r.service, r.release, r.warnings]).toEqual([file, "vim25", "4.0-single-file", []]);
  });

  it("accepts an entry file such as pbmService.wsdl and infers the service", async () => {
    const file = path.join(realShared, "wsdl", "pbm-6.0", "pbmService.wsdl");
    const r = await resolveBundle({ wsdl: file, env: {} });
    expect([r.dir, r.service, r.release]).toEqual([path.dirname(file), "pbm", "6.0"]);
  });

  it("prefers vimService.wsdl in a 9.x folder that also has vsanService.wsdl", async () => {
    const r = await resolveBundle({ wsdl: path.join(realShared, "wsdl", "vim25-9.1"), env: {} });
    expect(path.basename(r.entry)).toBe("vimService.wsdl");
  });
});

describe("resolveVmodl", () => {
  const manifestDbs = vmodlDatabases();
  const api = (release: string) => pickVmodl(manifestDbs, release)?.api;

  it("picks the newest vmodl at or below the release, else the newest", () => {
    expect(api("7.0.3")).toBe("7.0");
    expect(api("9.1")).toBe("7.0");
    expect(api("6.7.0")).toBe("6.5"); // 6.7u1 is newer than 6.7 GA
    expect(api("6.7.3-approx")).toBe("6.7u1");
    expect(api("5.5")).toBe("5.5");
    expect(api("4.1")).toBe("7.0");
  });

  it("takes the explicit path over $VMODL_DB over the shared folder", async () => {
    const dir = tmpDir("vmodl");
    const flag = path.join(dir, "flag.db");
    const env = path.join(dir, "env.db");
    writeFileSync(flag, "flag\n");
    writeFileSync(env, "env\n");
    expect(await resolveVmodl({ vmodl: flag, env: { VMODL_DB: env } })).toMatchObject({ file: flag, source: "flag" });
    expect(await resolveVmodl({ env: { VMODL_DB: env } })).toMatchObject({ file: env, source: "env" });
    const shared = await resolveVmodl({ release: "6.7.0", env: {} });
    expect(shared).toMatchObject({ file: path.join(realShared, "vmodl", "vmodl-6.5.db"), api: "6.5", source: "shared", warnings: [] });
  });

  it("warns naming a copied vmodl database that was changed", async () => {
    const copy = path.join(tmpDir("vmodl-changed"), "vmodl-6.5.db");
    writeFileSync(copy, readFileSync(path.join(realShared, "vmodl", "vmodl-6.5.db")));
    flipOneByte(copy, 1000);
    const r = await resolveVmodl({ vmodl: copy, env: {} });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain(copy);
  });

  it("lists the places looked when no database exists", async () => {
    const emptyShared = tmpDir("vmodl-empty");
    const missing = path.join(emptyShared, "missing.db");
    const err = await resolveVmodl({ env: { VMODL_DB: missing, TSVMOMI_SHARED: emptyShared } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleNotFoundError);
    expect((err as Error).message).toContain(missing);
    expect((err as Error).message).toContain(path.join(emptyShared, "vmodl"));
  });
});
