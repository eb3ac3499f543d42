/** `tsvmomi vm clone|reconfigure|destroy`. */
import type { CommandContext, ExitCode } from "../context.js";
import { methods } from "../bindings.js";
import { CliError, formatError, UsageError } from "../errors.js";
import { expand, type EntityType, type Found } from "../finder.js";
import { inventoryPath, retrieveAny, type MoRef } from "tsvmomi";
import { printJson, printTable } from "../output.js";
import { runTask } from "../tasks-util.js";
import { oneVm } from "../vm-arg.js";

export async function run(ctx: CommandContext): Promise<ExitCode> {
  const sub = ctx.command.split(" ")[1]!;
  if (sub === "clone") return clone(ctx);
  if (sub === "reconfigure") return reconfigure(ctx);
  return destroy(ctx);
}

async function one(ctx: CommandContext, flag: string, kind: EntityType): Promise<MoRef | undefined> {
  const arg = ctx.flags[flag] as string | undefined;
  if (arg === undefined) return undefined;
  const client = await ctx.client();
  const hits = await expand(client, arg, ctx.io.env, ctx.signal, kind);
  if (hits.length !== 1) throw new CliError(`-${flag} ${arg}: names ${hits.length} objects; name exactly one`);
  return hits[0]!.ref;
}

async function clone(ctx: CommandContext): Promise<void> {
  const source = ctx.flags.vm as string | undefined;
  if (!source) throw new UsageError("vm clone: -vm SOURCE is required", "vm clone");
  const name = ctx.args[0]!;
  const client = await ctx.client();
  const vm = await oneVm(client, source, ctx.io, ctx.signal);
  const [src] = await retrieveAny(client, [vm.ref], ["parent", "resourcePool"], { signal: ctx.signal });
  const folder = (await one(ctx, "folder", "Folder")) ?? (src?.parent as MoRef | undefined);
  if (!folder) throw new CliError(`${vm.path}: has no parent folder; pass -folder`);
  const pool = (await one(ctx, "pool", "ResourcePool")) ?? (src?.resourcePool as MoRef | undefined);
  const host = await one(ctx, "host", "HostSystem");
  const datastore = await one(ctx, "ds", "Datastore");
  if (!pool && !host) throw new CliError(`${vm.path}: is a template without a resource pool; pass -pool or -host`);
  const spec = {
    location: { ...(pool ? { pool } : {}), ...(host ? { host } : {}), ...(datastore ? { datastore } : {}) },
    powerOn: ctx.flags.on === true,
    template: ctx.flags.template === true,
  };
  const VM = await methods.VirtualMachine();
  const task = await client.call(VM.CloneVM_Task, vm.ref, { folder: folder as MoRef<"Folder">, name, spec } as never, { signal: ctx.signal });
  const created = await runTask<MoRef>(client, task, ctx.io, `clone ${name}`, ctx.signal);
  const path = created ? await inventoryPath(client, created, { signal: ctx.signal }) : undefined;
  if (ctx.json) return printJson(ctx.io, { source: { path: vm.path, ref: vm.ref }, clone: { path, ref: created } });
  ctx.io.stdout.write(`${path ?? name}\n`);
}

async function reconfigure(ctx: CommandContext): Promise<void> {
  const extra = ((ctx.flags.e as string[] | undefined) ?? []).map((kv) => {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new UsageError(`vm reconfigure: -e takes KEY=VALUE, got ${JSON.stringify(kv)}`, "vm reconfigure");
    return { key: kv.slice(0, eq), value: kv.slice(eq + 1) };
  });
  const cpus = ctx.flags.c as number | undefined;
  const memory = ctx.flags.m as number | undefined;
  if (cpus !== undefined && !(Number.isInteger(cpus) && cpus > 0)) throw new UsageError(`vm reconfigure: -c must be a positive integer, got ${cpus}`, "vm reconfigure");
  if (memory !== undefined && !(Number.isInteger(memory) && memory > 0)) throw new UsageError(`vm reconfigure: -m must be a positive integer (MB), got ${memory}`, "vm reconfigure");
  const spec = {
    ...(cpus !== undefined ? { numCPUs: cpus } : {}),
    ...(memory !== undefined ? { memoryMB: memory } : {}),
    ...(ctx.flags.annotation !== undefined ? { annotation: String(ctx.flags.annotation) } : {}),
    ...(extra.length ? { extraConfig: extra } : {}),
  };
  if (Object.keys(spec).length === 0) throw new UsageError("vm reconfigure: nothing to change; pass -c, -m, -annotation or -e", "vm reconfigure");
  const client = await ctx.client();
  const vm = await oneVm(client, ctx.args[0]!, ctx.io, ctx.signal);
  const VM = await methods.VirtualMachine();
  await runTask(client, await client.call(VM.ReconfigVM_Task, vm.ref, { spec } as never, { signal: ctx.signal }), ctx.io, `reconfigure ${vm.name}`, ctx.signal);
  if (ctx.json) return printJson(ctx.io, { vm: { path: vm.path, ref: vm.ref }, changed: spec });
  ctx.io.stdout.write(`${vm.path}: reconfigured (${Object.keys(spec).join(", ")})\n`);
}

async function destroy(ctx: CommandContext): Promise<number> {
  const client = await ctx.client();
  const vms: Found[] = [];
  for (const arg of ctx.args) vms.push(...(await expand(client, arg, ctx.io.env, ctx.signal, "VirtualMachine")));
  const notVm = vms.find((v) => v.ref.type !== "VirtualMachine");
  if (notVm) throw new CliError(`vm destroy: ${notVm.path} is a ${notVm.ref.type}, not a VirtualMachine`);
  const [VM, ME] = await Promise.all([methods.VirtualMachine(), methods.ManagedEntity()]);
  const states = await retrieveAny(client, vms.map((v) => v.ref), ["runtime.powerState"], { signal: ctx.signal });
  const results = await Promise.all(
    vms.map(async (v) => {
      const ref = v.ref as MoRef<"VirtualMachine">;
      try {
        if (states.find((s) => s.ref.value === ref.value)?.["runtime.powerState"] === "poweredOn") {
          await runTask(client, await client.call(VM.PowerOffVM_Task, ref, {}, { signal: ctx.signal }), ctx.io, `power off ${v.name}`, ctx.signal);
        }
        await runTask(client, await client.call(ME.Destroy_Task, ref, {}, { signal: ctx.signal }), ctx.io, `destroy ${v.name}`, ctx.signal);
        return { path: v.path, ref: v.ref, destroyed: true as const };
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        return { path: v.path, ref: v.ref, destroyed: false as const, error: formatError(err) };
      }
    }),
  );
  if (ctx.json) printJson(ctx.io, { results });
  else printTable(ctx.io, results.map((r) => [r.path, r.destroyed ? "destroyed" : `failed: ${r.error}`]));
  for (const r of results) if (!r.destroyed) ctx.io.stderr.write(`tsvmomi: ${r.path}: ${r.error}\n`);
  return results.every((r) => r.destroyed) ? 0 : 1;
}
