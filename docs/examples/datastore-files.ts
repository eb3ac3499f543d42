// Upload, list and download datastore files over HTTPS; an aborted upload leaves nothing behind.
import { connect } from "../../runtime/index.js";
import { downloadFile, FileTransferError, searchDatastore, uploadFile } from "../../object/index.js";
import { schemas } from "./bindings.js";
import type { Target } from "./connection.js";

export async function datastoreFiles(target: Target, datastore: string): Promise<{ listed: string[]; text: string; aborted: string }> {
  await using client = await connect({ ...target, bindings: schemas });
  await uploadFile(client, { datastore, path: "guide/hello.txt" }, "hello from tsvmomi\n", {
    onProgress: (bytes, total) => console.log(`uploaded ${bytes}/${total ?? "?"} bytes`),
  });
  const listed = (await searchDatastore(client, { datastore, path: "guide" }, { pattern: "*.txt" })).map((f) => f.datastorePath);
  const text = new TextDecoder().decode(await downloadFile(client, { datastore, path: "guide/hello.txt" }));

  // Streams work too (pass `size` when you know it); here the caller gives up half way.
  const stop = new AbortController();
  async function* chunks() {
    yield new Uint8Array(64 * 1024);
    stop.abort(new Error("changed my mind"));
    yield new Uint8Array(64 * 1024);
  }
  let aborted = "";
  try {
    await uploadFile(client, { datastore, path: "guide/big.bin" }, chunks(), { signal: stop.signal });
  } catch (err) {
    if (!(err instanceof FileTransferError)) throw err;
    // guide/big.bin was never touched; the temporary file the bytes went to was deleted and checked gone.
    aborted = `${err.message} (removed: ${err.partial?.removed})`;
  }
  return { listed, text, aborted };
}
