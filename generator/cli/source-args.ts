/**
 * The options that choose what a command reads (--release, --service, --wsdl,
 * --vmodl) and --quiet: declared once for yargs, and turned into loadModel's
 * options in one place. Every command that reads a model uses these.
 */
import type { Argv } from "yargs";
import type { LoadOptions } from "../pipeline.js";
import { DEFAULT_RELEASE } from "../../wsdl/manifest.js";
import { KNOWN_SERVICES, parseFolderName } from "../../wsdl/layout.js";

export interface SourceArgs {
  release?: string;
  service?: string;
  wsdl?: string;
  /** `--no-vmodl` arrives as `false` (yargs negation). */
  vmodl?: string | boolean;
  quiet?: boolean;
}

export const quietOption = <T>(y: Argv<T>) => y.option("quiet", { type: "boolean", alias: "q", describe: "no progress on stderr" });

export const sourceOptions = <T>(y: Argv<T>) =>
  quietOption(
    y
      .option("release", { type: "string", describe: `release name, e.g. 9.1 or pbm-9.1 (default ${DEFAULT_RELEASE.release})` })
      .option("service", { type: "string", describe: `service when --release has no prefix: ${KNOWN_SERVICES.join(", ")} (default ${DEFAULT_RELEASE.service})` })
      .option("wsdl", { type: "string", describe: "bundle directory or entry file (vimService.wsdl, a lone vim.wsdl) instead of a known release" })
      .option("vmodl", { type: "string", describe: "VMODL to merge: an rbvmomi vmodl.db or a pyVmomi folder with _typeinfo_*.py (e.g. site-packages/pyVmomi); default: the newest in ../shared/vmodl not newer than the release; --no-vmodl merges the WSDL alone" }),
  );

/** `7.0.3` or `pbm-9.1`: a service prefix wins over `--service`. */
export function parseRelease(release: string | undefined, service: string | undefined): { service: string; release?: string } {
  const prefixed = release === undefined ? undefined : parseFolderName(release);
  if (prefixed) return prefixed;
  return { service: service ?? DEFAULT_RELEASE.service, ...(release ? { release } : {}) };
}

/** loadModel's options for these arguments: the default release unless --release or --wsdl names one. */
export function loadOptions(a: SourceArgs, signal?: AbortSignal): LoadOptions {
  const { service, release } = parseRelease(a.release, a.service);
  return {
    service,
    ...(release ? { release } : !a.wsdl ? { release: DEFAULT_RELEASE.release } : {}),
    ...(a.wsdl ? { wsdl: a.wsdl } : {}),
    ...(a.vmodl === false ? { vmodl: false as const } : typeof a.vmodl === "string" ? { vmodl: a.vmodl } : {}),
    ...(signal ? { signal } : {}),
    onProgress: a.quiet ? () => {} : (step) => process.stderr.write(`… ${step}\n`),
    onWarning: (msg) => process.stderr.write(`warning: ${msg}\n`),
  };
}
