/**
 * Datastore files over HTTPS, through vCenter's and ESXi's file service:
 * `https://host/folder/<path>?dcPath=<datacenter path>&dsName=<datastore>`,
 * authenticated by the session cookie, on the client's own connection pool
 * (so the same thumbprint, CA or insecure setting applies).
 *
 *   await uploadFile(client, { datastore: "LocalDS_0", path: "iso/tools.iso" }, bytes, { onProgress: (n, total) => … });
 *   for await (const chunk of (await openFile(client, { datastore: ds, path: "vm/vmware.log" })).body) …;
 *   const text = new TextDecoder().decode(await downloadFile(client, { datastore: ds, path: "vm/vm.vmx" }));
 *
 * The upload contract: the target path is never half-written. Bytes go to a
 * hidden temporary file beside it (`.name.tsvmomi-partial-<random>`), which
 * FileManager.MoveDatastoreFile_Task renames onto the target once the server
 * has acknowledged every byte. When anything fails before that (the signal
 * aborts, no progress for `idleTimeout`, an HTTP error, the rename) the
 * temporary file is deleted (DeleteDatastoreFile_Task) and checked gone, and
 * the call rejects with a FileTransferError whose `partial` says so —
 * `removed: false` with the temporary file's path when it could not be
 * removed. The target keeps its previous content, if it had one.
 */
import { randomBytes } from "node:crypto";
import {
  FileManager,
  HttpStatusError,
  inventoryPath,
  isFault,
  waitForTask,
  type AnyClient,
  type ClientHttpResponse,
  type MoRef,
} from "./bindings.js";
import { FileTransferError, NotFoundError, type PartialUpload } from "./errors.js";
import { findDatastore } from "./finder.js";
import { callOptions } from "./internal.js";
import { readProperties } from "./vm.js";

/**
 * A file on a datastore: the datastore (reference, or name/inventory path for
 * the finder) and a path inside it. A `ResolvedFile` (from `resolveFile`,
 * with another `path` spread in) is accepted wherever this is and costs no
 * lookups.
 */
export interface DatastoreFile {
  readonly datastore: MoRef<"Datastore"> | string;
  /** Relative to the datastore's root: `dir/file.iso` (a leading `/` is ignored). */
  readonly path: string;
}

/** Where a file lives, resolved once: what the `/folder` URL and FileManager need. */
export interface ResolvedFile {
  readonly datastore: MoRef<"Datastore">;
  readonly datastoreName: string;
  readonly datacenter: MoRef<"Datacenter">;
  /** The datacenter's inventory path without the leading `/` (`DC0`, `folder/DC1`): the URL's dcPath. */
  readonly datacenterPath: string;
  readonly path: string;
  /** `[datastore] dir/file.iso`. */
  readonly datastorePath: string;
}

export type Progress = (bytes: number, total: number | undefined) => void;

export interface TransferOptions {
  readonly signal?: AbortSignal;
  /** Called as bytes move: bytes so far and the total when known. */
  readonly onProgress?: Progress;
  /** Give up when no byte moved for this long, in ms. Default 60 000; 0 disables. The whole transfer has no deadline. */
  readonly idleTimeout?: number;
}

const DEFAULT_IDLE_MS = 60_000;
/** `downloadFile` holds the file in memory: above this it refuses (use `openFile` to stream). */
const DEFAULT_MAX_DOWNLOAD = 256 * 1024 * 1024;

/** `[ds] a/b.txt` for a datastore name and a path. */
export function datastorePath(datastoreName: string, path: string): string {
  return `[${datastoreName}] ${path.replace(/^\/+/, "")}`;
}

/** Splits `[ds] a/b.txt` into its datastore name and path. */
export function parseDatastorePath(text: string): { datastoreName: string; path: string } {
  const m = /^\[([^\]]+)\]\s*(.*)$/.exec(text);
  if (!m) throw new TypeError(`parseDatastorePath: expected "[datastore] path/to/file", got ${JSON.stringify(text)}`);
  return { datastoreName: m[1]!, path: m[2]! };
}

function checkPath(method: string, path: unknown): string {
  if (typeof path !== "string") throw new TypeError(`${method}: path must be a string like "dir/file.iso", got ${JSON.stringify(path)}`);
  const clean = path.replace(/^\/+/, "");
  if (clean === "" || clean.split("/").some((s) => s === "..")) throw new TypeError(`${method}: path must name a file inside the datastore, got ${JSON.stringify(path)}`);
  return clean;
}

