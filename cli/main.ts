/**
 * `tsvmomi`: a govc-style command line over the runtime.
 *
 *   tsvmomi [global flags] COMMAND [flags] [args]
 *
 * Start-up is part of the design: this module and the command table load
 * first; the runtime, the bindings' tables and the command's own module load
 * only when the command runs (dynamic import), and Node's compile cache is
 * switched on where the Node version has it.
 */
import { closest, parseArgs, type FlagSpec, type FlagValues } from "./args.js";
import { COMMANDS, lookup, type CommandDef } from "./commands/index.js";
import type { CommandContext } from "./context.js";
import { CONNECTION_FLAGS } from "./connection.js";
import { EXIT_ERROR, EXIT_OK, EXIT_USAGE, formatError, UsageError } from "./errors.js";
import type { Io } from "./output.js";
import type { Client } from "tsvmomi";
import type { Bindings } from "./bindings.js";
import type { TlsPolicy } from "./connection.js";

export const VERSION = "0.1.0";

const OUTPUT_FLAGS: readonly FlagSpec[] = [
  { name: "json", type: "boolean", describe: "print one JSON document (shapes: docs/CLI.md)" },
  { name: "debug", type: "boolean", describe: "write the redacted SOAP trace to stderr" },
  { name: "help", type: "boolean", alias: ["h"], describe: "show help" },
];

export const GLOBAL_FLAGS: readonly FlagSpec[] = [...OUTPUT_FLAGS, ...CONNECTION_FLAGS];

function flagHelp(specs: readonly FlagSpec[]): string {
  const rows = specs.map((s) => [`${s.name.length === 1 ? "-" : "--"}${s.name}${s.arg ? ` ${s.arg}` : ""}`, s.describe] as const);
  const w = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, d]) => `  ${a.padEnd(w)}  ${d}`).join("\n");
}

export function usage(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: tsvmomi [flags] COMMAND [flags] [args]",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    "",
    "global flags:",
    flagHelp(GLOBAL_FLAGS),
    "",
    "`tsvmomi COMMAND --help` shows a command's flags. Exit codes: 0 ok, 1 error, 2 usage error.",
    "",
  ].join("\n");
}

export function commandHelp(def: CommandDef): string {
  return [
    `usage: tsvmomi ${def.name}${def.usage ? ` ${def.usage}` : ""}`,
    "",
    def.summary,
    ...(def.flags?.length ? ["", "flags:", flagHelp(def.flags)] : []),
    "",
    "global flags:",
    flagHelp(GLOBAL_FLAGS),
    "",
  ].join("\n");
}

/** Value-taking global flags, so `--url X ls` finds the command word after X. */
const VALUE_FLAGS = new Set(GLOBAL_FLAGS.filter((f) => f.type !== "boolean").flatMap((f) => [f.name, ...(f.alias ?? [])]));

/** Splits argv into the command words and everything else. */
function splitCommand(argv: readonly string[]): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  let i = 0;
  for (; i < argv.length && words.length < 2; i++) {
    const t = argv[i]!;
    if (t === "--") break;
    if (t.startsWith("-") && t !== "-") {
      rest.push(t);
      const name = t.replace(/^--?/, "");
      if (!name.includes("=") && VALUE_FLAGS.has(name) && i + 1 < argv.length) rest.push(argv[++i]!);
      continue;
    }
    if (words.length === 1 && !COMMANDS.some((c) => c.name.startsWith(`${words[0]} `))) break;
    words.push(t);
  }
  rest.push(...argv.slice(i));
  return { words, rest };
}

