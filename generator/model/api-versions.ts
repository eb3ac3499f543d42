/**
 * The wire versions a release's bindings can speak: every version of the
 * namespace from the oldest known up to the bindings' own `apiVersion`
 * (vSphere keeps older versions working, and methods newer than the server
 * are refused by their `since`). The generator writes this list into
 * `schemas.ts`, so the runtime never keeps a hand list that goes stale.
 *
 * Sources, merged: the versions the VMODL names (pyVmomi's `AddVersion` when
 * the model has them, else the public ids of generator/vmodl/versions.ts), the
 * API versions of every bundle of the service in wsdl/manifest.json, and the
 * bundle's own version.
 */
import type { ApiModel } from "./ir.js";
import { compareVersions } from "tsvmomi";
import { publicWireVersions } from "../vmodl/versions.js";

const DOTTED = /^\d+(\.\d+)+$/;

/** Sorted, unique, dotted versions up to and including `model.apiVersion`; empty when the bundle names no version. */
export function apiVersionsOf(model: Pick<ApiModel, "service" | "apiVersion"> & { versions?: string[] }, bundleVersions: readonly (string | undefined)[]): string[] {
  const own = model.apiVersion;
  if (own === undefined || !DOTTED.test(own)) return [];
  const fromVmodl = model.versions ?? publicWireVersions(model.service);
  const all = new Set<string>();
  for (const v of [...fromVmodl, ...bundleVersions, own]) {
    if (v !== undefined && DOTTED.test(v) && compareVersions(v, own) <= 0) all.add(v);
  }
  // `7.0` and `7.0.0.0` are the same version to compareVersions but distinct strings on the wire: keep both.
  return [...all].sort((a, b) => compareVersions(a, b) || a.length - b.length || (a < b ? -1 : 1));
}
