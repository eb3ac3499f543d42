/**
 * The release the command line speaks: the default one, through
 * `generated/default-lazy.ts`. Only the compact `schemas` tables load at
 * start-up; a command imports the method descriptors it calls
 * (`methods.VirtualMachine()`, …) itself, lazily. The bindings speak every
 * older API version too (see docs/RUNTIME.md).
 */
import { methodModules, schemas } from "../generated/default-lazy.js";

export type Bindings = typeof schemas;
export const bindings: Bindings = schemas;

/** Method descriptors of one managed type, loaded on first use. */
export const methods = methodModules;
