/**
 * A file of session cookies, like govmomi's ~/.govmomi/sessions: a second
 * program run reuses the first one's session instead of logging in again.
 *
 * Keys. An entry is keyed by a SHA-256 of the URL, the user name and the
 * pinned thumbprint, and of nothing secret: as in govc, the cookie file is
 * what grants the session (anyone who can read it holds the cookies), so a
 * password-derived key would protect nothing the cookies do not already give
 * away, while costing every connect a slow key derivation (format version 2
 * keyed by scrypt, ~16 MiB and tens of ms a run, most of a one-shot command's
 * budget). Another server, user or certificate pin never picks up the entry;
 * a cached session the server no longer knows is checked and replaced by a
 * fresh Login with the caller's credentials, which never reach this file.
 *
 * The cookies themselves are credentials: the file is written 0600,
 * atomically (temp file + rename), and a file other users may read or write
 * is refused rather than silently used or fixed. A file whose content is
 * damaged (not JSON, wrong shape, a cookie that is not a valid cookie value)
 * is not fatal: it is reported through `warn`, treated as empty, and
 * rewritten with the next session. A file of an older format (version 1 or
 * 2) is dropped quietly and replaced. A directory given as the path is
 * refused with a message that says so.
 *
 * Beside the cookie an entry may hold what connect() learnt before it logged
 * in (`resume`): the negotiated API version and the ServiceContent, as the
 * XML the codec writes. govc keeps the same in its session file; a one-shot
 * program that finds both skips two of its four round trips. None of it is
 * secret, and a resume the server contradicts is dropped (client.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Stats } from "node:fs";
import { SessionCacheError } from "../errors/client.js";

/** What names a cache entry: where and as whom. No password: see the module comment. */
export interface SessionKeyParts {
  readonly url: string;
  readonly username: string;
  readonly thumbprint?: string | undefined;
}

const VERSION = 3;

/** What connect() needs, beside the cookie, to go straight to the session check. */
export interface ResumeState {
  /** The API version negotiated when the session was created. */
  readonly version: string;
  /** Which bindings negotiated it (their namespace and offered versions): other bindings negotiate afresh. */
  readonly bindings: string;
  /** The ServiceContent, encoded by the codec as a `returnval` element. */
  readonly serviceContent: string;
}

/** One cached session. */
export interface CachedSession {
  readonly cookie: string;
  readonly resume?: ResumeState;
}

interface CacheFile {
  readonly version: typeof VERSION;
  readonly sessions: Record<string, { readonly cookie: string; readonly savedAt: string; readonly resume?: ResumeState }>;
}

/** A ServiceContent is a few KiB; anything far larger in the file is not one. */
const MAX_RESUME_CHARS = 256 * 1024;

function resumeOf(value: unknown): ResumeState | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const { version, bindings, serviceContent } = r;
  if (typeof version !== "string" || typeof bindings !== "string" || typeof serviceContent !== "string" || serviceContent.length > MAX_RESUME_CHARS) return undefined;
  return { version, bindings, serviceContent };
}

/** RFC 6265 cookie-value characters (plus the DQUOTEs vSphere wraps it in): no CTLs, whitespace, comma, semicolon or backslash. */
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E"]+$/;

/** The cache key of `parts`: 64 hex digits. The URL's user info, query and fragment do not count; the thumbprint's spelling does not either. */
export function sessionKey(parts: SessionKeyParts): string {
  const url = new URL(parts.url);
  const where = `${url.protocol}//${url.host}${url.pathname}`;
  const thumb = (parts.thumbprint ?? "").replace(/[\s:]/g, "").toUpperCase();
  return createHash("sha256").update(JSON.stringify([where, parts.username, thumb])).digest("hex");
}

/** One server/user's slot in the cache. */
export interface SessionCacheEntry {
  /** The cached cookie. */
  get(): Promise<string | undefined>;
  /** The cached cookie with its resume state, when the entry has a well-formed one. */
  getSession(): Promise<CachedSession | undefined>;
  /** Stores a cookie (and what connect() learnt before it logged in), or removes the entry. */
  set(cookie: string | undefined, resume?: ResumeState): Promise<void>;
}

const checkPermissions = process.platform !== "win32";