/** Resolves the datastore (by reference or name), its name and its datacenter. */
export async function resolveFile(client: AnyClient, file: DatastoreFile | ResolvedFile, options: { signal?: AbortSignal } = {}): Promise<ResolvedFile> {
  const path = checkPath("resolveFile", file?.path);
  // Already resolved (e.g. for another file of the same datastore): no round trips.
  if ("datacenterPath" in file && "datastoreName" in file && file.datacenter?.type === "Datacenter") {
    return { ...file, path, datastorePath: datastorePath(file.datastoreName, path) };
  }
  const datastore = typeof file.datastore === "string" ? await findDatastore(client, file.datastore, options) : file.datastore;
  if (datastore?.type !== "Datastore") throw new TypeError(`resolveFile: datastore must be a Datastore reference or name, got ${JSON.stringify(file.datastore)}`);
  const { name } = await readProperties(client, datastore, ["name"], options);
  // Walk up to the datacenter: a datastore sits in its datastore folder (or a subfolder, or a StoragePod).
  let datacenter: MoRef<"Datacenter"> | undefined;
  for (let at = datastore as MoRef, guard = 0; guard < 64 && !datacenter; guard++) {
    const parent = (await readProperties(client, at, ["parent"], options)).parent as MoRef | undefined;
    if (!parent) break;
    if (parent.type === "Datacenter") datacenter = parent as MoRef<"Datacenter">;
    at = parent;
  }
  if (!datacenter) throw new NotFoundError("Datacenter", `${datastore.type}:${datastore.value}`, "the datastore is not under a datacenter");
  const datacenterPath = (await inventoryPath(client, datacenter, options)).replace(/^\//, "");
  return { datastore, datastoreName: String(name), datacenter, datacenterPath, path, datastorePath: datastorePath(String(name), path) };
}

function folderUrl(f: Pick<ResolvedFile, "datacenterPath" | "datastoreName">, path: string): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return `/folder/${encoded}?dcPath=${encodeURIComponent(f.datacenterPath)}&dsName=${encodeURIComponent(f.datastoreName)}`;
}

/**
 * A signal that fires when `outer` aborts or when `touch()` was not called for
 * `idleMs`: bounds a stalled transfer without bounding a long one.
 */
function idleGuard(outer: AbortSignal | undefined, idleMs: number, what: string) {
  const ac = new AbortController();
  const onAbort = () => ac.abort(outer!.reason);
  outer?.addEventListener("abort", onAbort, { once: true });
  if (outer?.aborted) ac.abort(outer.reason);
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    if (idleMs <= 0 || ac.signal.aborted) return;
    if (timer) timer.refresh();
    else timer = setTimeout(() => ac.abort(new Error(`${what}: no progress for ${idleMs} ms`)), idleMs).unref();
  };
  touch();
  return {
    signal: ac.signal,
    touch,
    done() {
      if (timer) clearTimeout(timer);
      outer?.removeEventListener("abort", onAbort);
    },
  };
}

export type UploadSource = Uint8Array | string | AsyncIterable<Uint8Array>;

export interface UploadOptions extends TransferOptions {
  /** Byte count of an AsyncIterable source: sent as Content-Length (ESXi wants one) and checked. */
  readonly size?: number;
  /** Replace an existing file. Default true; false fails with FileAlreadyExists and leaves it alone. */
  readonly overwrite?: boolean;
}

export interface UploadResult {
  readonly datastorePath: string;
  readonly bytes: number;
}

async function* chunksOf(source: UploadSource): AsyncGenerator<Uint8Array> {
  if (typeof source === "string") yield new TextEncoder().encode(source);
  else if (source instanceof Uint8Array) {
    // Slices so progress moves on a large buffer too.
    for (let at = 0; at < source.byteLength; at += 1 << 20) yield source.subarray(at, Math.min(source.byteLength, at + (1 << 20)));
  } else yield* source;
}

