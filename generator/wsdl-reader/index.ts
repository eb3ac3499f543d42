/**
 * The WSDL reader: a vSphere WSDL bundle in, a `WsdlModel` out.
 */
import type { WsdlModel } from "../model/ir.js";
import { assemble } from "./assemble.js";
import { loadBundle, resolveEntry } from "./bundle-loader.js";

export { WsdlError } from "./errors.js";

/**
 * Reads a bundle. `entry` is a directory (its vimService.wsdl, its one
 * `<x>Service.wsdl`, or its only `*.wsdl`) or the entry file itself.
 * Bad input throws `WsdlError`; an aborted signal rejects with its reason.
 */
export async function readWsdlBundle(entry: string, opts?: { signal?: AbortSignal }): Promise<WsdlModel> {
  const { dir, file } = await resolveEntry(entry);
  const bundle = await loadBundle(dir, file, opts?.signal);
  return assemble(bundle);
}
