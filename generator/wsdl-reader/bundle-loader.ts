/**
 * Finds a bundle's entry file and reads every file it reaches through WSDL
 * `<import location>` and XSD `<include>`/`<import schemaLocation>`, each file
 * once (the 9.x bundles import vim-types.xsd and vsan-types.xsd from each other).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { WsdlError } from "./errors.js";
import { WSDL_NS, XSD_NS } from "./namespaces.js";
import { describe } from "./qname.js";
import { readSchema, type RawSchema } from "./schema-reader.js";
import { at, readDefinitions, type At, type RawDefinitions } from "./wsdl-reader.js";
import { parseXml, type XmlDoc, type XNode } from "./xml-tree.js";
import type { Stats } from "node:fs";

/**
 * Raw definitions of every file reached. Each file is turned into raw
 * definitions as soon as it is parsed, so its element tree can be collected
 * before the next big file is read (the 9.x bundles are ~5 MB of XML).
 */
export interface LoadedBundle {
  /** Entry file relative to `dir`. */
  entry: string;
  /** The entry's root element, blamed when the bundle is not a SOAP service. */
  entryRoot: At;
  files: string[];
  schema: RawSchema;
  defs: RawDefinitions;
}

/** Where a file was referenced from, so a missing file is reported at the reference. */
interface Referrer {
  doc: XmlDoc;
  node: XNode;
  location: string;
}

/**
 * A directory's entry: vimService.wsdl, else the one `<x>Service.wsdl`, else the
 * only `*.wsdl`. In 9.x vim25 folders vsphere.wsdl is an umbrella that imports
 * both vimService.wsdl and vsanService.wsdl, so the vim25 entry is vimService.wsdl;
 * pass vsanService.wsdl explicitly to read the vSAN service.
 */
export async function resolveEntry(entry: string): Promise<{ dir: string; file: string }> {
  let info: Stats;
  try {
    info = await stat(entry);
  } catch {
    throw new WsdlError(entry, undefined, undefined, "expected a WSDL file or a directory holding one; nothing is there");
  }
  if (!info.isDirectory()) return { dir: path.dirname(path.resolve(entry)), file: path.basename(entry) };
  const dir = path.resolve(entry);
  const wsdls = (await readdir(dir)).filter((f) => f.endsWith(".wsdl")).sort();
  const services = wsdls.filter((f) => /Service\.wsdl$/.test(f));
  const pick = wsdls.includes("vimService.wsdl")
    ? "vimService.wsdl"
    : services.length === 1
      ? services[0]
      : wsdls.length === 1
        ? wsdls[0]
        : undefined;
  if (!pick) {
    const found = wsdls.length ? `found ${wsdls.join(", ")}; pass the entry file itself` : "found none";
    throw new WsdlError(entry, undefined, undefined, `expected vimService.wsdl, one <x>Service.wsdl or a single *.wsdl: ${found}`);
  }
  return { dir, file: pick };
}

export async function loadBundle(dir: string, entryFile: string, signal?: AbortSignal): Promise<LoadedBundle> {
  const bundle: LoadedBundle = {
    entry: entryFile,
    entryRoot: { file: entryFile, line: 1, element: "definitions" },
    files: [],
    schema: { complexTypes: [], enums: [], groups: [], elements: [] },
    defs: { messages: [], portTypes: [], bindings: [], services: [] },
  };
  const seen = new Set<string>();

  const rel = (abs: string) => path.relative(dir, abs).split(path.sep).join("/");

  async function read(abs: string, from: Referrer | undefined): Promise<XmlDoc | undefined> {
    if (seen.has(abs)) return undefined;
    seen.add(abs);
    signal?.throwIfAborted();
    let text: string;
    try {
      text = await readFile(abs, { encoding: "utf8", signal });
    } catch (e) {
      if (signal?.aborted) throw e;
      const code = (e as NodeJS.ErrnoException).code ?? "read error";
      if (!from) throw new WsdlError(rel(abs), undefined, undefined, `cannot read the entry file (${code})`);
      throw new WsdlError(from.doc.file, describe(from.node), from.doc.lineAt(from.node.offset), `cannot read '${from.location}' (${code}): expected it next to ${from.doc.file}`);
    }
    const doc = parseXml(text, rel(abs));
    bundle.files.push(doc.file);
    return doc;
  }

  function target(from: XmlDoc, node: XNode, attr: string, baseAbs: string): { abs: string; ref: Referrer } {
    const location = node.attrs[attr] ?? "";
    if (/^[a-z][a-z0-9+.-]*:/i.test(location)) {
      throw new WsdlError(from.file, describe(node), from.lineAt(node.offset), `${attr}="${location}": expected a relative path (remote locations are not fetched)`);
    }
    return { abs: path.resolve(path.dirname(baseAbs), location), ref: { doc: from, node, location } };
  }

  async function wsdl(abs: string, from: Referrer | undefined): Promise<void> {
    const doc = await read(abs, from);
    if (!doc) return;
    const root = doc.root;
    if (root.ns !== WSDL_NS || root.local !== "definitions") {
      if (from && root.ns === XSD_NS && root.local === "schema") return schemaNode(doc, root, abs, "");
      throw new WsdlError(doc.file, root.local, doc.lineAt(root.offset), `expected a WSDL 1.1 <definitions> root element (namespace ${WSDL_NS})`);
    }
    if (!from) bundle.entryRoot = at(doc, root);
    readDefinitions({ doc, tns: root.attrs.targetNamespace ?? "" }, bundle.defs);
    for (const child of root.children) {
      if (child.ns !== WSDL_NS) continue;
      if (child.local === "import" && child.attrs.location !== undefined) {
        const t = target(doc, child, "location", abs);
        await wsdl(t.abs, t.ref);
      } else if (child.local === "types") {
        for (const schema of child.children) {
          if (schema.ns === XSD_NS && schema.local === "schema") await schemaNode(doc, schema, abs, "");
        }
      }
    }
  }

  async function schemaFile(abs: string, from: Referrer, includerTns: string): Promise<void> {
    const doc = await read(abs, from);
    if (!doc) return;
    const root = doc.root;
    if (root.ns !== XSD_NS || root.local !== "schema") {
      throw new WsdlError(doc.file, root.local, doc.lineAt(root.offset), `expected an XSD <schema> root element (referenced from ${from.doc.file})`);
    }
    await schemaNode(doc, root, abs, includerTns);
  }

  async function schemaNode(doc: XmlDoc, schema: XNode, abs: string, includerTns: string): Promise<void> {
    // A schema without targetNamespace takes its includer's ("chameleon" include).
    const tns = schema.attrs.targetNamespace ?? includerTns;
    readSchema(doc, schema, tns, bundle.schema);
    for (const child of schema.children) {
      if (child.ns !== XSD_NS) continue;
      if ((child.local === "include" || child.local === "import") && child.attrs.schemaLocation !== undefined) {
        const t = target(doc, child, "schemaLocation", abs);
        await schemaFile(t.abs, t.ref, child.local === "include" ? tns : "");
      }
    }
  }

  await wsdl(path.join(dir, entryFile), undefined);
  return bundle;
}
