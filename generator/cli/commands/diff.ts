/**
 * `tsvmomi-gen diff A B`: Markdown report of what changed between two releases.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { loadModel } from "../../pipeline.js";
import { resolveBundle } from "../../../wsdl/resolve.js";
import { findRelease } from "../../../wsdl/manifest.js";
import { diffModels, renderDiffMarkdown } from "../../diff/diff.js";
import { assertWritableTarget, writeFileAtomically } from "../output-files.js";
import { loadOptions, quietOption } from "../source-args.js";

interface DiffArgs {
  a?: string;
  b?: string;
  "wsdl-a"?: string;
  "wsdl-b"?: string;
  "vmodl-a"?: string;
  "vmodl-b"?: string;
  vmodl?: boolean;
  service?: string;
  out?: string;
  quiet?: boolean;
}

export function diffCommand(signal: AbortSignal): CommandModule<object, DiffArgs> {
  return {
    command: "diff [a] [b]",
    describe: "Markdown report of types, properties, methods and enum values added, removed or changed from release A to B",
    builder: (y: Argv) =>
      quietOption(y)
        .positional("a", { type: "string", describe: "old release, e.g. 7.0.3 or pbm-9.0.0" })
        .positional("b", { type: "string", describe: "new release" })
        .option("wsdl-a", { type: "string", describe: "bundle directory or entry file for A (instead of a release)" })
        .option("wsdl-b", { type: "string", describe: "bundle directory or entry file for B" })
        .option("vmodl-a", { type: "string", describe: "vmodl.db for A (default: best match in ../shared/vmodl)" })
        .option("vmodl-b", { type: "string", describe: "vmodl.db for B" })
        .option("vmodl", { type: "boolean", describe: "--no-vmodl compares the WSDL alone" })
        .option("service", { type: "string", describe: "service when A/B carry no prefix (default vim25)" })
        .option("out", { type: "string", describe: "write the report to this file instead of stdout" })
        .check((argv) => {
          if (!argv.a && !argv["wsdl-a"]) throw new Error("diff needs release A (or --wsdl-a)");
          if (!argv.b && !argv["wsdl-b"]) throw new Error("diff needs release B (or --wsdl-b)");
          return true;
        }) as unknown as Argv<DiffArgs>,
    handler: async (argv: ArgumentsCamelCase<DiffArgs>) => {
      if (argv.out) await assertWritableTarget(argv.out, "--out");
      const side = (release: string | undefined, wsdl: string | undefined, vmodl: string | undefined) =>
        loadOptions(
          {
            ...(release ? { release } : {}),
            ...(argv.service ? { service: argv.service } : {}),
            ...(wsdl ? { wsdl } : {}),
            ...(argv.vmodl === false ? { vmodl: false } : vmodl ? { vmodl } : {}),
            ...(argv.quiet ? { quiet: true } : {}),
          },
          signal,
        );
      const optsA = side(argv.a, argv["wsdl-a"], argv["vmodl-a"]);
      const optsB = side(argv.b, argv["wsdl-b"], argv["vmodl-b"]);
      // Find both bundles before reading either, so a typo in B does not cost a full read of A.
      for (const o of [optsA, optsB]) {
        if (!o.wsdl && o.release && findRelease(o.service ?? "vim25", o.release)?.layout === "typeinfo") continue; // no bundle: type info
        await resolveBundle({ ...(o.wsdl ? { wsdl: o.wsdl } : {}), ...(o.service ? { service: o.service } : {}), ...(o.release ? { release: o.release } : {}), signal });
      }
      const a = await loadModel(optsA);
      const b = await loadModel(optsB);
      const text = renderDiffMarkdown(diffModels(a, b), { header: [`Produced by \`${commandLine(argv)}\`.`] });
      if (argv.out) {
        await writeFileAtomically(argv.out, text);
        if (!argv.quiet) process.stderr.write(`wrote ${argv.out}\n`);
      } else process.stdout.write(text);
    },
  };
}

/** The invocation, rebuilt from the arguments (paths as given), so the report says how to reproduce it. */
function commandLine(argv: DiffArgs): string {
  const parts = ["tsvmomi-gen diff"];
  if (argv.a) parts.push(argv.a);
  if (argv.b) parts.push(argv.b);
  for (const k of ["wsdl-a", "wsdl-b", "vmodl-a", "vmodl-b", "service"] as const) if (argv[k]) parts.push(`--${k} ${argv[k]}`);
  if (argv.vmodl === false) parts.push("--no-vmodl");
  if (argv.out) parts.push(`--out ${argv.out}`);
  return parts.join(" ");
}
