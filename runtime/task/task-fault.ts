/**
 * A failed task's `info.error` turned into the same MethodFaultError a SOAP
 * fault becomes, so `err instanceof faults.InvalidPowerState` reads the same
 * whether the server refused the call or the task failed later.
 */
import { registryFromTables, type SchemaTables } from "../schema-tables.js";
import type { SchemaRegistry } from "../schema.js";
import { faultChainOf, MethodFaultError } from "../errors/client.js";
import type { MoRef } from "../types.js";

export interface LocalizedFault {
  readonly fault?: { readonly _typeName?: string; readonly [field: string]: unknown };
  readonly localizedMessage?: string;
}

const registries = new WeakMap<SchemaTables, ReturnType<typeof registryFromTables>>();

/**
 * `bindings` (the generated `schemas`) supplies the fault's base types; without
 * it the chain is the fault's own type and MethodFault, so `instanceof` works
 * for the exact class but not for its bases.
 */
export function taskFaultError(
  task: MoRef,
  what: string,
  error: LocalizedFault | undefined,
  bindings?: SchemaTables | SchemaRegistry,
): MethodFaultError {
  const fields = error?.fault as Record<string, unknown> | undefined;
  const typeName = typeof fields?._typeName === "string" ? fields._typeName : "";
  const info = {
    typeName,
    fields,
    message: error?.localizedMessage ?? "",
    faultCode: "ServerFaultCode",
    method: `${what} (${task.type}:${task.value})`,
  };
  let chain: string[];
  if (bindings && "isA" in bindings) {
    chain = faultChainOf(bindings, info);
  } else if (bindings) {
    let reg = registries.get(bindings);
    if (!reg) {
      reg = registryFromTables(bindings);
      registries.set(bindings, reg);
    }
    chain = faultChainOf(reg, info);
  } else {
    chain = typeName && typeName !== "MethodFault" ? [typeName, "MethodFault"] : ["MethodFault"];
  }
  return new MethodFaultError(info, chain);
}
