/**
 * Where the generator's commands write: an unusable output path is refused
 * before any slow work, and a file is replaced whole or not at all.
 */
import { constants } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";

export class OutputError extends Error {
  readonly code = "TSVMOMI_OUTPUT";
}

/**
 * The nearest existing ancestor must be a writable directory; checked up front
 * so a typo in --out fails in milliseconds, not after the model has loaded.
 */
export async function assertWritableTarget(target: string, what: string, opts: { folder?: boolean } = {}): Promise<void> {
  // A folder that receives files must itself be (or become) a writable directory; a file or a replaced folder needs its parent.
  let dir = opts.folder ? path.resolve(target) : path.dirname(path.resolve(target));
  for (;;) {
    try {
      const st = await fs.stat(dir);
      if (!st.isDirectory()) throw new OutputError(`${what} ${target} is not writable: ${dir} is not a directory`);
      await fs.access(dir, constants.W_OK);
      return;
    } catch (err) {
      if (err instanceof OutputError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") {
        const parent = path.dirname(dir);
        if (parent === dir) break;
        dir = parent;
        continue;
      }
      throw new OutputError(`${what} ${target} is not writable (${code ?? (err as Error).message})`);
    }
  }
  throw new OutputError(`${what} ${target} is not writable`);
}

/** Replace a file whole: write beside it, then rename. */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new OutputError(`cannot create the folder of ${file} (${err.code ?? err.message})`);
  });
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.tmp-${process.pid}-${Date.now().toString(36)}`);
  try {
    await fs.writeFile(tmp, text);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw new OutputError(`cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
