/**
 * The command line's own errors and the one-line rendering of any error.
 * Exit codes: 0 success, 1 an error, 2 a usage error (wrong flag, argument
 * or path syntax: nothing was attempted on the server).
 */

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

/** The command line was wrong; `command` names whose help to point at. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** A failure the CLI detected itself (no object at a path, a bad environment value). Exit code 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}

/** Node's own system errors carry `code` and `syscall`; shown as "open …: ENOENT". */
function systemError(err: Error & { code?: unknown; syscall?: unknown; path?: unknown }): string | undefined {
  if (typeof err.code !== "string" || typeof err.syscall !== "string") return undefined;
  return `${err.syscall}${typeof err.path === "string" ? ` ${err.path}` : ""}: ${err.code}`;
}

/**
 * One line naming what failed. Runtime errors already say method, host and
 * fault type (`PowerOnVM_Task: InvalidPowerState: …`); the cause chain is
 * followed one step when it adds something (a SessionError's fault).
 */
export function formatError(err: unknown): string {
  if (!(err instanceof Error)) return String(err).split("\n")[0]!;
  if (err.name === "AbortError") return "interrupted";
  let line = systemError(err) ?? err.message;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message && !line.includes(cause.message)) line += ` (${cause.message})`;
  return line.replace(/\s*\n\s*/g, "; ").trim() || err.name;
}
