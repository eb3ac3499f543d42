/** `tsvmomi snapshot create|revert|remove|tree`: a VM's snapshots, by name. */
import type { CommandContext, ExitCode } from "../context.js";
import { methods } from "../bindings.js";
import { CliError } from "../errors.js";
import { retrieveAny, moRefEquals, type MoRef } from "tsvmomi";
import { printJson } from "../output.js";
import { runTask } from "../tasks-util.js";
import { oneVm } from "../vm-arg.js";

interface Tree {
  snapshot: MoRef<"VirtualMachineSnapshot">;
  name: string;
  description?: string;
  createTime?: Date;
  state?: string;
  childSnapshotList?: Tree[];
}

export interface SnapshotNode {
  readonly name: string;
  readonly ref: MoRef;
  readonly description?: string;
  readonly createTime?: unknown;
  readonly state?: string;
  readonly current: boolean;
  readonly children: SnapshotNode[];
}

function flatten(trees: readonly Tree[] | undefined): Tree[] {
  return (trees ?? []).flatMap((t) => [t, ...flatten(t.childSnapshotList)]);
}

export async function run(ctx: CommandContext): Promise<ExitCode> {
  const sub = ctx.command.split(" ")[1]!;
  const client = await ctx.client();
  const vm = await oneVm(client, ctx.args[0]!, ctx.io, ctx.signal);
  const VM = await methods.VirtualMachine();
  const opts = { signal: ctx.signal };
  const snapshotInfo = async () => {
    const [o] = await retrieveAny(client, [vm.ref], ["snapshot"], opts);
    return o?.snapshot as { currentSnapshot?: MoRef; rootSnapshotList?: Tree[] } | undefined;
  };
  const byName = async (name: string) => {
    const all = flatten((await snapshotInfo())?.rootSnapshotList);
    const hits = all.filter((t) => t.name === name);
    if (hits.length === 0) throw new CliError(`${vm.path}: no snapshot named ${JSON.stringify(name)}${all.length ? ` (it has ${all.map((t) => JSON.stringify(t.name)).join(", ")})` : " (it has none)"}`);
    if (hits.length > 1) throw new CliError(`${vm.path}: ${hits.length} snapshots are named ${JSON.stringify(name)}; rename one`);
    return hits[0]!;
  };

  if (sub === "create") {
    const name = ctx.args[1]!;
    const task = await client.call(
      VM.CreateSnapshot_Task,
      vm.ref,
      { name, ...(ctx.flags.d !== undefined ? { description: String(ctx.flags.d) } : {}), memory: ctx.flags.m === true, quiesce: ctx.flags.q === true },
      opts,
    );
    const snap = await runTask<MoRef>(client, task, ctx.io, `snapshot ${name}`, ctx.signal);
    if (ctx.json) return printJson(ctx.io, { vm: { path: vm.path, ref: vm.ref }, snapshot: { name, ref: snap } });
    ctx.io.stdout.write(`${vm.path}: snapshot ${JSON.stringify(name)} created (${snap?.value ?? "?"})\n`);
    return;
  }
  if (sub === "revert") {
    const suppressPowerOn = ctx.flags.s === true;
    let name = ctx.args[1];
    if (name === undefined) {
      const info = await snapshotInfo();
      if (!info?.currentSnapshot) throw new CliError(`${vm.path}: has no current snapshot to revert to`);
      name = flatten(info.rootSnapshotList).find((t) => moRefEquals(t.snapshot, info.currentSnapshot!))?.name ?? info.currentSnapshot.value;
      await runTask(client, await client.call(VM.RevertToCurrentSnapshot_Task, vm.ref, { suppressPowerOn }, opts), ctx.io, `revert ${name}`, ctx.signal);
    } else {
      const snap = await byName(name);
      const S = await methods.VirtualMachineSnapshot();
      await runTask(client, await client.call(S.RevertToSnapshot_Task, snap.snapshot, { suppressPowerOn }, opts), ctx.io, `revert ${name}`, ctx.signal);
    }
    if (ctx.json) return printJson(ctx.io, { vm: { path: vm.path, ref: vm.ref }, revertedTo: name });
    ctx.io.stdout.write(`${vm.path}: reverted to ${JSON.stringify(name)}\n`);
    return;
  }
  if (sub === "remove") {
    const name = ctx.args[1]!;
    if (name === "*") {
      await runTask(client, await client.call(VM.RemoveAllSnapshots_Task, vm.ref, {}, opts), ctx.io, "remove all snapshots", ctx.signal);
    } else {
      const snap = await byName(name);
      const S = await methods.VirtualMachineSnapshot();
      await runTask(client, await client.call(S.RemoveSnapshot_Task, snap.snapshot, { removeChildren: ctx.flags.r === true }, opts), ctx.io, `remove ${name}`, ctx.signal);
    }
    if (ctx.json) return printJson(ctx.io, { vm: { path: vm.path, ref: vm.ref }, removed: name });
    ctx.io.stdout.write(`${vm.path}: removed ${name === "*" ? "every snapshot" : JSON.stringify(name)}\n`);
    return;
  }
  // tree
  const info = await snapshotInfo();
  const node = (t: Tree): SnapshotNode => ({
    name: t.name,
    ref: t.snapshot,
    ...(t.description ? { description: t.description } : {}),
    ...(t.createTime ? { createTime: t.createTime } : {}),
    ...(t.state ? { state: t.state } : {}),
    current: info?.currentSnapshot ? moRefEquals(t.snapshot, info.currentSnapshot) : false,
    children: (t.childSnapshotList ?? []).map(node),
  });
  const tree = (info?.rootSnapshotList ?? []).map(node);
  if (ctx.json) return printJson(ctx.io, { vm: { path: vm.path, ref: vm.ref }, snapshots: tree });
  const lines: string[] = [];
  const walk = (n: SnapshotNode, depth: number) => {
    lines.push(`${"  ".repeat(depth)}${n.name}${n.current ? " (current)" : ""}${n.createTime instanceof Date ? `  ${n.createTime.toISOString()}` : ""}`);
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const n of tree) walk(n, 0);
  ctx.io.stdout.write(lines.length ? `${lines.join("\n")}\n` : "");
}
