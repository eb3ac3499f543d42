/**
 * Writes a file map as a whole or not at all: render into a sibling temp
 * directory, then swap it in with renames, so `generated/` is never half-written.
 */
import fs from "node:fs/promises";
import path from "node:path";

/** Text or bytes: `fetch-wsdl` writes files exactly as served, the emitter writes rendered text. */
export async function writeTreeAtomically(outDir: string, files: ReadonlyMap<string, string | Uint8Array>, signal?: AbortSignal): Promise<void> {
  const parent = path.dirname(path.resolve(outDir));
  try {
    await fs.mkdir(parent, { recursive: true });
    await fs.access(parent, fs.constants.W_OK);
  } catch (err) {
    throw new Error(`output directory ${outDir} is not writable (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const tmp = path.join(parent, `.${path.basename(outDir)}.tmp-${stamp}`);
  const old = path.join(parent, `.${path.basename(outDir)}.old-${stamp}`);
  try {
    for (const [rel, text] of files) {
      signal?.throwIfAborted();
      const file = path.join(tmp, rel);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, text);
    }
    signal?.throwIfAborted();
    const hadOld = await fs.rename(outDir, old).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") return false;
        throw e;
      },
    );
    try {
      await fs.rename(tmp, outDir);
    } catch (e) {
      if (hadOld) await fs.rename(old, outDir);
      throw e;
    }
    if (hadOld) await fs.rm(old, { recursive: true, force: true });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Writes a few loose files into `dir`, each through a temp file and a rename,
 * so a reader sees either the old file or the new one, never half of one.
 */
export async function writeFilesAtomically(dir: string, files: ReadonlyMap<string, string>, signal?: AbortSignal): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const [name, text] of files) {
    signal?.throwIfAborted();
    const file = path.join(dir, name);
    const tmp = `${file}.tmp-${process.pid}`;
    try {
      await fs.writeFile(tmp, text);
      await fs.rename(tmp, file);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }
}
