/**
 * A file of session cookies, like govmomi's ~/.govmomi/sessions: a second
 * program run reuses the first one's session instead of logging in again.
 *
 * Keys. An entry is keyed by scrypt(url, user name, password, pinned
 * thumbprint) salted with a random secret kept in the file itself, so another
 * server, user or password never picks up someone else's session, and the
 * file holds no plain hash of the password: without the per-file secret there
 * is nothing to look up in a precomputed table, and each guess costs an
 * scrypt (N=2^14) instead of one SHA-256.
 *
 * The cookies themselves are credentials: the file is written 0600,
 * atomically (temp file + rename), and a file other users may read or write
 * is refused rather than silently used or fixed. A file whose content is
 * damaged (not JSON, wrong shape, a cookie that is not a valid cookie value)
 * is not fatal: it is reported through `warn`, treated as empty, and
 * rewritten with the next session. A directory given as the path is refused
 * with a message that says so.
 */
import { randomBytes, scrypt } from "node:crypto";
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { SessionCacheError } from "../errors/client.js";
import type { Stats } from "node:fs";

export interface SessionKeyParts {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly thumbprint?: string | undefined;
}

interface CacheFile {
  readonly version: 2;
  /** Hex; salts every key in this file. */
  readonly secret: string;
  readonly sessions: Record<string, { readonly cookie: string; readonly savedAt: string }>;
}

const SECRET_BYTES = 32;
/** scrypt cost: ~16 MiB and some tens of ms per connect; an offline guess costs the same. */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
/** RFC 6265 cookie-value characters (plus the DQUOTEs vSphere wraps it in): no CTLs, whitespace, comma, semicolon or backslash. */
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E"]+$/;

/** The cache key of `parts` under a file's `secret` (hex): 64 hex digits. */
export function sessionKey(parts: SessionKeyParts, secret: string): Promise<string> {
  const url = new URL(parts.url);
  const where = `${url.protocol}//${url.host}${url.pathname}`;
  const thumb = (parts.thumbprint ?? "").replace(/[\s:]/g, "").toUpperCase();
  const material = JSON.stringify([where, parts.username, parts.password, thumb]);
  return new Promise((resolve, reject) =>
    scrypt(material, Buffer.from(secret, "hex"), 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(key.toString("hex")))),
  );
}

/** One server/user/password's slot in the cache. */
export interface SessionCacheEntry {
  get(): Promise<string | undefined>;
  set(cookie: string | undefined): Promise<void>;
}

const checkPermissions = process.platform !== "win32";

export class SessionCache {
  readonly #warn: (message: string) => void;
  /** The secret used when the file has none yet (absent or damaged); written with the first entry. */
  #fresh: string | undefined;

  #freshSecret(): string {
    this.#fresh ??= randomBytes(SECRET_BYTES).toString("hex");
    return this.#fresh;
  }

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
    const d = doc as Omit<Partial<CacheFile>, "version"> & { version?: unknown };
    // Version 1 files were keyed by an unsalted password hash; those keys are dropped, not converted.
    if (typeof d === "object" && d !== null && d.version === 1) return undefined;
    if (
      typeof d !== "object" ||
      d === null ||
      d.version !== 2 ||
      typeof d.secret !== "string" ||
      !/^[0-9a-f]{64}$/.test(d.secret) ||
      typeof d.sessions !== "object" ||
      d.sessions === null
    ) {
      return damaged(`expected {"version":2,"secret":"<64 hex digits>","sessions":{…}}`);
    }
    return d as CacheFile;
  }

  /** Fails early (before any network traffic) on a directory, loose permissions or an unreadable file. */
  async check(): Promise<void> {
    await this.#read();
  }

  /** The entry for these credentials; the password stays in this closure, as the re-login's does. */
  entry(parts: SessionKeyParts): SessionCacheEntry {
    const keys = new Map<string, Promise<string>>();
    const keyFor = (secret: string) => {
      let k = keys.get(secret);
      if (!k) {
        k = sessionKey(parts, secret);
        keys.set(secret, k);
      }
      return k;
    };
    return {
      get: async () => {
        const doc = await this.#read();
        if (!doc) return undefined;
        const cookie = doc.sessions[await keyFor(doc.secret)]?.cookie;
        if (cookie === undefined) return undefined;
        if (typeof cookie !== "string" || !COOKIE_VALUE.test(cookie)) {
          this.#warn(`session cache ${this.file}: the cached cookie for this server and user is not a valid cookie value; ignoring it and logging in afresh`);
          return undefined;
        }
        return cookie;
      },
      set: async (cookie) => {
        const current = await this.#read();
        const secret = current?.secret ?? this.#freshSecret();
        const key = await keyFor(secret);
        const sessions = { ...current?.sessions };
        if (cookie === undefined) {
          if (!(key in sessions)) return;
          delete sessions[key];
        } else {
          sessions[key] = { cookie, savedAt: new Date().toISOString() };
        }
        await this.#write({ version: 2, secret, sessions });
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
