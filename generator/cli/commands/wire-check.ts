/**
 * `tsvmomi-gen wire-check [a] [b]`: checks a release built from pyVmomi type
 * info alone (default vim25-8.0.3) against one read from a real WSDL (default
 * vim25-9.0.0): every data type both have must agree in fields, their order,
 * XSD types, arrays and minOccurs. Prints the grouped differences as Markdown.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { loadModel } from "../../pipeline.js";
import { compareWireModels, renderWireComparison } from "../../model/wire-compare.js";
import { assertWritableTarget, writeFileAtomically } from "../output-files.js";
import { loadOptions, quietOption } from "../source-args.js";

interface WireCheckArgs {
  a?: string;
  b?: string;
  out?: string;
  quiet?: boolean;
}

export function wireCheckCommand(signal: AbortSignal): CommandModule<object, WireCheckArgs> {
  return {
    command: "wire-check [a] [b]",
    describe: "compare the data types of release A (e.g. one generated from type info) with release B's WSDL: fields, order, types",
    builder: (y: Argv) =>
      quietOption(y)
        .positional("a", { type: "string", describe: "release checked (default 8.0.3)", default: "8.0.3" })
        .positional("b", { type: "string", describe: "release with the WSDL to check against (default 9.0.0)", default: "9.0.0" })
        .option("out", { type: "string", describe: "write the report to this file instead of stdout" }) as unknown as Argv<WireCheckArgs>,
    handler: async (argv: ArgumentsCamelCase<WireCheckArgs>) => {
      if (argv.out) await assertWritableTarget(argv.out, "--out");
      const side = (release: string) => loadOptions({ release, ...(argv.quiet ? { quiet: true } : {}) }, signal);
      const a = await loadModel(side(argv.a ?? "8.0.3"));
      const b = await loadModel(side(argv.b ?? "9.0.0"));
      const text = `${renderWireComparison(compareWireModels(a, b))}\n`;
      if (argv.out) await writeFileAtomically(argv.out, text);
      else process.stdout.write(text);
    },
  };
}
