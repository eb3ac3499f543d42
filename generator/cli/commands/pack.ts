/**
 * `tsvmomi-gen pack --release R --out DIR`: the bindings as an npm package
 * (folder + .tgz), checked by publint.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { loadModel } from "../../pipeline.js";
import { manifestProvenance, packBindings, PackError } from "../../pack/pack.js";
import { findRelease, pairedVim25 } from "../../../wsdl/manifest.js";
import { assertWritableTarget } from "../output-files.js";
import { loadOptions, sourceOptions } from "../source-args.js";

interface PackArgs {
  release?: string;
  service?: string;
  wsdl?: string;
  vmodl?: string | boolean;
  out: string;
  "pkg-version"?: string;
  "vim25-release"?: string;
  check?: boolean;
  lint?: boolean;
  quiet?: boolean;
}

export function packCommand(signal: AbortSignal): CommandModule<object, PackArgs> {
  return {
    command: "pack",
    describe: "build a publishable npm package @tsvmomi/<service>-<release> (ESM .js + .d.ts) into --out, npm pack it and run publint",
    builder: (y: Argv) =>
      sourceOptions(y)
        .option("out", { type: "string", demandOption: true, describe: "folder for the package folder and the .tgz" })
        .option("pkg-version", { type: "string", describe: "package version (default: the generator's version)" })
        .option("vim25-release", { type: "string", describe: "for pbm/sms/vslm/eam: the vim25 release to depend on (default: the paired vim25 release, see wsdl/manifest.ts pairedVim25)" })
        .option("check", { type: "boolean", default: true, describe: "type-check the generated code (--no-check is faster)" })
        .option("lint", { type: "boolean", default: true, describe: "run publint on the tarball (--no-lint skips it)" }) as unknown as Argv<PackArgs>,
    handler: async (argv: ArgumentsCamelCase<PackArgs>) => {
      await assertWritableTarget(argv.out, "--out", { folder: true });
      const load = loadOptions(argv, signal);
      const model = await loadModel(load);
      const vimRelease = model.service === "vim25" ? undefined : (argv["vim25-release"] ?? pairedVim25(model.release) ?? model.release);
      if (vimRelease !== undefined) {
        if (!findRelease("vim25", vimRelease)) {
          load.onWarning?.(`there is no vim25 ${vimRelease} bundle; the package depends on @tsvmomi/vim25-${vimRelease} anyway (choose another with --vim25-release)`);
        }
      }
      const r = await packBindings(model, {
        out: argv.out,
        ...(argv["pkg-version"] ? { version: argv["pkg-version"] } : {}),
        ...(vimRelease !== undefined ? { vim25Release: vimRelease } : {}),
        check: argv.check !== false,
        lint: argv.lint !== false,
        // A --wsdl folder is not vouched for by the manifest even when its release name matches one.
        provenance: argv.wsdl ? { ...manifestProvenance(model), release: undefined, bundleLabel: `--wsdl ${argv.wsdl}` } : manifestProvenance(model),
        signal,
        ...(load.onProgress ? { onProgress: load.onProgress } : {}),
      });
      const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
      const t = r.timings;
      const lines = [
        `${r.name}@${r.version}`,
        `  package  ${r.dir}`,
        `  tarball  ${r.tarball} (${kib(r.size)}, unpacked ${kib(r.unpackedSize)}, ${r.entryCount} files)`,
        `  time     emit ${ms(t.emitMs)}, ts-morph setup ${ms(t.setupMs)} + check ${ms(t.checkMs)} + emit ${ms(t.compileEmitMs)}, npm pack ${ms(t.npmPackMs)}${t.publintMs !== undefined ? `, publint ${ms(t.publintMs)}` : ""}`,
        r.lint?.skipped ? `  publint  skipped: ${r.lint.skipped}` : r.lint ? `  publint  ${summary(r.lint.messages)}` : "  publint  not run",
        ...(r.lint?.messages ?? []).map((m) => `    ${m.type}: ${m.text}`),
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
      const errors = r.lint?.messages.filter((m) => m.type === "error") ?? [];
      if (errors.length) throw new PackError(`publint found ${errors.length} error(s) in ${r.tarball}`);
    },
  };
}

const ms = (n: number) => `${(n / 1000).toFixed(1)} s`;

function summary(msgs: { type: string }[]): string {
  if (!msgs.length) return "no issues";
  const n = (t: string) => msgs.filter((m) => m.type === t).length;
  return `${n("error")} error(s), ${n("warning")} warning(s), ${n("suggestion")} suggestion(s)`;
}
