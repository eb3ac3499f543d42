/**
 * The bindings under test: the committed default release's path maps, emitted
 * flat (one interface per managed type). bench/tsc-paths.ts rewrites this file
 * to point at variant trees (other depth caps) in .tmp/.
 */
export type { ManagedPaths } from "../../generated/vim25-8.0.3/paths/index.js";
export type { Selected } from "../../runtime/property/selection.js";
