/**
 * The privileges a program needs, from the descriptors it calls: each
 * generated descriptor carries the privilege VMODL names for it (`privilege`,
 * set from pyVmomi's type info; absent where the source does not say).
 *
 *   import * as VM from "…/methods/VirtualMachine.js";
 *   privilegesOf([VM.PowerOnVM_Task, VM.CloneVM_Task]);   // ["VirtualMachine.Interact.PowerOn", …]
 *   privilegesOf(VM);                                      // every method of the module
 */
import type { AnyDescriptor } from "./descriptor.js";

function isDescriptor(v: unknown): v is AnyDescriptor {
  return typeof v === "object" && v !== null && typeof (v as AnyDescriptor).name === "string" && Array.isArray((v as AnyDescriptor).params);
}

/** Sorted, distinct privileges of the given descriptors (an array, or a module namespace of them). */
export function privilegesOf(descriptors: Iterable<unknown> | Readonly<Record<string, unknown>>): string[] {
  const list = Symbol.iterator in Object(descriptors) ? [...(descriptors as Iterable<unknown>)] : Object.values(descriptors);
  const out = new Set<string>();
  for (const d of list) if (isDescriptor(d) && typeof d.privilege === "string" && d.privilege !== "") out.add(d.privilege);
  return [...out].sort();
}
