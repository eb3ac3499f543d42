/**
 * Loads and compiles the Handlebars templates once per process.
 * Templates only place text: no helpers, every decision is made in emit.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";

const NAMES = ["core", "types", "enums", "faults", "managed", "methods", "paths", "paths-index", "schemas", "index", "default", "default-lazy"] as const;
/** Pieces the templates share: the file header and one field's codec schema. */
const PARTIALS = ["header", "fieldSchema"] as const;
export type Templates = Record<(typeof NAMES)[number], Handlebars.TemplateDelegate>;

/** templates/ at the repo (or package) root, found from this module's location in src or dist. */
export function templatesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, "templates");
    if (fs.existsSync(path.join(candidate, "types.ts.hbs"))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error("templates/ not found next to the generator");
}

let cached: Templates | undefined;

export function loadTemplates(dir = templatesDir()): Templates {
  if (cached && dir === templatesDir()) return cached;
  const hb = Handlebars.create();
  for (const partial of PARTIALS) hb.registerPartial(partial, fs.readFileSync(path.join(dir, `${partial}.hbs`), "utf8"));
  const out = {} as Templates;
  for (const name of NAMES) {
    const file = path.join(dir, `${name}.ts.hbs`);
    // noEscape: templates emit TypeScript, not HTML; strict: a missing view member is a bug.
    out[name] = hb.compile(fs.readFileSync(file, "utf8"), { noEscape: true, strict: false });
  }
  cached = out;
  return out;
}
