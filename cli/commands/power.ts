/**
 * `tsvmomi power -on|-off|-reset|-suspend|-shutdown PATH...`. VMs already in
 * the wanted state are skipped (and said so); the others run in parallel.
 */
import type { CommandContext } from "../context.js";
import { CliError, formatError, UsageError } from "../errors.js";
import { expand, type Found } from "../finder.js";
import { methods } from "../bindings.js";
import { moRefKey, retrieveAny, isFault, type MoRef } from "tsvmomi";
import { printJson, printTable } from "../output.js";
import { runTask } from "../tasks-util.js";

const ACTIONS = ["on", "off", "reset", "suspend", "shutdown"] as const;
type Action = (typeof ACTIONS)[number];

/** States in which the action has nothing to do. */
const ALREADY: Record<Action, string | undefined> = { on: "poweredOn", off: "poweredOff", reset: undefined, suspend: "suspended", shutdown: "poweredOff" };

export interface PowerResult {
  readonly path: string;
  readonly ref: MoRef;
  readonly action: Action;
  readonly outcome: "done" | "skipped" | "requested" | "failed";
  readonly error?: string;
}

export async function run(ctx: CommandContext): Promise<number> {
  const chosen = ACTIONS.filter((a) => ctx.flags[a] === true);
  if (chosen.length !== 1) throw new UsageError(`power: give exactly one of ${ACTIONS.map((a) => `-${a}`).join(", ")}`, "power");
  const action = chosen[0]!;
  const client = await ctx.client();
  const vms: Found[] = [];
  for (const arg of ctx.args) vms.push(...(await expand(client, arg, ctx.io.env, ctx.signal, "VirtualMachine")));
  const notVm = vms.find((v) => v.ref.type !== "VirtualMachine");
  if (notVm) throw new CliError(`power: ${notVm.path} is a ${notVm.ref.type}, not a VirtualMachine`);
  const states = new Map(
    (await retrieveAny(client, vms.map((v) => v.ref), ["runtime.powerState"], { signal: ctx.signal })).map((o) => [moRefKey(o.ref), o["runtime.powerState"]]),
  );
  const VM = await methods.VirtualMachine();
  const one = async (vm: Found): Promise<PowerResult> => {
    const ref = vm.ref as MoRef<"VirtualMachine">;
    const base = { path: vm.path, ref: vm.ref, action };
    if (ALREADY[action] !== undefined && states.get(moRefKey(vm.ref)) === ALREADY[action]) return { ...base, outcome: "skipped" };
    try {
      const opts = { signal: ctx.signal };
      const label = `${action} ${vm.name}`;
      switch (action) {
        case "on":
          await runTask(client, await client.call(VM.PowerOnVM_Task, ref, {}, opts), ctx.io, label, ctx.signal);
          break;
        case "off":
          await runTask(client, await client.call(VM.PowerOffVM_Task, ref, {}, opts), ctx.io, label, ctx.signal);
          break;
        case "reset":
          await runTask(client, await client.call(VM.ResetVM_Task, ref, {}, opts), ctx.io, label, ctx.signal);
          break;
        case "suspend":
          await runTask(client, await client.call(VM.SuspendVM_Task, ref, {}, opts), ctx.io, label, ctx.signal);
          break;
        case "shutdown":
          try {
            await client.call(VM.ShutdownGuest, ref, {}, opts);
            return { ...base, outcome: "requested" };
          } catch (err) {
            if (!ctx.flags.force || !(isFault(err, "ToolsUnavailable") || isFault(err, "InvalidState"))) throw err;
            await runTask(client, await client.call(VM.PowerOffVM_Task, ref, {}, opts), ctx.io, label, ctx.signal);
          }
          break;
      }
      return { ...base, outcome: "done" };
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      return { ...base, outcome: "failed", error: formatError(err) };
    }
  };
  const results = await Promise.all(vms.map(one));
  if (ctx.json) printJson(ctx.io, { results });
  else printTable(ctx.io, results.map((r) => [r.path, r.outcome === "skipped" ? `already ${ALREADY[action]}` : r.outcome === "failed" ? `failed: ${r.error}` : r.outcome === "requested" ? "shutdown requested" : `${action} done`]));
  for (const r of results) if (r.outcome === "failed") ctx.io.stderr.write(`tsvmomi: ${r.path}: ${r.error}\n`);
  return results.some((r) => r.outcome === "failed") ? 1 : 0;
}
