import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionCache, sessionKey } from "../../runtime/session/session-cache.js";
import { SessionCacheError } from "../../runtime/errors/index.js";

describe("session cache", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tsvmomi-cache-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const base = { url: "https://vc.example/sdk", username: "alice", password: "pw-1", thumbprint: "AA:BB" };

  it("keys differ by server, user, password and thumbprint, and hold no password", () => {
    const k = sessionKey(base);
    const variants = [
      { ...base, url: "https://other.example/sdk" },
      { ...base, username: "bob" },
      { ...base, password: "pw-2" },
      { ...base, thumbprint: "CC:DD" },
    ];
    for (const v of variants) expect(sessionKey(v)).not.toBe(k);
    // Thumbprint spelling does not matter; the key is a hash, not the password.
    expect(sessionKey({ ...base, thumbprint: "aabb" })).toBe(k);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
  });

  it("writes 0600 atomically, in a 0700 directory it creates, and round-trips", async () => {
    const file = join(dir, "nested", "sessions.json");
    const cache = new SessionCache(file);
    await cache.set("k1", '"cookie-1"');
    await cache.set("k2", '"cookie-2"');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "nested"))).mode & 0o777).toBe(0o700);
    expect(await cache.get("k1")).toBe('"cookie-1"');
    expect(await cache.get("k2")).toBe('"cookie-2"');
    expect(await cache.get("k3")).toBeUndefined();
    await cache.set("k1", undefined);
    expect(await cache.get("k1")).toBeUndefined();
    expect((await readdir(join(dir, "nested"))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(JSON.parse(await readFile(file, "utf8")).version).toBe(1);
  });

  it("a missing file is simply empty", async () => {
    await expect(new SessionCache(join(dir, "absent.json")).get("k")).resolves.toBeUndefined();
  });

  it("refuses files other users can read or write, naming the file and the mode", async () => {
    for (const mode of [0o644, 0o620, 0o604]) {
      const file = join(dir, `loose-${mode.toString(8)}.json`);
      await writeFile(file, '{"version":1,"sessions":{}}');
      await chmod(file, mode);
      const err = await new SessionCache(file).get("k").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SessionCacheError);
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toContain(mode.toString(8).padStart(4, "0"));
    }
  });

  it("bad content is a clear error, not a JSON stack", async () => {
    const file = join(dir, "bad.json");
    await writeFile(file, "{not json", { mode: 0o600 });
    await expect(new SessionCache(file).get("k")).rejects.toThrow(/bad\.json: is not valid JSON/);
    await writeFile(file, '{"version":2}', { mode: 0o600 });
    await expect(new SessionCache(file).get("k")).rejects.toThrow(/expected \{"version":1/);
  });
});
