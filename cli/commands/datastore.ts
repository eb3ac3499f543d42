/**
 * `tsvmomi datastore ls [-ds NAME] [-l] [-R] [PATH]`: files on a datastore,
 * through its HostDatastoreBrowser (SearchDatastore_Task, or
 * SearchDatastoreSubFolders_Task with -R).
 */
import type { CommandContext, ExitCode } from "../context.js";
import { methods } from "../bindings.js";
import { CliError, UsageError } from "../errors.js";
import { expand, type Found } from "../finder.js";
import { retrieveAny, inventoryPath, formatMoRef, ancestry, type MoRef } from "tsvmomi";
import { cell, humanBytes, printJson, printTable } from "../output.js";
import { progress } from "../progress.js";
import { resolve } from "node:path";
import { runTask } from "../tasks-util.js";

// biome-ignore lint/suspicious/noExplicitAny: server data read loosely for display, whatever the release's types say
type Any = Record<string, any>;

/** The datastore -ds (or TSVMOMI_DATASTORE / GOVC_DATASTORE) names: an inventory path or a unique name. */
export async function datastoreArg(ctx: CommandContext): Promise<Found & { name: string }> {
  const arg = (ctx.flags.ds as string | undefined) ?? ctx.io.env.TSVMOMI_DATASTORE ?? ctx.io.env.GOVC_DATASTORE;
  if (!arg) throw new UsageError(`${ctx.command}: which datastore? pass -ds NAME (or set GOVC_DATASTORE)`, ctx.command);
  const client = await ctx.client();
  const hits = await expand(client, arg, ctx.io.env, ctx.signal, "Datastore");
  if (hits.length !== 1) throw new CliError(`-ds ${arg}: names ${hits.length} datastores (${hits.map((h) => h.path).join(", ")}); give its inventory path`);
  if (hits[0]!.ref.type !== "Datastore") throw new CliError(`-ds ${arg}: ${hits[0]!.path} is a ${hits[0]!.ref.type}, not a Datastore`);
  return hits[0]!;
}

export interface FileEntry {
  readonly path: string;
  readonly type?: string;
  readonly size?: number;
  readonly modified?: unknown;
}

export async function run(ctx: CommandContext): Promise<ExitCode> {
  const sub = ctx.command.split(" ")[1];
  if (sub === "upload" || sub === "download") return transfer(ctx, sub);
  return list(ctx);
}

/** The inventory path of the datacenter holding `ref` (the /folder endpoint's dcPath). */
async function datacenterPath(ctx: CommandContext, ref: MoRef): Promise<string> {
  const client = await ctx.client();
  const chain = await retrieveAny(client, { type: "ManagedEntity", objectSet: [ancestry(ref)] }, ["name"], { signal: ctx.signal });
  const dc = chain.find((o) => o.ref.type === "Datacenter");
  if (!dc) throw new CliError(`${formatMoRef(ref)}: not inside a datacenter`);
  return inventoryPath(client, dc.ref, { signal: ctx.signal });
}

async function transfer(ctx: CommandContext, sub: "upload" | "download"): Promise<void> {
  const ds = await datastoreArg(ctx);
  const client = await ctx.client();
  const tls = await ctx.tls();
  const { upload, download } = await import("../datastore-files.js");
  const target = { datacenterPath: await datacenterPath(ctx, ds.ref), datastoreName: ds.name, path: sub === "upload" ? ctx.args[1]! : ctx.args[0]! };
  const bar = progress(ctx.io, `${sub} ${target.path}`);
  const onBytes = (n: number, total: number | undefined) => bar.update(total ? (n / total) * 100 : undefined, humanBytes(n));
  let bytes: number;
  try {
    if (sub === "upload") {
      bytes = await upload(client, tls, resolve(ctx.io.cwd, ctx.args[0]!), target, ctx.signal, onBytes);
    } else {
      const local = ctx.args[1]!;
      bytes = await download(client, tls, target, local === "-" ? (process.stdout as NodeJS.WritableStream) : resolve(ctx.io.cwd, local), ctx.signal, onBytes);
      if (local === "-") return;
    }
  } finally {
    bar.done();
  }
  const remote = `[${ds.name}] ${target.path}`;
  if (ctx.json) return printJson(ctx.io, { datastore: { path: ds.path, ref: ds.ref }, remote, local: sub === "upload" ? ctx.args[0] : ctx.args[1], bytes });
  ctx.io.stdout.write(sub === "upload" ? `${ctx.args[0]} -> ${remote} (${humanBytes(bytes)})\n` : `${remote} -> ${ctx.args[1]} (${humanBytes(bytes)})\n`);
}

async function list(ctx: CommandContext): Promise<ExitCode> {
  const ds = await datastoreArg(ctx);
  const client = await ctx.client();
  const [info] = await retrieveAny(client, [ds.ref], ["browser", "summary.accessible"], { signal: ctx.signal });
  const browser = info?.browser as MoRef<"HostDatastoreBrowser"> | undefined;
  if (!browser) throw new CliError(`${ds.path}: has no datastore browser`);
  const dir = (ctx.args[0] ?? "").replace(/^\/+/, "");
  const B = await methods.HostDatastoreBrowser();
  // matchPattern "*" is what "everything" means to vcsim (and is harmless on vCenter, where no pattern means the same).
  const searchSpec = { matchPattern: ["*"], details: { fileType: true, fileSize: true, modification: true, fileOwner: false }, sortFoldersFirst: true };
  const datastorePath = `[${ds.name}] ${dir}`;
  const recurse = ctx.flags.R === true;
  const task = recurse
    ? await client.call(B.SearchDatastoreSubFolders_Task, browser, { datastorePath, searchSpec } as never, { signal: ctx.signal })
    : await client.call(B.SearchDatastore_Task, browser, { datastorePath, searchSpec } as never, { signal: ctx.signal });
  const result = await runTask<Any | Any[]>(client, task, ctx.io, `ls ${datastorePath}`, ctx.signal);
  const results = (Array.isArray(result) ? result : result ? [result] : []) as Any[];
  const prefix = `[${ds.name}] `;
  const files: FileEntry[] = [];
  for (const r of results) {
    const folder = String(r.folderPath ?? "").startsWith(prefix) ? String(r.folderPath).slice(prefix.length) : String(r.folderPath ?? "");
    const base = recurse ? folder.replace(/^\/+/, "").replace(/\/*$/, "") : "";
    for (const f of (r.file as Any[] | undefined) ?? []) {
      files.push({
        path: base && base !== dir.replace(/\/*$/, "") ? `${base.slice(dir.replace(/\/*$/, "").length).replace(/^\//, "")}/${f.path}` : f.path,
        // FolderFileInfo is "Folder", VmDiskFileInfo "VmDisk", plain FileInfo "File".
        ...(f._typeName ? { type: String(f._typeName).replace(/FileInfo$/, "") || "File" } : {}),
        ...(f.fileSize !== undefined ? { size: Number(f.fileSize) } : {}),
        ...(f.modification ? { modified: f.modification } : {}),
      });
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (ctx.json) return printJson(ctx.io, { datastore: { path: ds.path, ref: ds.ref }, folder: dir, files });
  if (ctx.flags.l) printTable(ctx.io, files.map((f) => [humanBytes(f.size), cell(f.modified), `${f.path}${f.type === "Folder" ? "/" : ""}`]));
  else ctx.io.stdout.write(files.map((f) => `${f.path}${f.type === "Folder" ? "/" : ""}\n`).join(""));
}
