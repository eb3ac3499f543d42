/**
 * The front end in one call: find the bundle, read WSDL and VMODL, merge.
 * Shared by every CLI command and by tests, so they all see the same model.
 */
import path from "node:path";
import { readWsdlBundle } from "./wsdl/index.js";
import { readVmodl } from "./vmodl/vmodl-reader.js";
import { mergeModel } from "./model/merge.js";
import type { ApiModel } from "./model/ir.js";
import { apiVersionsOf } from "./model/api-versions.js";
import { publicWireVersions } from "./vmodl/versions.js";
import { releases } from "../wsdl/manifest.js";
import { resolveBundle, resolveVmodl } from "../wsdl/resolve.js";

export interface LoadOptions {
  service?: string;
  release?: string;
  /** `--wsdl PATH`: a bundle directory or entry file. */
  wsdl?: string;
  /** `--vmodl FILE`; `false` to merge without VMODL. */
  vmodl?: string | false;
  signal?: AbortSignal;
  onProgress?: (step: string) => void;
  onWarning?: (message: string) => void;
}

export async function loadModel(opts: LoadOptions): Promise<ApiModel> {
  const progress = opts.onProgress ?? (() => {});
  const warn = opts.onWarning ?? (() => {});
  const service = opts.service ?? "vim25";
  const bundle = await resolveBundle({
    ...(opts.wsdl ? { wsdl: opts.wsdl } : {}),
    service,
    ...(opts.release ? { release: opts.release } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  bundle.warnings.forEach(warn);
  const release = bundle.release ?? opts.release ?? path.basename(bundle.dir);
  progress(`reading WSDL ${service}-${release} (${bundle.source})`);
  const wsdl = await readWsdlBundle(bundle.entry, opts.signal ? { signal: opts.signal } : {});
  let vmodl;
  // vmodl.db also describes pbm; other services merge it only when asked.
  if (opts.vmodl !== false && (service === "vim25" || service === "pbm" || opts.vmodl)) {
    const found = await resolveVmodl({ ...(opts.vmodl ? { vmodl: opts.vmodl } : {}), release });
    found.warnings.forEach(warn);
    progress(`reading VMODL ${path.basename(found.file)}`);
    vmodl = await readVmodl(found.file, opts.signal ? { signal: opts.signal } : {});
  }
  opts.signal?.throwIfAborted();
  progress("merging");
  const model = mergeModel({
    service: bundle.service ?? service,
    release,
    wsdl,
    ...(vmodl ? { vmodl } : {}),
    sources: { wsdl: wsdl.files, ...(vmodl ? { vmodl: path.basename(vmodl.file) } : {}) },
  });
  const apiVersions = apiVersionsOf(model, [
    ...releases(model.service).map((r) => r.apiVersion),
    ...(vmodl ? publicWireVersions(model.service, Object.values(vmodl.versions)) : []),
  ]);
  return apiVersions.length ? { ...model, apiVersions } : model;
}
