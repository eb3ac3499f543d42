/**
 * A file of session cookies, like govmomi's ~/.govmomi/sessions: a second
 * program run reuses the first one's session instead of logging in again.
 *
 * Entries are keyed by a hash of (url, user name, hash of the password,
 * pinned thumbprint), so another server, user or password never picks up
 * someone else's session, and the file holds no password. The cookies
 * themselves are credentials: the file is written 0600, atomically (temp file
 * + rename), and a file other users may read or write is refused rather than
 * silently used or fixed.
 */
import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { SessionCacheError } from "../errors/client.js";

export interface SessionKeyParts {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly thumbprint?: string | undefined;
}

interface CacheFile {
  readonly version: 1;
  readonly sessions: Record<string, { readonly cookie: string; readonly savedAt: string }>;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export function sessionKey(parts: SessionKeyParts): string {
  const url = new URL(parts.url);
  const where = `${url.protocol}//${url.host}${url.pathname}`;
  const thumb = (parts.thumbprint ?? "").replace(/[\s:]/g, "").toUpperCase();
  return sha256(JSON.stringify([where, parts.username, sha256(parts.password), thumb]));
}

const checkPermissions = process.platform !== "win32";

export class SessionCache {
  constructor(readonly file: string) {}

  /** Throws SessionCacheError when the file is readable or writable by others; undefined when it does not exist. */
  async #read(): Promise<CacheFile | undefined> {
    let mode: number;
    try {
      mode = (await stat(this.file)).mode;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new SessionCacheError(this.file, `cannot stat (${(err as NodeJS.ErrnoException).code ?? "error"})`, { cause: err });
    }
    if (checkPermissions && (mode & 0o077) !== 0) {
      throw new SessionCacheError(
        this.file,
        `refusing a file with mode ${(mode & 0o777).toString(8).padStart(4, "0")}: it holds session cookies, so other users must not read or write it; run chmod 600 on it or delete it`,
      );
    }
    const text = await readFile(this.file, "utf8");
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new SessionCacheError(this.file, `is not valid JSON (${(err as Error).message}); delete it to start over`);
    }
    const d = doc as Partial<CacheFile> | null;
    if (typeof d !== "object" || d === null || d.version !== 1 || typeof d.sessions !== "object" || d.sessions === null) {
      throw new SessionCacheError(this.file, `expected {"version":1,"sessions":{…}}; delete it to start over`);
    }
    return d as CacheFile;
  }

  /** Fails early (before any network traffic) on a file with loose permissions or bad content. */
  async check(): Promise<void> {
    await this.#read();
  }

  async get(key: string): Promise<string | undefined> {
    const entry = (await this.#read())?.sessions[key];
    return typeof entry?.cookie === "string" ? entry.cookie : undefined;
  }

  async set(key: string, cookie: string | undefined): Promise<void> {
    const current = (await this.#read()) ?? { version: 1 as const, sessions: {} };
    const sessions = { ...current.sessions };
    if (cookie === undefined) {
      if (!(key in sessions)) return;
      delete sessions[key];
    } else {
      sessions[key] = { cookie, savedAt: new Date().toISOString() };
    }
    await this.#write({ version: 1, sessions });
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
