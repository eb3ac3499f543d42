/**
 * The front end in one call: find the bundle, read WSDL and VMODL, merge.
 * Shared by every CLI command and by tests, so they all see the same model.
 *
 * The VMODL is rbvmomi's vmodl.db or pyVmomi's type info (`_typeinfo_*.py`),
 * whichever is the newest not newer than the release (wsdl/resolve.ts): type
 * info from 7.0.3 on, vmodl.db before. A release the manifest lists with
 * layout `typeinfo` has no WSDL: its wire description is built from the type
 * info (generator/vmodl/pyvmomi/to-wsdl.ts) and merged the same way.
 */
import path from "node:path";
import { readWsdlBundle } from "./wsdl-reader/index.js";
import { readVmodl } from "./vmodl/vmodl-reader.js";
import { readTypeInfo } from "./vmodl/pyvmomi/typeinfo.js";
import { typeInfoToVmodl } from "./vmodl/pyvmomi/to-vmodl.js";
import { synthesizeWsdl } from "./vmodl/pyvmomi/to-wsdl.js";
import { mergeModel } from "./model/merge.js";
import type { ApiModel, VmodlModel, WsdlModel } from "./model/ir.js";
import { apiVersionsOf } from "./model/api-versions.js";
import { publicWireVersions } from "./vmodl/versions.js";
import { resolveBundle, resolveVmodl } from "../wsdl/resolve.js";
import { findRelease, releases, sharedDir } from "../wsdl/manifest.js";

export interface LoadOptions {
  service?: string;
  release?: string;
  /** `--wsdl PATH`: a bundle directory or entry file. */
  wsdl?: string;
  /** `--vmodl FILE|DIR`: a vmodl.db or a pyVmomi folder; `false` to merge without VMODL. */
  vmodl?: string | false;
  signal?: AbortSignal;
  onProgress?: (step: string) => void;
  onWarning?: (message: string) => void;
}

/** Services whose VMODL a vmodl.db carries; pyVmomi type info carries all five. */
const DB_SERVICES = new Set(["vim25", "pbm"]);

export async function loadModel(opts: LoadOptions): Promise<ApiModel> {
  const progress = opts.onProgress ?? (() => {});
  const warn = opts.onWarning ?? (() => {});
  const service = opts.service ?? "vim25";
  const signal = opts.signal;

  const typeInfoRelease = !opts.wsdl && opts.release ? findRelease(service, opts.release) : undefined;
  if (typeInfoRelease?.layout === "typeinfo" && typeInfoRelease.typeInfo) {
    if (opts.vmodl === false) throw new Error(`${service}-${typeInfoRelease.release} has no WSDL bundle: it is generated from pyVmomi type info, so --no-vmodl cannot apply`);
    const dir = opts.vmodl || path.join(sharedDir(), "vmodl", typeInfoRelease.typeInfo);
    const vmodl = await readVmodlSource(dir, "typeinfo", service, progress, signal);
    const wsdl = synthesizeWsdl(vmodl, {
      namespace: `urn:${service}`,
      apiVersion: typeInfoRelease.apiVersion ?? vmodl.serviceVersions?.at(-1) ?? typeInfoRelease.release,
      servicePrefix: service === "vim25" ? "Vim" : service[0]!.toUpperCase() + service.slice(1),
      files: [],
    });
    progress("merging");
    return withApiVersions(mergeModel({ service, release: typeInfoRelease.release, wsdl, vmodl, sources: { wsdl: [], vmodl: path.basename(dir) } }), vmodl);
  }

  const bundle = await resolveBundle({
    ...(opts.wsdl ? { wsdl: opts.wsdl } : {}),
    service,
    ...(opts.release ? { release: opts.release } : {}),
    ...(signal ? { signal } : {}),
  });
  bundle.warnings.forEach(warn);
  const release = bundle.release ?? opts.release ?? path.basename(bundle.dir);
  progress(`reading WSDL ${service}-${release} (${bundle.source})`);
  const wsdl: WsdlModel = await readWsdlBundle(bundle.entry, signal ? { signal } : {});
  let vmodl: VmodlModel | undefined;
  if (opts.vmodl !== false) {
    const found = await resolveVmodl({ ...(opts.vmodl ? { vmodl: opts.vmodl } : {}), release });
    // A vmodl.db describes vim25 and pbm only; other services merge it only when asked.
    if (found.kind === "typeinfo" || DB_SERVICES.has(service) || opts.vmodl) {
      found.warnings.forEach(warn);
      vmodl = await readVmodlSource(found.file, found.kind, bundle.service ?? service, progress, signal);
    }
  }
  signal?.throwIfAborted();
  progress("merging");
  const model = mergeModel({
    service: bundle.service ?? service,
    release,
    wsdl,
    ...(vmodl ? { vmodl } : {}),
    sources: { wsdl: wsdl.files, ...(vmodl ? { vmodl: path.basename(vmodl.file) } : {}) },
  });
  return withApiVersions(model, vmodl);
}

/** The wire versions the bindings can speak (generator/model/api-versions.ts). */
function withApiVersions(model: ApiModel, vmodl: VmodlModel | undefined): ApiModel {
  const apiVersions = apiVersionsOf(model, [
    ...releases(model.service).map((r) => r.apiVersion),
    ...(vmodl ? publicWireVersions(model.service, Object.values(vmodl.versions)) : []),
  ]);
  return apiVersions.length ? { ...model, apiVersions } : model;
}

async function readVmodlSource(
  file: string,
  kind: "db" | "typeinfo",
  service: string,
  progress: (step: string) => void,
  signal?: AbortSignal,
): Promise<VmodlModel> {
  if (kind === "typeinfo") {
    progress(`reading pyVmomi type info ${path.basename(file)} (${service})`);
    return typeInfoToVmodl(await readTypeInfo(file, service, signal ? { signal } : {}), service);
  }
  progress(`reading VMODL ${path.basename(file)}`);
  return readVmodl(file, signal ? { signal } : {});
}
