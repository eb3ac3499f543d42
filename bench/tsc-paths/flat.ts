/**
 * The bindings under test: the committed default release's path maps, emitted
 * flat (one interface per managed type). bench/tsc-paths.ts rewrites this file
 * to point at variant trees (other depth caps) in .tmp/.
 */
export type { ManagedPaths } from "../../test/support/bindings.js";
export type { Selected } from "../../runtime/property/selection.js";
