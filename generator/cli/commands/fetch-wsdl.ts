/**
 * `tsvmomi-gen fetch-wsdl --url https://host/sdk --out DIR`: download a live
 * endpoint's WSDL bundle so it can be passed to `--wsdl DIR`.
 */
import { readFile } from "node:fs/promises";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { fetchWsdl, FetchWsdlError } from "../../fetch/fetch-wsdl.js";
import { normalizeThumbprint } from "../../fetch/tls-agent.js";
import { assertWritableTarget } from "../output-files.js";
import { quietOption } from "../source-args.js";

interface FetchArgs {
  url: string;
  out: string;
  entry?: string;
  insecure?: boolean;
  thumbprint?: string;
  ca?: string;
  quiet?: boolean;
}

export function fetchWsdlCommand(signal: AbortSignal): CommandModule<object, FetchArgs> {
  return {
    command: "fetch-wsdl",
    describe: "download <url>/vimService.wsdl and every file it references into --out",
    builder: (y: Argv) =>
      quietOption(y)
        .option("url", { type: "string", demandOption: true, describe: "SDK URL, e.g. https://vcenter.example/sdk" })
        .option("out", { type: "string", demandOption: true, describe: "folder to write the bundle to (replaced atomically)" })
        .option("entry", { type: "string", describe: "entry file under --url (default vimService.wsdl; pbmService.wsdl for pbm)" })
        .option("insecure", { type: "boolean", describe: "accept any TLS certificate" })
        .option("thumbprint", { type: "string", describe: "accept exactly the leaf certificate with this SHA-256 thumbprint" })
        .option("ca", { type: "string", describe: "PEM file of extra trusted CA certificates" })
        .conflicts("insecure", "thumbprint") as unknown as Argv<FetchArgs>,
    handler: async (argv: ArgumentsCamelCase<FetchArgs>) => {
      if (argv.thumbprint) normalizeThumbprint(argv.thumbprint);
      await assertWritableTarget(argv.out, "--out");
      let ca: string | undefined;
      if (argv.ca) {
        try {
          ca = await readFile(argv.ca, "utf8");
        } catch (err) {
          throw new FetchWsdlError(`--ca ${argv.ca}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        }
        if (!ca.includes("-----BEGIN CERTIFICATE-----")) throw new FetchWsdlError(`--ca ${argv.ca}: expected PEM certificates (-----BEGIN CERTIFICATE-----)`);
      }
      const files = await fetchWsdl({
        url: argv.url,
        out: argv.out,
        ...(argv.entry ? { entry: argv.entry } : {}),
        ...(argv.insecure ? { insecure: true } : {}),
        ...(argv.thumbprint ? { thumbprint: argv.thumbprint } : {}),
        ...(ca ? { ca } : {}),
        signal,
        ...(argv.quiet ? {} : { onProgress: (s: string) => process.stderr.write(`… ${s}\n`) }),
      });
      const total = files.reduce((n, f) => n + f.bytes, 0);
      if (!argv.quiet) process.stderr.write(`fetched ${files.length} files (${total} bytes) into ${argv.out}\n`);
    },
  };
}
