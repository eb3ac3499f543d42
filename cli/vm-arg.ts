/** Resolving the one VM a command acts on (an inventory path or a unique name). */
import type { Client, MoRef } from "tsvmomi";
import type { Bindings } from "./bindings.js";
import { CliError } from "./errors.js";
import { expand, type Found } from "./finder.js";
import type { Io } from "./output.js";

export async function oneVm(client: Client<Bindings>, arg: string, io: Io, signal: AbortSignal): Promise<Found & { ref: MoRef<"VirtualMachine"> }> {
  const hits = await expand(client, arg, io.env, signal, "VirtualMachine");
  if (hits.length !== 1) throw new CliError(`${arg}: names ${hits.length} objects (${hits.slice(0, 3).map((h) => h.path).join(", ")}${hits.length > 3 ? ", …" : ""}); name exactly one VM`);
  const vm = hits[0]!;
  if (vm.ref.type !== "VirtualMachine") throw new CliError(`${vm.path} is a ${vm.ref.type}, not a VirtualMachine`);
  return vm as Found & { ref: MoRef<"VirtualMachine"> };
}
