/** Baseline consumer: imports the bindings and selects nothing. */
import type { ManagedPaths, Selected } from "./bindings.js";

export type Imported = [keyof ManagedPaths, Selected<{ a: 1 }, "a">];