/** Uploads `source` to the file (see the module comment for what happens on failure). */
export async function uploadFile(client: AnyClient, file: DatastoreFile, source: UploadSource, options: UploadOptions = {}): Promise<UploadResult> {
  if (!(typeof source === "string" || source instanceof Uint8Array || (source && typeof (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function"))) {
    throw new TypeError(`uploadFile: source must be a Uint8Array, a string or an AsyncIterable<Uint8Array>, got ${typeof source}`);
  }
  options.signal?.throwIfAborted();
  const f = await resolveFile(client, file, options);
  const size = typeof source === "string" ? new TextEncoder().encode(source).byteLength : source instanceof Uint8Array ? source.byteLength : options.size;
  const slash = f.path.lastIndexOf("/");
  const tmpPath = `${f.path.slice(0, slash + 1)}.${f.path.slice(slash + 1)}.tsvmomi-partial-${randomBytes(6).toString("hex")}`;
  const tmp = datastorePath(f.datastoreName, tmpPath);
  const guard = idleGuard(options.signal, options.idleTimeout ?? DEFAULT_IDLE_MS, `upload ${f.datastorePath}`);
  let sent = 0;
  let started = false;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunksOf(source)) {
      if (!(chunk instanceof Uint8Array)) throw new TypeError(`uploadFile: the source yielded ${typeof chunk}, expected Uint8Array chunks`);
      guard.signal.throwIfAborted();
      sent += chunk.byteLength;
      if (size !== undefined && sent > size) throw new RangeError(`uploadFile: the source is longer than its declared size ${size}`);
      guard.touch();
      options.onProgress?.(sent, size);
      yield chunk;
    }
    if (size !== undefined && sent !== size) throw new RangeError(`uploadFile: the source ended after ${sent} of its declared ${size} bytes`);
  }
  try {
    started = true;
    const res = await client.request({
      verb: "PUT",
      path: folderUrl(f, tmpPath),
      body: counted(),
      headers: { "content-type": "application/octet-stream", ...(size !== undefined ? { "content-length": String(size) } : {}) },
      signal: guard.signal,
      timeout: 0, // the idle guard bounds it instead
    });
    await res.body.discard();
    guard.done();
    await moveFile(client, f, tmp, f.datastorePath, options.overwrite ?? true, options.signal);
    return { datastorePath: f.datastorePath, bytes: sent };
  } catch (err) {
    guard.done();
    const partial = started ? await removePartial(client, f, tmp, tmpPath) : undefined;
    const reason = guard.signal.aborted && guard.signal.reason === err ? `aborted (${describeReason(err)})` : describeReason(err);
    throw new FileTransferError("upload", f.datastorePath, sent, reason, { cause: err, ...(partial ? { partial } : {}) });
  }
}

function describeReason(err: unknown): string {
  if (err instanceof HttpStatusError) return `HTTP ${err.status}${err.status === 404 ? " (no such datacenter, datastore or directory)" : ""}`;
  return (err as Error)?.message ?? String(err);
}

async function moveFile(client: AnyClient, f: ResolvedFile, from: string, to: string, force: boolean, signal: AbortSignal | undefined): Promise<void> {
  const fm = fileManager(client);
  const task = await client.call(
    FileManager.MoveDatastoreFile_Task,
    fm,
    { sourceName: from, sourceDatacenter: f.datacenter, destinationName: to, destinationDatacenter: f.datacenter, force },
    callOptions({ ...(signal ? { signal } : {}) }),
  );
  await waitForTask(client, task, { bindings: client.schemaRegistry as never, ...(signal ? { signal } : {}) });
}

function fileManager(client: AnyClient): MoRef<"FileManager"> {
  const fm = (client.serviceContent as { fileManager?: MoRef<"FileManager"> }).fileManager;
  if (!fm) throw new TypeError("datastore files: this server's ServiceContent has no fileManager");
  return fm;
}

/**
 * Deletes the temporary file, then checks with a HEAD that nothing is left
 * (the server may still have been creating it when the connection dropped).
 * Never throws: the outcome is reported in the returned record. Runs without
 * the caller's signal, which may be what aborted the upload.
 */
async function removePartial(client: AnyClient, f: ResolvedFile, tmp: string, tmpPath: string): Promise<PartialUpload> {
  let cleanupError: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await deleteFile(client, { datastore: f.datastore, path: tmpPath }, { resolved: f, missingOk: true });
    } catch (err) {
      cleanupError = err;
    }
    try {
      const head = await client.request({ verb: "HEAD", path: folderUrl(f, tmpPath), timeout: 30_000 });
      await head.body.discard();
      // Still there (created after the delete): go round once more.
    } catch (err) {
      if (err instanceof HttpStatusError && err.status === 404) return { datastorePath: tmp, removed: true };
      cleanupError ??= err;
    }
  }
  return { datastorePath: tmp, removed: false, ...(cleanupError !== undefined ? { cleanupError } : {}) };
}

