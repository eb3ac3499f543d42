/**
 * govc-style argument parsing: `-flag`, `--flag`, `-flag=value`,
 * `-flag value`, flags anywhere among the arguments, `--` ends them.
 *
 * Hand-written rather than yargs: yargs costs ~120 ms and ~16 MB of start-up
 * on this machine (docs/BENCHMARKS.md, "CLI start-up"), more than the whole
 * budget a one-shot command has; node:util's parseArgs cannot read govc's
 * multi-letter single-dash flags (`-type vm`).
 */
import { editDistance } from "../runtime/property/path-check.js";
import { UsageError } from "./errors.js";

export type FlagType = "boolean" | "string" | "number" | "strings";

export interface FlagSpec {
  readonly name: string;
  readonly type: FlagType;
  readonly describe: string;
  readonly alias?: readonly string[];
  /** Allowed values of a string flag (also offered by shell completion). */
  readonly values?: readonly string[];
  /** Shown in help as the value's name: `-name GLOB`. */
  readonly arg?: string;
}

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

export interface Parsed {
  readonly flags: FlagValues;
  readonly positional: string[];
}

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

/** The closest candidate within a distance that still looks like a typo, or undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], command: string): Parsed {
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) {
    byName.set(s.name, s);
    for (const a of s.alias ?? []) byName.set(a, s);
  }
  const flags: FlagValues = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    // "-" alone is a value (stdin/stdout), and so is a negative number.
    if (!token.startsWith("-") || token === "-" || /^-\d/.test(token)) {
      positional.push(token);
      continue;
    }
    const body = token.replace(/^--?/, "");
    const eq = body.indexOf("=");
    let name = eq >= 0 ? body.slice(0, eq) : body;
    let inline = eq >= 0 ? body.slice(eq + 1) : undefined;
    let spec = byName.get(name);
    let negated = false;
    if (!spec && name.startsWith("no-") && byName.get(name.slice(3))?.type === "boolean") {
      spec = byName.get(name.slice(3));
      negated = true;
      name = name.slice(3);
    }
    if (!spec) {
      const near = closest(name, byName.keys());
      throw new UsageError(`${command}: unknown flag ${token.split("=")[0]}${near ? `; did you mean -${near}?` : ""}`, command);
    }
    if (spec.type === "boolean") {
      let value = !negated;
      if (inline !== undefined) {
        const v = inline.toLowerCase();
        if (TRUE.has(v)) value = !negated;
        else if (FALSE.has(v)) value = negated;
        else throw new UsageError(`${command}: -${spec.name} takes true or false, got ${JSON.stringify(inline)}`, command);
      }
      flags[spec.name] = value;
      continue;
    }
    if (inline === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`${command}: -${spec.name} needs a value${spec.arg ? ` (${spec.arg})` : ""}`, command);
      inline = argv[++i]!;
    }
    if (spec.values && !spec.values.includes(inline)) {
      throw new UsageError(`${command}: -${spec.name} must be one of ${spec.values.join(", ")}; got ${JSON.stringify(inline)}`, command);
    }
    if (spec.type === "number") {
      const n = Number(inline);
      if (inline.trim() === "" || !Number.isFinite(n)) throw new UsageError(`${command}: -${spec.name} takes a number, got ${JSON.stringify(inline)}`, command);
      flags[spec.name] = n;
    } else if (spec.type === "strings") {
      const list = (flags[spec.name] as string[] | undefined) ?? [];
      list.push(inline);
      flags[spec.name] = list;
    } else {
      flags[spec.name] = inline;
    }
  }
  return { flags, positional };
}

/** `true` for "1", "true", "yes", "on" (any case); false for empty, unset or anything else. */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && TRUE.has(value.trim().toLowerCase());
}