export class SessionCache {
  readonly #warn: (message: string) => void;

  constructor(
    readonly file: string,
    warn?: (message: string) => void,
  ) {
    this.#warn = warn ?? ((m) => process.emitWarning(m, { code: "TSVMOMI_SESSION_CACHE" }));
  }

  /**
   * The file's content, or undefined when it does not exist or is damaged
   * (then reported through `warn`, once per read). Throws SessionCacheError
   * for what must stop the program: a directory, loose permissions, an
   * unreadable file.
   */
  async #read(): Promise<CacheFile | undefined> {
    let info: Stats;
    try {
      info = await stat(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new SessionCacheError(this.file, `cannot stat (${(err as NodeJS.ErrnoException).code ?? "error"})`, { cause: err });
    }
    if (info.isDirectory()) {
      throw new SessionCacheError(
        this.file,
        `is a directory; \`sessionCache\` must be the path of a file, e.g. ${JSON.stringify(join(this.file, "sessions.json"))}`,
      );
    }
    const mode = info.mode;
    if (checkPermissions && (mode & 0o077) !== 0) {
      throw new SessionCacheError(
        this.file,
        `refusing a file with mode ${(mode & 0o777).toString(8).padStart(4, "0")}: it holds session cookies, so other users must not read or write it; run chmod 600 on it or delete it`,
      );
    }
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      throw new SessionCacheError(this.file, `cannot read (${(err as NodeJS.ErrnoException).code ?? "error"})`, { cause: err });
    }
    const damaged = (what: string): undefined => {
      this.#warn(`session cache ${this.file}: ${what}; ignoring it and logging in afresh (the file is rewritten with the new session)`);
      return undefined;
    };
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return damaged(`is not valid JSON (${(err as Error).message})`);
    }
    const d = doc as { version?: unknown; sessions?: unknown };
    // Versions 1 and 2 keyed entries by password material; their keys are dropped, not converted.
    if (typeof d === "object" && d !== null && (d.version === 1 || d.version === 2)) return undefined;
    if (typeof d !== "object" || d === null || Array.isArray(d) || d.version !== VERSION || typeof d.sessions !== "object" || d.sessions === null || Array.isArray(d.sessions)) {
      return damaged(`expected {"version":${VERSION},"sessions":{…}}`);
    }
    return d as CacheFile;
  }

  /** Fails early (before any network traffic) on a directory, loose permissions or an unreadable file. */
  async check(): Promise<void> {
    await this.#read();
  }

  /** The entry for this server and user. */
  entry(parts: SessionKeyParts): SessionCacheEntry {
    const key = sessionKey(parts);
    const getSession = async (): Promise<CachedSession | undefined> => {
      const doc = await this.#read();
      if (!doc || !Object.hasOwn(doc.sessions, key)) return undefined;
      const entry: unknown = doc.sessions[key];
      const cookie: unknown = (entry as { cookie?: unknown } | undefined)?.cookie;
      if (cookie === undefined) return undefined;
      if (typeof cookie !== "string" || !COOKIE_VALUE.test(cookie)) {
        this.#warn(`session cache ${this.file}: the cached cookie for this server and user is not a valid cookie value; ignoring it and logging in afresh`);
        return undefined;
      }
      // A malformed resume only costs the round trips it would have saved.
      const resume = resumeOf((entry as { resume?: unknown }).resume);
      return resume ? { cookie, resume } : { cookie };
    };
    return {
      get: async () => (await getSession())?.cookie,
      getSession,
      set: async (cookie, resume) => {
        const current = await this.#read();
        const sessions = { ...current?.sessions };
        if (cookie === undefined) {
          if (!Object.hasOwn(sessions, key)) return;
          delete sessions[key];
        } else {
          sessions[key] = { cookie, savedAt: new Date().toISOString(), ...(resume ? { resume } : {}) };
        }
        await this.#write({ version: VERSION, sessions });
      },
    };
  }

  async #write(doc: CacheFile): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600, flag: "wx" });
      // The umask cannot widen 0600, but a pre-existing tmp name could not exist (flag wx), so this only guards odd filesystems.
      await chmod(tmp, 0o600);
      await rename(tmp, this.file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw new SessionCacheError(this.file, `cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
  }
}
