// Datastore files over HTTPS and the datastore browser, end to end against vcsim (one simulator for the file).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { connect, type Client } from "../../runtime/index.js";
import { faults, schemas } from "../support/bindings.js";
import {
  deleteFile,
  downloadFile,
  FileTransferError,
  findDatastore,
  makeDirectory,
  NotFoundError,
  openFile,
  parseDatastorePath,
  resolveFile,
  searchDatastore,
  uploadFile,
} from "../../object/index.js";

let sim: Vcsim;
let client: Client<typeof schemas>;
const DS = "LocalDS_0";

beforeAll(async () => {
  sim = await startVcsim();
  client = await connect({ url: sim.url, thumbprint: sim.thumbprint, username: sim.username, password: sim.password, bindings: schemas, keepAlive: false });
});
afterAll(async () => {
  await client?.[Symbol.asyncDispose]();
  await sim?.stop();
});

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

/** Every file under the folder, partial uploads included. */
const listing = async (path: string) => (await searchDatastore(client, { datastore: DS, path }, { recursive: true })).map((f) => f.path).sort();

describe("datastore files", () => {
  it("resolves the datastore's name, datacenter and dcPath", async () => {
    const f = await resolveFile(client, { datastore: DS, path: "/a/b.txt" });
    expect(f).toMatchObject({ datastoreName: DS, datacenterPath: "DC0", path: "a/b.txt", datastorePath: "[LocalDS_0] a/b.txt" });
    expect(f.datacenter.type).toBe("Datacenter");
    expect(parseDatastorePath("[LocalDS_0] a/b.txt")).toEqual({ datastoreName: DS, path: "a/b.txt" });
    // A resolved file stands in for another path of the same datastore without lookups.
    await uploadFile(client, { ...f, path: "a/c.txt" }, "c");
    expect(new TextDecoder().decode(await downloadFile(client, { ...f, path: "a/c.txt" }))).toBe("c");
  });

  it("uploads with progress, downloads the same bytes, streams them, lists them", async () => {
    const data = bytes(3 * 1024 * 1024 + 17);
    const seen: Array<[number, number | undefined]> = [];
    const res = await uploadFile(client, { datastore: DS, path: "up/one.bin" }, data, { onProgress: (n, total) => seen.push([n, total]) });
    expect(res).toEqual({ datastorePath: "[LocalDS_0] up/one.bin", bytes: data.byteLength });
    expect(seen.at(-1)).toEqual([data.byteLength, data.byteLength]);
    expect(seen.every(([n], i) => i === 0 || n > seen[i - 1]![0])).toBe(true);

    const down: number[] = [];
    expect(Buffer.from(await downloadFile(client, { datastore: DS, path: "up/one.bin" }, { onProgress: (n) => down.push(n) })).equals(Buffer.from(data))).toBe(true);
    expect(down.at(-1)).toBe(data.byteLength);

    const opened = await openFile(client, { datastore: await findDatastore(client, DS), path: "up/one.bin" });
    expect(opened.size).toBe(data.byteLength);
    let total = 0;
    for await (const chunk of opened.body) {
      total += chunk.byteLength;
      if (total > 1024 * 1024) break; // stopping early releases the connection
    }
    expect(total).toBeGreaterThan(1024 * 1024);

    const files = await searchDatastore(client, { datastore: DS, path: "up" });
    expect(files.map((f) => [f.path, f.info.fileSize])).toEqual([["up/one.bin", data.byteLength]]);
  });

  it("streams an AsyncIterable source with a declared size, and checks it", async () => {
    async function* parts() {
      for (let i = 0; i < 4; i++) yield bytes(1000, i);
    }
    await uploadFile(client, { datastore: DS, path: "up/stream.bin" }, parts(), { size: 4000 });
    expect((await downloadFile(client, { datastore: DS, path: "up/stream.bin" })).byteLength).toBe(4000);
    const short = await uploadFile(client, { datastore: DS, path: "up/short.bin" }, parts(), { size: 5000 }).catch((e: unknown) => e);
    expect(short).toBeInstanceOf(FileTransferError);
    expect((short as Error).message).toMatch(/ended after 4000 of its declared 5000 bytes/);
    expect((short as FileTransferError).partial?.removed).toBe(true);
    expect(await listing("up")).toEqual(["up/one.bin", "up/stream.bin"]);
  });

  it("an aborted upload leaves neither the target nor a partial file, and says so", async () => {
    const ac = new AbortController();
    let release!: () => void;
    const stalled = new Promise<void>((r) => (release = r));
    async function* slow() {
      yield bytes(256 * 1024);
      yield bytes(256 * 1024);
      await stalled; // the caller aborts here, mid-upload
      yield bytes(256 * 1024);
    }
    const upload = uploadFile(client, { datastore: DS, path: "abort/target.bin" }, slow(), {
      signal: ac.signal,
      onProgress: (n) => n >= 512 * 1024 && ac.abort(new Error("user cancelled")),
    });
    const err = await upload.catch((e: unknown) => e);
    release();
    expect(err).toBeInstanceOf(FileTransferError);
    const e = err as FileTransferError;
    expect(e.operation).toBe("upload");
    expect(e.datastorePath).toBe("[LocalDS_0] abort/target.bin");
    expect(e.message).toContain("aborted (user cancelled)");
    expect(e.partial).toMatchObject({ removed: true });
    expect(e.partial!.datastorePath).toMatch(/^\[LocalDS_0\] abort\/\.target\.bin\.tsvmomi-partial-[0-9a-f]+$/);
    // The folder holds nothing (vcsim made it for the PUT; had the request died before that, it would not exist).
    const left = await listing("abort").catch((x: unknown) => (x instanceof NotFoundError ? [] : Promise.reject(x)));
    expect(left).toEqual([]);
  });

  it("a failed upload over an existing file keeps its old content", async () => {
    await uploadFile(client, { datastore: DS, path: "keep/file.txt" }, "old content");
    async function* broken() {
      yield new TextEncoder().encode("new ");
      throw new Error("disk read error");
    }
    const err = await uploadFile(client, { datastore: DS, path: "keep/file.txt" }, broken()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileTransferError);
    expect((err as Error).message).toContain("disk read error");
    expect(new TextDecoder().decode(await downloadFile(client, { datastore: DS, path: "keep/file.txt" }))).toBe("old content");
    expect(await listing("keep")).toEqual(["keep/file.txt"]);
  });

  it("a stalled source fails after idleTimeout instead of hanging", async () => {
    async function* stall() {
      yield bytes(10);
      await new Promise(() => undefined);
    }
    const err = await uploadFile(client, { datastore: DS, path: "idle/x.bin" }, stall(), { idleTimeout: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileTransferError);
    expect((err as Error).message).toMatch(/no progress for 300 ms/);
    expect((err as FileTransferError).partial?.removed).toBe(true);
  });

  it("overwrite: false refuses an existing file with the typed fault", async () => {
    await uploadFile(client, { datastore: DS, path: "ow/a.txt" }, "first");
    const err = await uploadFile(client, { datastore: DS, path: "ow/a.txt" }, "second", { overwrite: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileTransferError);
    expect((err as FileTransferError).cause).toBeInstanceOf(faults.FileAlreadyExists);
    expect(new TextDecoder().decode(await downloadFile(client, { datastore: DS, path: "ow/a.txt" }))).toBe("first");
    expect(await listing("ow")).toEqual(["ow/a.txt"]);
  });

  it("bad input: a missing datastore, a missing file, a bad path, a too-large download", async () => {
    await expect(uploadFile(client, { datastore: "NoSuchDS", path: "x" }, "x")).rejects.toThrow(/Datastore not found: "NoSuchDS"/);
    const missing = await downloadFile(client, { datastore: DS, path: "nope/none.txt" }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toContain('file not found: "[LocalDS_0] nope/none.txt"');
    await expect(uploadFile(client, { datastore: DS, path: "../etc/passwd" }, "x")).rejects.toThrow(TypeError);
    await expect(uploadFile(client, { datastore: DS, path: "x" }, 42 as never)).rejects.toThrow(TypeError);
    await uploadFile(client, { datastore: DS, path: "big/b.bin" }, bytes(5000));
    await expect(downloadFile(client, { datastore: DS, path: "big/b.bin" }, { maxBytes: 1000 })).rejects.toThrow(/more than maxBytes 1000/);
    await expect(deleteFile(client, { datastore: DS, path: "nope/none.txt" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(searchDatastore(client, { datastore: DS, path: "no/such/dir" })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("makes directories, searches recursively with a pattern, deletes", async () => {
    await makeDirectory(client, { datastore: DS, path: "tree/a/b" });
    await uploadFile(client, { datastore: DS, path: "tree/a/b/c.iso" }, "iso");
    await uploadFile(client, { datastore: DS, path: "tree/a/d.txt" }, "txt");
    const isos = await searchDatastore(client, { datastore: DS, path: "tree" }, { pattern: "*.iso", recursive: true });
    expect(isos.map((f) => f.datastorePath)).toEqual(["[LocalDS_0] tree/a/b/c.iso"]);
    const top = await searchDatastore(client, { datastore: DS, path: "tree/a" });
    expect(top.map((f) => [f.path, f.isFolder]).sort()).toEqual([["tree/a/b", true], ["tree/a/d.txt", false]]);
    await deleteFile(client, { datastore: DS, path: "tree/a/d.txt" });
    expect(await listing("tree/a")).toEqual(["tree/a/b", "tree/a/b/c.iso"]);
  });
});
