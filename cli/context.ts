/** What every command receives. */
import type { Client } from "tsvmomi";
import type { FlagValues } from "./args.js";
import type { Bindings } from "./bindings.js";
import type { TlsPolicy } from "./connection.js";
import type { Io } from "./output.js";

export interface CommandContext {
  /** The command's full name, `datastore ls`. */
  readonly command: string;
  readonly io: Io;
  readonly args: readonly string[];
  readonly flags: FlagValues;
  readonly json: boolean;
  readonly debug: boolean;
  /** Aborted on Ctrl-C: pass it to every call so cleanup runs and nothing hangs. */
  readonly signal: AbortSignal;
  /** The connected client, opened on first use and disposed by main (cached sessions stay alive). */
  client(options?: { login?: boolean }): Promise<Client<Bindings>>;
  /** The TLS policy of that connection, for the few requests made outside SOAP (datastore files). Call after client(). */
  tls(): Promise<TlsPolicy>;
}

/** A command's exit code; a command that just returns (no value) exits 0. */
// biome-ignore lint/suspicious/noConfusingVoidType: commands end with a bare `return` or none at all, and that means 0
export type ExitCode = number | void;

/** A command module's one export. */
export type Run = (ctx: CommandContext) => Promise<ExitCode>;
