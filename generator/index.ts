/**
 * tsvmomi-gen as a library: the same steps the CLI runs, for build scripts
 * that generate or pack bindings themselves.
 *
 *   import { loadModel, emitBindings, writeTreeAtomically } from "tsvmomi-gen";
 *   const model = await loadModel({ service: "vim25", release: "9.1", wsdl: "./vendor/vim25-wsdl" });
 *   await writeTreeAtomically("src/vim25", emitBindings(model));
 */
export { loadModel, type LoadOptions } from "./pipeline.js";
export type { ApiModel } from "./model/ir.js";
export { emitBindings, type EmitOptions, type FileMap } from "./emit/emit.js";
export { writeTreeAtomically } from "./emit/write.js";
export { diffModels, type ModelDiff } from "./diff/diff.js";
export { packBindings, PackError, type PackOptions, type PackResult } from "./pack/pack.js";
export { generatorPackage, runtimePackage, runtimePeerRange, type PackageFacts } from "./package-info.js";
export { main } from "./cli/main.js";