/** Runs one command line; returns the exit code. Never throws. */
export async function run(argv: readonly string[], io: Io, signal: AbortSignal = new AbortController().signal): Promise<number> {
  let client: Client<Bindings> | undefined;
  let def: CommandDef | undefined;
  try {
    const { words, rest } = splitCommand(argv);
    if (words.length === 0) {
      if (rest.includes("--version") || rest.includes("-version")) {
        io.stdout.write(`tsvmomi ${VERSION}\n`);
        return EXIT_OK;
      }
      if (rest.some((t) => t === "-h" || t === "--help" || t === "-help")) {
        io.stdout.write(usage());
        return EXIT_OK;
      }
      throw new UsageError("no command given; `tsvmomi --help` lists them");
    }
    const found = lookup(words);
    if (!found) {
      const group = COMMANDS.filter((c) => c.name.startsWith(`${words[0]} `));
      if (group.length > 0) {
        throw new UsageError(
          words.length > 1
            ? `${words[0]}: unknown subcommand ${JSON.stringify(words[1])}; expected one of ${group.map((c) => c.name.split(" ")[1]).join(", ")}`
            : `${words[0]}: expected a subcommand: ${group.map((c) => c.name.split(" ")[1]).join(", ")}`,
        );
      }
      const near = closest(words[0]!, COMMANDS.map((c) => c.name.split(" ")[0]!));
      throw new UsageError(`unknown command ${JSON.stringify(words[0])}${near ? `; did you mean ${near}?` : ""}; \`tsvmomi --help\` lists them`);
    }
    def = found.def;
    const unused = words.slice(found.used);
    const parsed = parseArgs(rest, [...GLOBAL_FLAGS, ...(def.flags ?? [])], def.name);
    // Words splitCommand took beyond the command's name (none today, but `vm.clone` style names leave room) are arguments.
    const args = [...unused, ...parsed.positional];
    const flags: FlagValues = parsed.flags;
    if (flags.help) {
      io.stdout.write(commandHelp(def));
      return EXIT_OK;
    }
    if (def.minArgs !== undefined && args.length < def.minArgs) throw new UsageError(`${def.name}: expected ${def.usage}`, def.name);
    if (def.maxArgs !== undefined && args.length > def.maxArgs) {
      throw new UsageError(`${def.name}: too many arguments (${args.slice(def.maxArgs).map((a) => JSON.stringify(a)).join(" ")}); expected ${def.usage || "none"}`, def.name);
    }
    const mod = await def.load();
    let opening: Promise<Client<Bindings>> | undefined;
    let tls: Promise<TlsPolicy> | undefined;
    const ctx: CommandContext = {
      command: def.name,
      io,
      args,
      flags,
      json: flags.json === true,
      debug: flags.debug === true,
      signal,
      client: (options) => {
        opening ??= (async () => {
          const [{ connectionSettings, openClient, tlsPolicy }, { bindings }] = await Promise.all([import("./connection.js"), import("./bindings.js")]);
          const settings = connectionSettings(flags, io.env);
          tls = tlsPolicy(settings, signal);
          client = await openClient(settings, bindings, io, { login: options?.login ?? true, debug: flags.debug === true, signal, tls: await tls });
          return client;
        })();
        return opening;
      },
      tls: () => {
        if (!tls) throw new Error(`${def!.name}: tls() before client()`);
        return tls;
      },
    };
    const code = await mod.run(ctx);
    return code ?? EXIT_OK;
  } catch (err) {
    if (signal.aborted && !(err instanceof UsageError)) {
      io.stderr.write("tsvmomi: interrupted\n");
      return 130;
    }
    io.stderr.write(`tsvmomi: ${formatError(err)}\n`);
    if (err instanceof UsageError) return EXIT_USAGE;
    return EXIT_ERROR;
  } finally {
    // A cached session stays alive for the next run; otherwise this logs out. Never masks the result.
    await client?.[Symbol.asyncDispose]().catch(() => undefined);
  }
}

/** The process entry (bin/tsvmomi.cjs loads it from the bundle dist/cli.cjs): real stdio, Ctrl-C aborts the command so it cleans up on the server. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    // The first Ctrl-C asks the command to stop and clean up; a second one stops without waiting.
    if (++interrupts > 1) process.exit(130);
    controller.abort(Object.assign(new Error("interrupted"), { name: "AbortError" }));
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  const io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    // `tsvmomi ls | head`: a closed pipe ends the command quietly, as in other Unix tools.
    if (err.code === "EPIPE") controller.abort(err);
  });
  const code = await run(argv, io, controller.signal);
  process.off("SIGINT", onSigint);
  process.off("SIGTERM", onSigint);
  process.exitCode = code;
}
