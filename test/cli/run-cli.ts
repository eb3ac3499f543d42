// Runs the command line in-process (cli/main.ts `run`) with captured output,
// and normalises what changes from run to run for golden files.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../cli/main.js";
import type { Io } from "../../cli/output.js";
import type { Vcsim } from "../vcsim/harness.js";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment a user of this simulator would export; a private session cache per call site. */
export function simEnv(sim: Vcsim, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const home = mkdtempSync(join(tmpdir(), "tsvmomi-cli-"));
  return {
    TSVMOMI_URL: sim.url,
    TSVMOMI_USERNAME: sim.username,
    TSVMOMI_PASSWORD: sim.password,
    TSVMOMI_THUMBPRINT: sim.thumbprint,
    HOME: home,
    ...extra,
  };
}

export async function cli(argv: readonly string[], env: Record<string, string | undefined>, signal?: AbortSignal): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    cwd: process.cwd(),
  };
  const code = await run(argv, io, signal);
  return { code, stdout, stderr };
}

/** Golden-file form of --json output: times, UUIDs, session keys and vcsim's temp directories replaced. */
export function normalise(json: string): string {
  return json
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
    .replace(/\/[^"@]*govcsim-[^"@]*/g, "<vcsim-dir>")
    .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<port>")
    // Objects made during a test (snapshots, clones, tasks) are numbered by how much ran before.
    .replace(/"(snapshot|task|vm)-\d+"/g, '"$1-<n>"')
    // vcsim reports its temp directory's file system as the datastore's size.
    .replace(/"(capacityBytes|freeBytes)": \d+/g, '"$1": "<bytes>"');
}
