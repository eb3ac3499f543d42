/**
 * tsvmomi-gen: the generator's command line. Each command is a thin shell over
 * a library function; this file owns argument parsing, progress and exit codes.
 */
import path from "node:path";
import yargs, { type Argv } from "yargs";
import { loadModel, type LoadOptions } from "../pipeline.js";
import { formatReport } from "../model/report.js";
import { emitBindings } from "../emit/emit.js";
import { writeTreeAtomically } from "../emit/write.js";
import { DEFAULT_RELEASE, pairedVim25 } from "../../wsdl/manifest.js";
import { diffCommand } from "./commands/diff.js";
import { packCommand } from "./commands/pack.js";
import { fetchWsdlCommand } from "./commands/fetch-wsdl.js";
import { wireCheckCommand } from "./commands/wire-check.js";
import { generatorPackage } from "../package-info.js";

interface SourceArgs {
  release?: string;
  service?: string;
  wsdl?: string;
  /** `--no-vmodl` arrives as `false` (yargs negation). */
  vmodl?: string | boolean;
  quiet?: boolean;
}

const sourceOptions = <T>(y: Argv<T>) =>
  y
    .option("release", { type: "string", describe: `release name, e.g. 9.1 or pbm-9.1 (default ${DEFAULT_RELEASE.release})` })
    .option("service", { type: "string", describe: "service: vim25, pbm, vslm, sms or eam", default: undefined })
    .option("wsdl", { type: "string", describe: "bundle directory or entry file (vimService.wsdl, a lone vim.wsdl)" })
    .option("vmodl", { type: "string", describe: "VMODL to merge: an rbvmomi vmodl.db or a pyVmomi folder with _typeinfo_*.py (e.g. site-packages/pyVmomi); default: the newest in ../shared/vmodl not newer than the release; --no-vmodl merges the WSDL alone" })
    .option("quiet", { type: "boolean", alias: "q", describe: "no progress on stderr" });

export function loadOptions(argv: SourceArgs, signal?: AbortSignal): LoadOptions {
  let service = argv.service;
  let release = argv.release;
  const m = release?.match(/^(vim25|pbm|vslm|sms|eam)-(.+)$/);
  if (m) {
    service = m[1];
    release = m[2];
  }
  if (!release && !argv.wsdl) release = DEFAULT_RELEASE.release;
  return {
    service: service ?? DEFAULT_RELEASE.service,
    ...(release ? { release } : {}),
    ...(argv.wsdl ? { wsdl: argv.wsdl } : {}),
    ...(argv.vmodl === false ? { vmodl: false as const } : typeof argv.vmodl === "string" ? { vmodl: argv.vmodl } : {}),
    ...(signal ? { signal } : {}),
    onProgress: argv.quiet ? () => {} : (step) => process.stderr.write(`… ${step}\n`),
    onWarning: (msg) => process.stderr.write(`warning: ${msg}\n`),
  };
}

export async function main(args: string[]): Promise<void> {
  const ac = new AbortController();
  const onSig = () => ac.abort(new Error("interrupted"));
  process.once("SIGINT", onSig);
  try {
    await yargs(args)
      .scriptName("tsvmomi-gen")
      .usage("$0 <command> [options]\n\nGenerate typed TypeScript bindings for the vSphere SOAP API.")
      .command(
        "model",
        "read a release's WSDL and VMODL into the model; print counts and the WSDL/VMODL check report",
        (y) => sourceOptions(y).option("json", { type: "string", describe: "also write the model as JSON to this file" }),
        async (argv) => {
          const model = await loadModel(loadOptions(argv, ac.signal));
          process.stdout.write(formatReport(model));
          if (argv.json) {
            const { writeFile } = await import("node:fs/promises");
            await writeFile(argv.json, JSON.stringify(model, null, 1) + "\n");
          }
        },
      )
      .command(
        "generate",
        "generate bindings into --out (default generated/<service>-<release>)",
        (y) =>
          sourceOptions(y)
            .option("out", { type: "string", describe: "output directory (replaced atomically)" })
            .option("external-types", { type: "string", describe: "module path of the vim25 bindings reused by pbm/sms/vslm/eam" }),
        async (argv) => {
          const opts = loadOptions(argv, ac.signal);
          const model = await loadModel(opts);
          const out = argv.out ?? path.join("generated", `${model.service}-${model.release}`);
          opts.onProgress?.("emitting");
          const ext = argv["external-types"] ?? (model.service !== "vim25" ? `../vim25-${pairedVim25(model.release) ?? model.release}` : undefined);
          const files = emitBindings(model, ext ? { externalTypes: ext } : {});
          opts.onProgress?.(`writing ${files.size} files to ${out}`);
          await writeTreeAtomically(out, files, ac.signal);
          if (!argv.quiet) process.stderr.write(`generated ${model.service}-${model.release} into ${out}\n`);
        },
      )
      .command(diffCommand(ac.signal))
      .command(packCommand(ac.signal))
      .command(fetchWsdlCommand(ac.signal))
      .command(wireCheckCommand(ac.signal))
      .demandCommand(1, "name a command; see --help")
      .strict()
      .fail((msg, err, y) => {
        if (err) throw err;
        throw new UsageError(`${msg}\n\n${y.help()}`);
      })
      .help()
      .version(generatorPackage().version)
      .parseAsync();
  } finally {
    process.off("SIGINT", onSig);
  }
}

class UsageError extends Error {}