/** DeleteDatastoreFile_Task. A missing file is NotFoundError unless `missingOk`. */
export async function deleteFile(
  client: AnyClient,
  file: DatastoreFile,
  options: { signal?: AbortSignal; missingOk?: boolean; resolved?: ResolvedFile } = {},
): Promise<void> {
  const f = options.resolved ?? (await resolveFile(client, file, options));
  const name = options.resolved ? datastorePath(f.datastoreName, checkPath("deleteFile", file.path)) : f.datastorePath;
  try {
    const task = await client.call(FileManager.DeleteDatastoreFile_Task, fileManager(client), { name, datacenter: f.datacenter }, callOptions(options));
    await waitForTask(client, task, { bindings: client.schemaRegistry as never, ...callOptions(options) });
  } catch (err) {
    if (isFault(err, "FileNotFound")) {
      if (options.missingOk) return;
      throw new NotFoundError("file", name);
    }
    throw err;
  }
}

/** FileManager.MakeDirectory (parents too). */
export async function makeDirectory(client: AnyClient, dir: DatastoreFile, options: { signal?: AbortSignal } = {}): Promise<void> {
  const f = await resolveFile(client, dir, options);
  await client.call(FileManager.MakeDirectory, fileManager(client), { name: f.datastorePath, datacenter: f.datacenter, createParentDirectories: true }, callOptions(options));
}

export interface OpenedFile {
  readonly datastorePath: string;
  /** From Content-Length, when the server sent it. */
  readonly size: number | undefined;
  /** The content, streamed; iterate once. Stopping early releases the connection. */
  readonly body: AsyncIterable<Uint8Array>;
}

/** Opens a file for streaming. A missing file (or datastore directory) is NotFoundError. */
export async function openFile(client: AnyClient, file: DatastoreFile, options: TransferOptions = {}): Promise<OpenedFile> {
  const f = await resolveFile(client, file, options);
  const guard = idleGuard(options.signal, options.idleTimeout ?? DEFAULT_IDLE_MS, `download ${f.datastorePath}`);
  let res: ClientHttpResponse;
  try {
    res = await client.request({ verb: "GET", path: folderUrl(f, f.path), signal: guard.signal, timeout: 0 });
  } catch (err) {
    guard.done();
    if (err instanceof HttpStatusError && err.status === 404) throw new NotFoundError("file", f.datastorePath);
    throw new FileTransferError("download", f.datastorePath, 0, describeReason(err), { cause: err });
  }
  const length = Number(res.headers["content-length"]);
  const size = Number.isFinite(length) && length >= 0 ? length : undefined;
  async function* body(): AsyncGenerator<Uint8Array> {
    let received = 0;
    try {
      for await (const chunk of res.body) {
        received += chunk.byteLength;
        guard.touch();
        options.onProgress?.(received, size);
        yield chunk;
      }
      if (size !== undefined && received !== size) throw new Error(`the server sent ${received} of ${size} bytes`);
    } catch (err) {
      throw new FileTransferError("download", f.datastorePath, received, guard.signal.aborted ? `aborted (${describeReason(guard.signal.reason)})` : describeReason(err), { cause: err });
    } finally {
      guard.done();
    }
  }
  return { datastorePath: f.datastorePath, size, body: body() };
}

/** Reads a whole file into memory; refuses one larger than `maxBytes` (default 256 MiB) before reading past it. */
export async function downloadFile(client: AnyClient, file: DatastoreFile, options: TransferOptions & { maxBytes?: number } = {}): Promise<Uint8Array> {
  const max = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD;
  const opened = await openFile(client, file, options);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const iterator = opened.body[Symbol.asyncIterator]();
  try {
    if (opened.size !== undefined && opened.size > max) {
      throw new FileTransferError("download", opened.datastorePath, 0, `the file has ${opened.size} bytes, more than maxBytes ${max} (use openFile to stream it)`);
    }
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      total += step.value.byteLength;
      if (total > max) throw new FileTransferError("download", opened.datastorePath, total, `more than maxBytes ${max} (use openFile to stream it)`);
      chunks.push(step.value);
    }
  } finally {
    await iterator.return?.(undefined);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
