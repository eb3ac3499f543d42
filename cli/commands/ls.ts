/** `tsvmomi ls [PATH...]`: the children of inventory folders (or of any entity); a glob lists what it matches. */
import type { CommandContext } from "../context.js";
import { children, expand, hasGlob, type Found } from "../finder.js";
import { formatMoRef } from "tsvmomi";
import { printJson, printTable } from "../output.js";

export async function run(ctx: CommandContext): Promise<void> {
  const client = await ctx.client();
  const out: Found[] = [];
  for (const arg of ctx.args.length ? ctx.args : ["/"]) {
    // `ls /DC0/vm/web-*` lists the matches themselves, as a shell would; `ls /DC0/vm` lists the folder's children.
    const targets = await expand(client, arg, ctx.io.env, ctx.signal);
    if (hasGlob(arg)) out.push(...targets);
    else for (const t of targets) out.push(...(await children(client, t.ref, t.path, ctx.signal)));
  }
  if (ctx.json) return printJson(ctx.io, { objects: out.map((o) => ({ path: o.path, name: o.name, ref: o.ref })) });
  if (ctx.flags.l) printTable(ctx.io, out.map((o) => [o.path, o.ref.type, formatMoRef(o.ref)]));
  else ctx.io.stdout.write(out.map((o) => `${o.path}\n`).join(""));
}
