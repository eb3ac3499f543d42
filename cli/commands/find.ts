/** `tsvmomi find [PATH] [-type KIND]... [-name GLOB]`: every matching entity below PATH (default /). */
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { findUnder, KINDS } from "../finder.js";
import { formatMoRef } from "tsvmomi";
import { printJson, printTable } from "../output.js";

export async function run(ctx: CommandContext): Promise<void> {
  const kinds = (ctx.flags.type as string[] | undefined) ?? [];
  const types = kinds.length ? kinds.flatMap((k) => KINDS[k] ?? []) : undefined;
  if (types && types.length === 0) throw new UsageError(`find: unknown -type; expected one of ${Object.keys(KINDS).join(", ")}`, "find");
  const name = ctx.flags.name === undefined ? undefined : String(ctx.flags.name);
  const client = await ctx.client();
  const found = await findUnder(client, ctx.args[0] ?? "/", { ...(types ? { types } : {}), ...(name !== undefined ? { name } : {}) }, ctx.io.env, ctx.signal);
  if (ctx.json) return printJson(ctx.io, { objects: found.map((o) => ({ path: o.path, name: o.name, ref: o.ref })) });
  if (ctx.flags.l) printTable(ctx.io, found.map((o) => [o.path, o.ref.type, formatMoRef(o.ref)]));
  else ctx.io.stdout.write(found.map((o) => `${o.path}\n`).join(""));
}
