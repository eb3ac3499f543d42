/**
 * tsvmomi-gen: the generator's command line. Each command is a thin shell over
 * a library function; this file owns argument parsing, progress and exit codes.
 */
import path from "node:path";
import yargs from "yargs";
import { loadModel } from "../pipeline.js";
import { formatReport } from "../model/report.js";
import { emitBindings, emitDefaultSelector } from "../emit/emit.js";
import { writeFilesAtomically, writeTreeAtomically } from "../emit/write.js";
import { DEFAULT_RELEASE, pairedVim25 } from "../../wsdl/manifest.js";
import { diffCommand } from "./commands/diff.js";
import { packCommand } from "./commands/pack.js";
import { fetchWsdlCommand } from "./commands/fetch-wsdl.js";
import { wireCheckCommand } from "./commands/wire-check.js";
import { generatorPackage } from "../package-info.js";
import { loadOptions, sourceOptions } from "./source-args.js";

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
            await writeFile(argv.json, `${JSON.stringify(model, null, 1)}\n`);
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
          // The default release, generated into its usual place, also gets generated/default*.ts:
          // the one place the repository's own code names its folder.
          if (!argv.out && model.service === DEFAULT_RELEASE.service && model.release === DEFAULT_RELEASE.release) {
            await writeFilesAtomically(path.dirname(out), emitDefaultSelector(model, files), ac.signal);
          }
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
