/**
 * Which file of a bundle folder is its entry WSDL, and which service it is.
 * Kept out of layout.ts so that wsdl/manifest.ts (read by the build before the
 * runtime package exists) does not load the runtime for its error base.
 */
import { ErrorCode } from "tsvmomi";
import { GeneratorError } from "../generator/errors.js";
import { interfaceWsdlName, KNOWN_SERVICES, type Layout, serviceEntryName, serviceOfStem } from "./layout.js";

export class NoWsdlError extends GeneratorError {
  static override readonly kind = "NoWsdlError";
  constructor(readonly dir: string, detail: string) {
    super(ErrorCode.NO_WSDL, `${dir}: ${detail}`);
  }
}

export interface DetectedEntry {
  entry: string;
  service: string;
  layout: Layout;
}

/**
 * Picks the entry file of a bundle directory from its file names.
 * The `<stem>Service.wsdl` file wins because it is what imports the rest;
 * a lone `<stem>.wsdl` is the old single-file layout (types inline).
 * In 9.x vim25 folders `vsanService.wsdl` sits beside `vimService.wsdl`,
 * so without a requested service the known services are tried in order.
 */
export function detectEntry(dir: string, fileNames: readonly string[], service?: string): DetectedEntry {
  const wsdls = fileNames.filter((n) => n.toLowerCase().endsWith(".wsdl")).sort();
  if (wsdls.length === 0) {
    throw new NoWsdlError(dir, `no .wsdl file in this directory (expected ${service ? serviceEntryName(service) : "vimService.wsdl"} or a single-file vim.wsdl)`);
  }
  const has = (n: string) => wsdls.includes(n);

  if (service !== undefined) {
    if (has(serviceEntryName(service))) return { entry: serviceEntryName(service), service, layout: "split" };
    if (has(interfaceWsdlName(service))) return { entry: interfaceWsdlName(service), service, layout: "single-file" };
    throw new NoWsdlError(
      dir,
      `no ${serviceEntryName(service)} or ${interfaceWsdlName(service)} for service ${service}; WSDL files here: ${wsdls.join(", ")}`,
    );
  }

  for (const known of KNOWN_SERVICES) {
    if (has(serviceEntryName(known))) return { entry: serviceEntryName(known), service: known, layout: "split" };
  }
  const serviceFiles = wsdls.filter((n) => /^.+Service\.wsdl$/.test(n));
  if (serviceFiles.length === 1) {
    const name = serviceFiles[0]!;
    return { entry: name, service: serviceOfStem(name.slice(0, -"Service.wsdl".length)), layout: "split" };
  }
  if (serviceFiles.length === 0 && wsdls.length === 1) {
    const name = wsdls[0]!;
    return { entry: name, service: serviceOfStem(name.slice(0, -".wsdl".length)), layout: "single-file" };
  }
  throw new NoWsdlError(dir, `cannot tell which WSDL is the entry (found: ${wsdls.join(", ")}); pass a service or the entry file itself`);
}
