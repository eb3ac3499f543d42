/**
 * `tsvmomi get PATH PROPERTY...`: read properties of the entities PATH names
 * (globs allowed). Each property is checked against the type's property paths
 * first, so a typo fails with "did you mean" before anything is read.
 */
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { expand, type Found } from "../finder.js";
import { invalidPropertyPath, moRefKey, retrieveAny, type Client, type MissingPropertyFault } from "tsvmomi";
import { cell, printJson, printTable } from "../output.js";

export interface GotObject {
  readonly path: string;
  readonly ref: Found["ref"];
  readonly properties: Record<string, unknown>;
  readonly missing?: readonly { path: string; fault: string; message?: string }[];
}

/**
 * Throws a UsageError naming the first property a type lacks, with the nearest one it has, checked against
 * the bindings' tables before anything is sent (the runtime's check: it knows subtypes and any depth).
 */
export function checkProperties(command: string, client: Pick<Client, "schemaRegistry">, types: Iterable<string>, properties: readonly string[]): void {
  for (const type of types) {
    const bad = invalidPropertyPath(client.schemaRegistry, type, properties);
    if (bad) throw new UsageError(`${command}: "${bad.path}" is not a property path of ${type}${bad.nearest ? `; did you mean "${bad.nearest}"?` : ""}`, command);
  }
}

export async function run(ctx: CommandContext): Promise<number> {
  const [pattern, ...properties] = ctx.args as [string, ...string[]];
  const client = await ctx.client();
  const found = await expand(client, pattern, ctx.io.env, ctx.signal);
  checkProperties("get", client, new Set(found.map((f) => f.ref.type)), properties);
  const got = await retrieveAny(client, found.map((f) => f.ref), properties, { signal: ctx.signal });
  const byKey = new Map(got.map((o) => [moRefKey(o.ref), o]));
  const objects: GotObject[] = found.map((f) => {
    const o = byKey.get(moRefKey(f.ref));
    const values: Record<string, unknown> = {};
    for (const p of properties) if (o && p in o) values[p] = o[p];
    const missing = o?.$missing?.map((m: MissingPropertyFault) => ({ path: m.path, fault: m.fault._typeName, ...(m.message ? { message: m.message } : {}) }));
    return { path: f.path, ref: f.ref, properties: values, ...(missing?.length ? { missing } : {}) };
  });
  if (ctx.json) printJson(ctx.io, { objects });
  else {
    printTable(
      ctx.io,
      objects.map((o) => [o.path, ...properties.map((p) => (p in o.properties ? cell(o.properties[p]) : `<${o.missing?.find((m) => m.path === p)?.fault ?? "unset"}>`))]),
      ["PATH", ...properties],
    );
  }
  // A property the server could not read (NoPermission, …) is reported, and the exit code says so.
  const failed = objects.filter((o) => o.missing?.length);
  for (const o of failed) for (const m of o.missing!) ctx.io.stderr.write(`tsvmomi: ${o.path}: ${m.path}: ${m.fault}${m.message ? `: ${m.message}` : ""}\n`);
  return failed.length ? 1 : 0;
}
