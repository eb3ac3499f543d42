/**
 * Small pieces the added commands share: turning a release argument into
 * loadModel options, and refusing an unusable output path before any slow work.
 */
import { constants } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { LoadOptions } from "../../pipeline.js";
import { DEFAULT_RELEASE } from "../../../wsdl/manifest.js";

const SERVICE_PREFIX = /^(vim25|pbm|vslm|sms|eam)-(.+)$/;

/** `7.0.3` or `pbm-9.1` (the service prefix wins over `--service`). */
export function parseRelease(release: string | undefined, service: string | undefined): { service: string; release?: string } {
  const m = release?.match(SERVICE_PREFIX);
  if (m) return { service: m[1]!, release: m[2]! };
  return { service: service ?? DEFAULT_RELEASE.service, ...(release ? { release } : {}) };
}

export interface SourceArgs {
  release?: string;
  service?: string;
  wsdl?: string;
  vmodl?: string | boolean;
  quiet?: boolean;
}

export function toLoadOptions(a: SourceArgs, signal: AbortSignal): LoadOptions {
  const { service, release } = parseRelease(a.release, a.service);
  return {
    service,
    ...(release ? { release } : !a.wsdl ? { release: DEFAULT_RELEASE.release } : {}),
    ...(a.wsdl ? { wsdl: a.wsdl } : {}),
    ...(a.vmodl === false ? { vmodl: false as const } : typeof a.vmodl === "string" ? { vmodl: a.vmodl } : {}),
    signal,
    onProgress: a.quiet ? () => {} : (step) => process.stderr.write(`… ${step}\n`),
    onWarning: (msg) => process.stderr.write(`warning: ${msg}\n`),
  };
}

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
