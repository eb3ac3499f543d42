/**
 * The one place the command line names the release it speaks. Only the
 * compact `schemas` tables load at start-up; a command imports the method
 * descriptors it calls (`methods/VirtualMachine.js`, …) itself, lazily.
 * The bindings speak every older API version too (see docs/RUNTIME.md).
 */
import { schemas } from "../generated/vim25-8.0.3/schemas.js";

export type Bindings = typeof schemas;
export const bindings: Bindings = schemas;

/** Method descriptors of one managed type, loaded on first use. */
export const methods = {
  VirtualMachine: () => import("../generated/vim25-8.0.3/methods/VirtualMachine.js"),
  VirtualMachineSnapshot: () => import("../generated/vim25-8.0.3/methods/VirtualMachineSnapshot.js"),
  ManagedEntity: () => import("../generated/vim25-8.0.3/methods/ManagedEntity.js"),
  SessionManager: () => import("../generated/vim25-8.0.3/methods/SessionManager.js"),
  EventManager: () => import("../generated/vim25-8.0.3/methods/EventManager.js"),
  HistoryCollector: () => import("../generated/vim25-8.0.3/methods/HistoryCollector.js"),
  EventHistoryCollector: () => import("../generated/vim25-8.0.3/methods/EventHistoryCollector.js"),
  TaskHistoryCollector: () => import("../generated/vim25-8.0.3/methods/TaskHistoryCollector.js"),
  TaskManager: () => import("../generated/vim25-8.0.3/methods/TaskManager.js"),
  HostDatastoreBrowser: () => import("../generated/vim25-8.0.3/methods/HostDatastoreBrowser.js"),
  FileManager: () => import("../generated/vim25-8.0.3/methods/FileManager.js"),
} as const;

/** Where the generated property-path maps of this release live (read by known-paths.ts). */
export const pathsDir = new URL("../generated/vim25-8.0.3/paths/", import.meta.url);
