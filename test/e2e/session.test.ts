// Sessions against govmomi's simulator: transparent re-login after the
// session is terminated, single-flight under concurrency, keepalive, the
// session cache, and that no secret leaks into traces, logs or errors.
import diagnostics from "node:diagnostics_channel";
import { mkdir, mkdtemp, rm, stat, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { createServer, type Socket } from "node:net";
import { connect, subscribeTrace, SessionCacheError, TransportError, type Client } from "../../runtime/index.js";
import { sessionKey } from "../../runtime/session/session-cache.js";
import { schemas, faults, ServiceInstance, SessionManager } from "../support/bindings.js";

type Bindings = typeof schemas;

/**
 * Counts requests per method on the trace channel while `fn` runs; "GET
 * vimServiceVersions.xml" counts version negotiations (undici's request channel).
 */
async function counting<T>(fn: () => Promise<T>): Promise<{ result: T; count: (method: string) => number }> {
  const seen: string[] = [];
  const stop = subscribeTrace({ onRequest: (m) => seen.push(m.method) });
  const onHttp = (m: unknown) => {
    const { method, path } = (m as { request: { method: string; path: string } }).request;
    if (method === "GET" && path.endsWith("/vimServiceVersions.xml")) seen.push("GET vimServiceVersions.xml");
  };
  diagnostics.subscribe("undici:request:create", onHttp);
  try {
    const result = await fn();
    return { result, count: (method) => seen.filter((m) => m === method).length };
  } finally {
    stop();
    diagnostics.unsubscribe("undici:request:create", onHttp);
  }
}

type CacheDoc = { sessions: Record<string, { cookie: string; resume?: { version: string; bindings: string; serviceContent: string } }> };

type Resume = NonNullable<CacheDoc["sessions"][string]["resume"]>;

/** Rewrites every entry's resume state with `edit`'s changes. */
async function editResume(file: string, edit: (resume: Resume) => Partial<Resume>): Promise<void> {
  const doc = JSON.parse(await readFile(file, "utf8")) as CacheDoc;
  for (const entry of Object.values(doc.sessions)) entry.resume = { ...entry.resume!, ...edit(entry.resume!) };
  await writeFile(file, JSON.stringify(doc), { mode: 0o600 });
}

describe("sessions against vcsim", () => {
  let sim: Vcsim;
  let admin: Client<Bindings>;
  let dir: string;

  const open = (extra: Partial<Parameters<typeof connect<Bindings>>[0]> = {}) =>
    connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, username: "sess-user", password: "sess-Pass-1234", keepAlive: false, ...extra });
  const terminate = async (victim: Client<Bindings>) => {
    const key = victim.userSession?.key;
    if (!key) throw new Error("victim has no session key");
    await admin.call(SessionManager.TerminateSession, admin.serviceContent.sessionManager!, { sessionId: [key] });
  };

  beforeAll(async () => {
    sim = await startVcsim({ vm: 0 });
    admin = await open({ username: "admin" });
    dir = await mkdtemp(join(tmpdir(), "tsvmomi-session-"));
  });
  afterAll(async () => {
    await admin?.[Symbol.asyncDispose]();
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("a session terminated by another client is restored by one transparent Login", async () => {
    const c = await open();
    try {
      await terminate(c);
      const { result, count } = await counting(() => c.call(ServiceInstance.CurrentTime, c.serviceInstance));
      expect(result).toBeInstanceOf(Date);
      expect(count("Login")).toBe(1);
      expect(count("CurrentTime")).toBe(2); // the refused call and its replay
    } finally {
      await c[Symbol.asyncDispose]();
    }
  });

  it("100 concurrent calls on a terminated session cause exactly one Login", async () => {
    const c = await open();
    try {
      await terminate(c);
      const { result, count } = await counting(() =>
        Promise.all(Array.from({ length: 100 }, () => c.call(ServiceInstance.CurrentTime, c.serviceInstance))),
      );
      expect(result).toHaveLength(100);
      expect(result.every((d) => d instanceof Date)).toBe(true);
      expect(count("Login")).toBe(1);
      // And the restored session really is new: the old key is gone, a new one is in use.
      await expect(c.call(ServiceInstance.CurrentTime, c.serviceInstance)).resolves.toBeInstanceOf(Date);
    } finally {
      await c[Symbol.asyncDispose]();
    }
  });

  it("without credentials a terminated session surfaces NotAuthenticated (nothing to log in with)", async () => {
    const c = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, keepAlive: false });
    try {
      await c.login("manual-user", "manual-Pass-1");
      await c.logout();
      await expect(c.call(ServiceInstance.CurrentTime, c.serviceInstance)).rejects.toBeInstanceOf(faults.NotAuthenticated);
    } finally {
      await c.close();
    }
  });

  it("the session cache: second connect reuses the session without Login; file is 0600", async () => {
    const file = join(dir, "reuse", "sessions.json");
    const first = await counting(() => open({ sessionCache: file }));
    expect(first.count("Login")).toBe(1);
    const firstKey = first.result.userSession?.key;
    await first.result[Symbol.asyncDispose](); // keeps the cached session alive
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const second = await counting(() => open({ sessionCache: file }));
    try {
      expect(second.count("Login")).toBe(0);
      expect(second.result.loggedIn).toBe(true);
      expect(second.result.userSession?.key).toBe(firstKey);
      await expect(second.result.call(ServiceInstance.CurrentTime, second.result.serviceInstance)).resolves.toBeInstanceOf(Date);
    } finally {
      await second.result.close();
    }

    // Another user never picks up this session.
    const other = await counting(() => open({ sessionCache: file, username: "someone-else" }));
    expect(other.count("Login")).toBe(1);
    expect(other.result.userSession?.userName).toBe("someone-else");
    await other.result.close();
  });

  it("the session cache: a dead cached session (with the resume state it was written with) costs one session check and one Login, and is replaced", async () => {
    const file = join(dir, "dead", "sessions.json");
    const first = await open({ sessionCache: file });
    await terminate(first);
    await first.close();
    const second = await counting(() => open({ sessionCache: file }));
    try {
      expect(second.count("RetrievePropertiesEx")).toBe(1);
      expect(second.count("Login")).toBe(1);
      await expect(second.result.call(ServiceInstance.CurrentTime, second.result.serviceInstance)).resolves.toBeInstanceOf(Date);
    } finally {
      await second.result.close();
    }
    // The fresh session replaced the dead one in the file.
    const third = await counting(() => open({ sessionCache: file }));
    expect(third.count("Login")).toBe(0);
    await third.result.logout();
    await third.result.close();
    expect(JSON.parse(await readFile(file, "utf8")).sessions).toEqual({});
  });

  it("the session cache's resume state: the next connect skips version negotiation and RetrieveServiceContent", async () => {
    const file = join(dir, "resume", "sessions.json");
    const first = await counting(() => open({ sessionCache: file }));
    expect(first.count("GET vimServiceVersions.xml")).toBe(1);
    expect(first.count("RetrieveServiceContent")).toBe(1);
    const { version, serviceContent } = first.result;
    await first.result[Symbol.asyncDispose]();
    const entry = Object.values((JSON.parse(await readFile(file, "utf8")) as CacheDoc).sessions)[0]!;
    expect(entry.resume?.version).toBe(version);
    expect(entry.resume?.serviceContent).toMatch(/^<returnval>.*<propertyCollector type="PropertyCollector">/);

    const second = await counting(() => open({ sessionCache: file }));
    try {
      expect(second.count("GET vimServiceVersions.xml") + second.count("RetrieveServiceContent") + second.count("Login")).toBe(0);
      expect(second.count("RetrievePropertiesEx")).toBe(1); // the session check
      expect(second.result.version).toBe(version);
      expect(second.result.serviceContent).toStrictEqual(serviceContent);
      await expect(second.result.call(ServiceInstance.CurrentTime, second.result.serviceInstance)).resolves.toBeInstanceOf(Date);
    } finally {
      await second.result.close();
    }

    // A pinned version other than the cached one, or other bindings, negotiate afresh (and reuse the session).
    const pinned = await counting(() => open({ sessionCache: file, version: "6.0" }));
    expect(pinned.count("RetrieveServiceContent")).toBe(1);
    expect(pinned.count("Login")).toBe(0);
    expect(pinned.result.version).toBe("6.0");
    await pinned.result.close();
    await editResume(file, () => ({ bindings: "urn:vim25 2.0" }));
    const other = await counting(() => open({ sessionCache: file }));
    expect(other.count("RetrieveServiceContent")).toBe(1);
    expect(other.count("Login")).toBe(0);
    await other.result.close();
    // That connect wrote its own resume state back, so the next one resumes again.
    const again = await counting(() => open({ sessionCache: file }));
    expect(again.count("RetrieveServiceContent")).toBe(0);
    await again.result.close();
  });

  it("a resume state the server contradicts is dropped for a full connect, which rewrites it", async () => {
    const file = join(dir, "stale-resume", "sessions.json");
    const first = await open({ sessionCache: file });
    await first[Symbol.asyncDispose]();
    // As if the server had changed: the cached PropertyCollector no longer exists.
    await editResume(file, (r) => ({
      serviceContent: r.serviceContent.replace('<propertyCollector type="PropertyCollector">propertyCollector<', '<propertyCollector type="PropertyCollector">gone-1<'),
    }));
    const second = await counting(() => open({ sessionCache: file }));
    try {
      expect(second.count("RetrieveServiceContent")).toBe(1);
      expect(second.count("Login")).toBe(0); // the cookie itself was still good
      expect(second.result.serviceContent.propertyCollector?.value).toBe("propertyCollector");
    } finally {
      await second.result.close();
    }
    const third = await counting(() => open({ sessionCache: file }));
    expect(third.count("RetrieveServiceContent")).toBe(0);
    expect(third.result.serviceContent.propertyCollector?.value).toBe("propertyCollector");
    await third.result.close();

    // A resume state that is not a ServiceContent at all costs only the round trips it would have saved.
    await editResume(file, () => ({ serviceContent: "<returnval><rootFolder" }));
    const fourth = await counting(() => open({ sessionCache: file }));
    expect(fourth.count("RetrieveServiceContent")).toBe(1);
    expect(fourth.count("Login")).toBe(0);
    await fourth.result.close();
  });

  it("a resume state for a server that does not answer costs one failed call: no full connect after it, and the entry stays", async () => {
    const file = join(dir, "dead-server", "sessions.json");
    const first = await open({ sessionCache: file });
    await first[Symbol.asyncDispose]();
    const doc = JSON.parse(await readFile(file, "utf8")) as CacheDoc;
    const entry = Object.values(doc.sessions)[0]!;
    expect(entry.resume).toBeDefined();
    // A "server" that drops every connection at once, with the same entry filed under its address.
    const sockets = new Set<Socket>();
    let connections = 0;
    const dead = createServer((s) => {
      connections++;
      sockets.add(s);
      s.destroy();
    });
    await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve));
    try {
      const port = (dead.address() as { port: number }).port;
      const deadUrl = `https://127.0.0.1:${port}/sdk`;
      doc.sessions = { [sessionKey({ url: deadUrl, username: "sess-user", thumbprint: sim.thumbprint })]: entry };
      await writeFile(file, JSON.stringify(doc), { mode: 0o600 });
      const attempt = await counting(() =>
        connect({ url: deadUrl, bindings: schemas, thumbprint: sim.thumbprint, username: "sess-user", password: "sess-Pass-1234", keepAlive: false, sessionCache: file }).then(
          () => undefined,
          (err: unknown) => err,
        ),
      );
      expect(attempt.result).toBeInstanceOf(TransportError);
      // The resume's session check went out (and failed on the network); the full connect's first request never did.
      expect(attempt.count("RetrievePropertiesEx")).toBeGreaterThanOrEqual(1);
      expect(attempt.count("GET vimServiceVersions.xml")).toBe(0);
      expect(connections).toBeGreaterThanOrEqual(1);
      // A network failure says nothing about the session: the entry is kept for when the server is back.
      expect(Object.values((JSON.parse(await readFile(file, "utf8")) as CacheDoc).sessions)[0]?.cookie).toBe(entry.cookie);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => dead.close(() => resolve()));
    }
  });

  it("a damaged cache file, or a cached cookie with CRLF, is a warning and a fresh Login, not a failed connect", async () => {
    const file = join(dir, "damaged", "sessions.json");
    await mkdir(join(dir, "damaged"), { mode: 0o700 });
    await writeFile(file, '{"version":2,"sessions":', { mode: 0o600 });
    const warnings: string[] = [];
    const logger = { warn: (m: string) => void warnings.push(m) };
    const first = await counting(() => open({ sessionCache: file, logger }));
    expect(first.count("Login")).toBe(1);
    expect(warnings.join("\n")).toMatch(/not valid JSON.*logging in afresh/);
    await first.result[Symbol.asyncDispose]();
    // The file was rewritten with the new session, which the next run reuses.
    const second = await counting(() => open({ sessionCache: file }));
    expect(second.count("Login")).toBe(0);
    await second.result.close();

    const doc = JSON.parse(await readFile(file, "utf8")) as { sessions: Record<string, { cookie: string }> };
    for (const entry of Object.values(doc.sessions)) entry.cookie = `${entry.cookie}\r\nX-Evil: 1`;
    await writeFile(file, JSON.stringify(doc), { mode: 0o600 });
    warnings.length = 0;
    const third = await counting(() => open({ sessionCache: file, logger }));
    expect(third.count("Login")).toBe(1);
    expect(warnings.join("\n")).toContain("not a valid cookie value");
    await third.result.close();
  });

  it("a directory given as the cache path is refused with a message that says so", async () => {
    const err = await open({ sessionCache: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionCacheError);
    expect((err as Error).message).toContain("is a directory");
  });

  it("a cache file readable by others is refused before any request", async () => {
    const file = join(dir, "loose.json");
    await writeFile(file, JSON.stringify({ version: 1, sessions: {} }), { mode: 0o644 });
    const { result, count } = await counting(() => open({ sessionCache: file }).catch((e: unknown) => e));
    expect(result).toBeInstanceOf(SessionCacheError);
    expect((result as Error).message).toContain("0644");
    expect((result as Error).message).toContain(file);
    expect(count("RetrieveServiceContent") + count("Login")).toBe(0);
  });

  it("secrets never appear in traces, logs, errors, inspect or JSON", async () => {
    const password = "sess-Pass-1234";
    const captured: string[] = [];
    const stop = subscribeTrace({ onRequest: (m) => captured.push(JSON.stringify(m)), onResponse: (m) => captured.push(JSON.stringify(m)) });
    const logger = { warn: (m: string) => captured.push(m), debug: (m: string) => captured.push(m) };
    const env = process.env.TSVMOMI_TRACE;
    process.env.TSVMOMI_TRACE = "1";
    const cookies: string[] = [];
    try {
      const c = await open({ logger, trace: { write: (line) => captured.push(line) } });
      cookies.push(c.userSession!.key); // vcsim's session cookie value is the session key
      await c.call(ServiceInstance.CurrentTime, c.serviceInstance);
      await terminate(c);
      await c.call(ServiceInstance.CurrentTime, c.serviceInstance); // re-login with the kept password
      const current = (await c.call(ServiceInstance.RetrieveServiceContent, c.serviceInstance)) && c.userSession;
      captured.push(inspect(c, { depth: 10, showHidden: true }), JSON.stringify(c));
      await terminate(c);
      // A failing call's error, after the re-login: make the server refuse the password by using a wrong one elsewhere.
      const bad = await open({ password: `not-the-${password}`, logger, trace: { write: (line) => captured.push(line) } }).catch((e: unknown) => e);
      captured.push(String(bad), inspect(bad, { depth: 10 }), JSON.stringify(bad));
      await c.call(ServiceInstance.CurrentTime, c.serviceInstance);
      void current;
      await c[Symbol.asyncDispose]();

      // LoginByToken: the assertion must not leak either.
      const t = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, keepAlive: false, logger, trace: { write: (line) => captured.push(line) } });
      const nameId = "saml-subject-Secret-7788";
      await t.loginByToken(`<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"><saml2:Subject><saml2:NameID>${nameId}</saml2:NameID></saml2:Subject></saml2:Assertion>`);
      cookies.push(t.userSession!.key);
      captured.push(inspect(t, { depth: 10, showHidden: true }), JSON.stringify(t));
      await t[Symbol.asyncDispose]();

      const all = captured.join("\n");
      expect(captured.some((l) => l.includes("Login"))).toBe(true); // the capture did see the logins
      expect(all).not.toContain(password);
      expect(all).not.toContain(`<saml2:NameID>${nameId}`);
      expect(all).not.toContain("saml2:Subject");
      expect(cookies.length).toBeGreaterThanOrEqual(2);
      for (const cookie of cookies) expect(all).not.toContain(cookie);
    } finally {
      stop();
      if (env === undefined) delete process.env.TSVMOMI_TRACE;
      else process.env.TSVMOMI_TRACE = env;
    }
  });
});

describe("keepalive against vcsim", () => {
  let sim: Vcsim;
  beforeAll(async () => {
    sim = await startVcsim({ vm: 0, sessionIdleTimeout: "400ms" });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it("keeps an idle session alive; without it the same idle period needs a re-login", async () => {
    const base = { url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, username: "ka", password: "ka-Pass-1" };
    const kept = await connect({ ...base, keepAlive: 100 });
    const idle = await connect({ ...base, keepAlive: false });
    try {
      // Idle sessions die between T and 2T; wait past 2T with both clients silent.
      await new Promise((r) => setTimeout(r, 1200));
      const a = await counting(() => kept.call(ServiceInstance.CurrentTime, kept.serviceInstance));
      expect(a.count("Login")).toBe(0);
      const b = await counting(() => idle.call(ServiceInstance.CurrentTime, idle.serviceInstance));
      expect(b.count("Login")).toBe(1);
    } finally {
      await kept[Symbol.asyncDispose]();
      await idle[Symbol.asyncDispose]();
    }
  });
});
