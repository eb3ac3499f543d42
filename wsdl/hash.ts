import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

export interface FileDigest {
  bytes: number;
  sha256: string;
}

export async function digestFile(file: string, signal?: AbortSignal): Promise<FileDigest> {
  const data = await readFile(file, signal ? { signal } : {});
  return { bytes: data.length, sha256: createHash("sha256").update(data).digest("hex") };
}
