/**
 * The helpers' errors. They join the runtime's error family (ClientError:
 * stable `code`, `instanceof` across duplicate installs) rather than start
 * their own, so one `catch` handles a fault, a transport failure and a path
 * that matched nothing alike.
 */
// From the runtime itself, not ./bindings.js, so the finder (and the CLI) can load these without the bindings' index.
import { ClientError, ErrorCode } from "tsvmomi";

/** Nothing matched: an inventory path, a name, a snapshot, a datastore file, a counter name. */
export class NotFoundError extends ClientError {
  static override readonly kind = "NotFoundError";
  /** What was looked for: `VirtualMachine`, `Datastore`, `snapshot`, `file`, `perf counter`, ... */
  readonly what: string;
  /** The path, name or pattern as the caller gave it. */
  readonly query: string;
  constructor(what: string, query: string, detail?: string) {
    super(ErrorCode.NOT_FOUND, `${what} not found: ${JSON.stringify(query)}${detail ? ` (${detail})` : ""}`);
    this.what = what;
    this.query = query;
  }
}

/** One object was asked for and several matched. */
export class MultipleFoundError extends ClientError {
  static override readonly kind = "MultipleFoundError";
  readonly what: string;
  readonly query: string;
  /** Inventory paths (or names) of the matches, as many as were found. */
  readonly matches: readonly string[];
  constructor(what: string, query: string, matches: readonly string[]) {
    const shown = matches.slice(0, 5).join(", ") + (matches.length > 5 ? `, … (${matches.length} in all)` : "");
    super(ErrorCode.MULTIPLE_FOUND, `${what} ${JSON.stringify(query)} is ambiguous: ${matches.length} match (${shown}); use a full inventory path`);
    this.what = what;
    this.query = query;
    this.matches = matches;
  }
}

/** What happened to the partial upload when an upload failed (see object/datastore-file.ts). */
export interface PartialUpload {
  /** `[ds] dir/.name.tsvmomi-partial-…`: where the bytes that reached the server went. */
  readonly datastorePath: string;
  /** True when it was deleted (or the server never created it); false when it may still be there. */
  readonly removed: boolean;
  /** Why the delete failed, when it did. */
  readonly cleanupError?: unknown;
}

/** A datastore file upload or download failed; `cause` is the underlying error (abort reason, HTTP status, transport). */
export class FileTransferError extends ClientError {
  static override readonly kind = "FileTransferError";
  readonly operation: "upload" | "download";
  /** `[datastore] path/to/file`. */
  readonly datastorePath: string;
  /** Bytes sent or received before it failed. */
  readonly bytes: number;
  /** Upload only: what became of the temporary file. The target file itself is never half-written. */
  readonly partial: PartialUpload | undefined;
  constructor(operation: "upload" | "download", datastorePath: string, bytes: number, reason: string, options: { cause?: unknown; partial?: PartialUpload } = {}) {
    const tail =
      options.partial === undefined
        ? ""
        : options.partial.removed
          ? "; the partial upload was removed"
          : `; the partial upload ${options.partial.datastorePath} could not be removed${options.partial.cleanupError ? ` (${(options.partial.cleanupError as Error)?.message ?? String(options.partial.cleanupError)})` : ""} and may remain`;
    super(ErrorCode.FILE_TRANSFER, `${operation} ${datastorePath}: ${reason} after ${bytes} bytes${tail}`, options.cause === undefined ? {} : { cause: options.cause });
    this.operation = operation;
    this.datastorePath = datastorePath;
    this.bytes = bytes;
    this.partial = options.partial;
  }
}
