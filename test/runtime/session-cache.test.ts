import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionCache, sessionKey } from "../../runtime/session/session-cache.js";
import { SessionCacheError } from "../../runtime/errors/index.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("session cache", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tsvmomi-cache-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const base = { url: "https://vc.example/sdk", username: "alice", password: "pw-1", thumbprint: "AA:BB" };
  const SECRET = "ab".repeat(32);
  const collect = () => {
    const warnings: string[] = [];
    return { warnings, warn: (m: string) => void warnings.push(m) };
  };

  it("keys differ by server, user, password, thumbprint and per-file secret", async () => {
    const k = await sessionKey(base, SECRET);
    const variants = [
      { ...base, url: "https://other.example/sdk" },
      { ...base, username: "bob" },
      { ...base, password: "pw-2" },
      { ...base, thumbprint: "CC:DD" },
    ];
    for (const v of variants) expect(await sessionKey(v, SECRET)).not.toBe(k);
    expect(await sessionKey(base, "cd".repeat(32))).not.toBe(k);
    // Thumbprint spelling does not matter.
    expect(await sessionKey({ ...base, thumbprint: "aabb" }, SECRET)).toBe(k);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
  });

  it("the file holds no password and no unsalted hash of it; two files salt the same credentials differently", async () => {
    const a = join(dir, "salt-a.json");
    const b = join(dir, "salt-b.json");
    await new SessionCache(a).entry(base).set('"cookie-a"');
    await new SessionCache(b).entry(base).set('"cookie-b"');
    const [ta, tb] = [await readFile(a, "utf8"), await readFile(b, "utf8")];
    // The old derivation: sha256 of [where, user, sha256(password), thumbprint].
    const unsalted = sha256(JSON.stringify(["https://vc.example/sdk", "alice", sha256("pw-1"), "AABB"]));
    for (const text of [ta, tb]) {
      expect(text).not.toContain("pw-1");
      expect(text).not.toContain(sha256("pw-1"));
      expect(text).not.toContain(unsalted);
    }
    const keysA = Object.keys(JSON.parse(ta).sessions);
    const keysB = Object.keys(JSON.parse(tb).sessions);
    expect(keysA).toHaveLength(1);
    expect(keysA[0]).not.toBe(keysB[0]);
    expect(JSON.parse(ta).secret).not.toBe(JSON.parse(tb).secret);
  });

  it("writes 0600 atomically, in a 0700 directory it creates, and round-trips per credentials", async () => {
    const file = join(dir, "nested", "sessions.json");
    const cache = new SessionCache(file);
    const alice = cache.entry(base);
    const bob = cache.entry({ ...base, username: "bob" });
    await alice.set('"cookie-1"');
    await bob.set('"cookie-2"');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "nested"))).mode & 0o777).toBe(0o700);
    expect(await alice.get()).toBe('"cookie-1"');
    expect(await bob.get()).toBe('"cookie-2"');
    expect(await cache.entry({ ...base, password: "wrong" }).get()).toBeUndefined();
    // A second process (a new SessionCache on the same file) finds the entries.
    expect(await new SessionCache(file).entry(base).get()).toBe('"cookie-1"');
    await alice.set(undefined);
    expect(await alice.get()).toBeUndefined();
    expect((await readdir(join(dir, "nested"))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(JSON.parse(await readFile(file, "utf8")).version).toBe(2);
  });

  it("a missing file is simply empty", async () => {
    await expect(new SessionCache(join(dir, "absent.json")).entry(base).get()).resolves.toBeUndefined();
  });

  it("refuses files other users can read or write, naming the file and the mode", async () => {
    for (const mode of [0o644, 0o620, 0o604]) {
      const file = join(dir, `loose-${mode.toString(8)}.json`);
      await writeFile(file, `{"version":2,"secret":"${SECRET}","sessions":{}}`);
      await chmod(file, mode);
      const err = await new SessionCache(file).entry(base).get().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SessionCacheError);
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toContain(mode.toString(8).padStart(4, "0"));
    }
  });

  it("a directory given as the path says so, and suggests a file in it", async () => {
    const d = join(dir, "a-directory");
    await mkdir(d, { mode: 0o700 });
    const err = await new SessionCache(d).check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionCacheError);
    expect((err as Error).message).toContain("is a directory");
    expect((err as Error).message).toContain(join(d, "sessions.json"));
    expect((err as Error).message).not.toContain("mode");
  });

  it("damaged content is a warning, not an error: the cache reads as empty and the next set rewrites it", async () => {
    for (const bad of ["{not json", '{"version":7}', '{"version":2,"secret":"short","sessions":{}}', "null"]) {
      const file = join(dir, "damaged.json");
      await writeFile(file, bad, { mode: 0o600 });
      const { warnings, warn } = collect();
      const cache = new SessionCache(file, warn);
      await cache.check();
      expect(await cache.entry(base).get()).toBeUndefined();
      expect(warnings).toHaveLength(2); // check + get
      expect(warnings[0]).toContain(file);
      expect(warnings[0]).toContain("logging in afresh");
      await cache.entry(base).set('"fresh"');
      expect(await new SessionCache(file).entry(base).get()).toBe('"fresh"');
    }
  });

  it("a cached cookie with CRLF (or other bytes a header cannot carry) is ignored with a warning", async () => {
    const file = join(dir, "crlf.json");
    const key = await sessionKey(base, SECRET);
    for (const cookie of ['"abc"\r\nX-Injected: 1', "a b", "a;b", 42]) {
      await writeFile(file, JSON.stringify({ version: 2, secret: SECRET, sessions: { [key]: { cookie, savedAt: "" } } }), { mode: 0o600 });
      const { warnings, warn } = collect();
      expect(await new SessionCache(file, warn).entry(base).get()).toBeUndefined();
      expect(warnings.join("\n")).toContain("not a valid cookie value");
      expect(warnings.join("\n")).not.toContain("abc");
    }
    await writeFile(file, JSON.stringify({ version: 2, secret: SECRET, sessions: { [key]: { cookie: '"52a0-ok"', savedAt: "" } } }), { mode: 0o600 });
    expect(await new SessionCache(file).entry(base).get()).toBe('"52a0-ok"');
  });

  it("a version 1 file (unsalted keys) is dropped quietly and replaced", async () => {
    const file = join(dir, "v1.json");
    await writeFile(file, JSON.stringify({ version: 1, sessions: { deadbeef: { cookie: '"old"', savedAt: "" } } }), { mode: 0o600 });
    const { warnings, warn } = collect();
    const entry = new SessionCache(file, warn).entry(base);
    expect(await entry.get()).toBeUndefined();
    await entry.set('"new"');
    const doc = JSON.parse(await readFile(file, "utf8"));
    expect(doc.version).toBe(2);
    expect(Object.keys(doc.sessions)).toHaveLength(1);
    expect(warnings).toEqual([]);
  });
});
