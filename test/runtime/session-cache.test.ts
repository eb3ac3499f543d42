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

  const base = { url: "https://vc.example/sdk", username: "alice", thumbprint: "AA:BB" };
  const collect = () => {
    const warnings: string[] = [];
    return { warnings, warn: (m: string) => void warnings.push(m) };
  };

  it("keys differ by server, user and thumbprint; user info, query and thumbprint spelling do not count", () => {
    const k = sessionKey(base);
    const variants = [
      { ...base, url: "https://other.example/sdk" },
      { ...base, url: "https://vc.example:8443/sdk" },
      { ...base, url: "http://vc.example/sdk" },
      { ...base, username: "bob" },
      { ...base, username: "Alice" },
      { ...base, thumbprint: "CC:DD" },
      { ...base, thumbprint: undefined },
    ];
    for (const v of variants) expect(sessionKey(v), JSON.stringify(v)).not.toBe(k);
    expect(sessionKey({ ...base, thumbprint: "aa bb" })).toBe(k);
    expect(sessionKey({ ...base, url: "https://x:y@vc.example/sdk?a=1#f" })).toBe(k);
    // A user name cannot pose as a URL/user boundary: the parts are JSON-encoded, not joined.
    expect(sessionKey({ url: "https://vc.example/sdk", username: 'a","b' })).not.toBe(sessionKey({ url: "https://vc.example/sdk", username: "a", thumbprint: "b" }));
    expect(k).toMatch(/^[0-9a-f]{64}$/);
  });

  it("the password never reaches the file: the key names no password, the file holds only cookies", async () => {
    const file = join(dir, "no-password.json");
    const password = "Pw-Narwhal-6021";
    await new SessionCache(file).entry(base).set('"cookie-a"');
    const text = await readFile(file, "utf8");
    expect(text).not.toContain(password);
    expect(text).not.toContain(sha256(password));
    expect(JSON.parse(text)).toEqual({ version: 3, sessions: { [sessionKey(base)]: { cookie: '"cookie-a"', savedAt: expect.any(String) } } });
    // The entry's type has no room for one either.
    // @ts-expect-error: a session cache key takes no password
    new SessionCache(file).entry({ ...base, password });
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
    expect(await cache.entry({ ...base, url: "https://vc2.example/sdk" }).get()).toBeUndefined();
    expect(await cache.entry({ ...base, thumbprint: "EE:FF" }).get()).toBeUndefined();
    // A second process (a new SessionCache on the same file) finds the entries.
    expect(await new SessionCache(file).entry(base).get()).toBe('"cookie-1"');
    await alice.set(undefined);
    expect(await alice.get()).toBeUndefined();
    expect((await readdir(join(dir, "nested"))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(JSON.parse(await readFile(file, "utf8")).version).toBe(3);
  });

  it("keeps a resume state beside the cookie, and drops a malformed one without losing the cookie", async () => {
    const file = join(dir, "resume.json");
    const entry = new SessionCache(file).entry(base);
    const resume = { version: "8.0.3.0", bindings: "urn:vim25 8.0.3.0", serviceContent: "<returnval><rootFolder type=\"Folder\">group-d1</rootFolder></returnval>" };
    await entry.set('"cookie-r"', resume);
    expect(await entry.getSession()).toEqual({ cookie: '"cookie-r"', resume });
    expect(await entry.get()).toBe('"cookie-r"');
    const doc = JSON.parse(await readFile(file, "utf8"));
    for (const bad of [{ ...resume, version: 8 }, { ...resume, serviceContent: "x".repeat(300 * 1024) }, "resume", null]) {
      doc.sessions[sessionKey(base)].resume = bad;
      await writeFile(file, JSON.stringify(doc), { mode: 0o600 });
      expect(await entry.getSession(), JSON.stringify(bad).slice(0, 40)).toEqual({ cookie: '"cookie-r"' });
    }
  });

  it("a missing file is simply empty", async () => {
    await expect(new SessionCache(join(dir, "absent.json")).entry(base).get()).resolves.toBeUndefined();
  });

  it("refuses files other users can read or write, naming the file and the mode", async () => {
    for (const mode of [0o644, 0o620, 0o604]) {
      const file = join(dir, `loose-${mode.toString(8)}.json`);
      await writeFile(file, '{"version":3,"sessions":{}}');
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
    // Not JSON, a future version, another program's JSON, the wrong shapes.
    for (const bad of ["{not json", '{"version":7,"sessions":{}}', '{"name":"some-other-tool","cookies":["x"]}', '{"version":3,"sessions":[]}', '{"version":3}', "[]", "null", ""]) {
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
    const key = sessionKey(base);
    for (const cookie of ['"abc"\r\nX-Injected: 1', "a b", "a;b", 42]) {
      await writeFile(file, JSON.stringify({ version: 3, sessions: { [key]: { cookie, savedAt: "" } } }), { mode: 0o600 });
      const { warnings, warn } = collect();
      expect(await new SessionCache(file, warn).entry(base).get()).toBeUndefined();
      expect(warnings.join("\n")).toContain("not a valid cookie value");
      expect(warnings.join("\n")).not.toContain("abc");
    }
    await writeFile(file, JSON.stringify({ version: 3, sessions: { [key]: { cookie: '"52a0-ok"', savedAt: "" } } }), { mode: 0o600 });
    expect(await new SessionCache(file).entry(base).get()).toBe('"52a0-ok"');
  });

  it("a file of an older format (version 1 or 2, keyed by password material) is dropped quietly and replaced", async () => {
    const file = join(dir, "old.json");
    const old = [
      { version: 1, sessions: { deadbeef: { cookie: '"old"', savedAt: "" } } },
      { version: 2, secret: "ab".repeat(32), sessions: { [sessionKey(base)]: { cookie: '"old"', savedAt: "" } } },
    ];
    for (const doc of old) {
      await writeFile(file, JSON.stringify(doc), { mode: 0o600 });
      const { warnings, warn } = collect();
      const entry = new SessionCache(file, warn).entry(base);
      expect(await entry.get()).toBeUndefined();
      await entry.set('"new"');
      const now = JSON.parse(await readFile(file, "utf8"));
      expect(now).toEqual({ version: 3, sessions: { [sessionKey(base)]: { cookie: '"new"', savedAt: expect.any(String) } } });
      expect(warnings).toEqual([]);
    }
  });

  it("an entry of the wrong shape under this key reads as absent, and the next set replaces it", async () => {
    const file = join(dir, "entry-shape.json");
    for (const bad of [null, 42, "cookie", [], {}]) {
      await writeFile(file, JSON.stringify({ version: 3, sessions: { [sessionKey(base)]: bad } }), { mode: 0o600 });
      const entry = new SessionCache(file).entry(base);
      expect(await entry.get()).toBeUndefined();
      await entry.set('"ok"');
      expect(await entry.get()).toBe('"ok"');
    }
  });
});
