/**
 * ModelDiff → Markdown. Names are wrapped in backticks so that underscores in
 * WSDL names (`PowerOnVM_Task`) never turn into emphasis.
 */
import { diffCounts, type MemberChange, type MemberEntry, type ModelDiff, type TypeCategory } from "./diff.js";

export interface RenderOptions {
  /** Lines placed under the title, e.g. how the report was produced. */
  header?: string[];
}

const CATEGORY_TITLE: Record<TypeCategory, string> = {
  data: "Data types",
  fault: "Faults",
  managed: "Managed types",
  enum: "Enums",
};

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

export function renderDiffMarkdown(d: ModelDiff, opts: RenderOptions = {}): string {
  const name = (m: ModelDiff["a"]) => `${m.service} ${m.release}${m.apiVersion ? ` (API ${m.apiVersion})` : ""}`;
  const out: string[] = [`# API changes: ${name(d.a)} → ${name(d.b)}`, ""];
  if (opts.header?.length) out.push(...opts.header, "");
  const src = (m: ModelDiff["a"]) =>
    m.sources.wsdl.length === 0 && m.sources.vmodl
      ? `no WSDL: generated from ${m.sources.vmodl} type info alone`
      : `${m.sources.wsdl.length} WSDL/XSD files${m.sources.vmodl ? ` + ${m.sources.vmodl}` : ", no VMODL"}`;
  out.push(`- A: ${name(d.a)}: ${src(d.a)}`, `- B: ${name(d.b)}: ${src(d.b)}`, "");
  if (d.a.sources.vmodl && d.a.sources.vmodl === d.b.sources.vmodl) {
    out.push(
      `Both sides were merged with the same VMODL database (\`${d.a.sources.vmodl}\`). Managed types and their properties come from it, ` +
        "so changes to them after that database's release do not show here; data types, enums and methods come from each release's own WSDL.",
      "",
    );
  } else if (!d.a.sources.vmodl && !d.b.sources.vmodl) {
    out.push("Neither side was merged with VMODL, so managed types and their properties are not compared.", "");
  }

  const c = diffCounts(d);
  out.push("## Summary", "", "| | added | removed | changed |", "| --- | ---: | ---: | ---: |");
  const row = (label: string, r: { added: number; removed: number; changed: number }, changedApplies = true) =>
    out.push(`| ${label} | ${r.added} | ${r.removed} | ${changedApplies ? r.changed : "–"} |`);
  row("data types", c.dataTypes);
  row("faults", c.faults);
  row("managed types", c.managedTypes);
  row("enums", c.enums);
  row("properties", c.properties);
  row("methods", c.methods);
  row("enum values", c.enumValues, false);
  out.push("");
  out.push(
    "Properties and enum values are listed only for types present in both releases; a new type's members come with it.",
    "A type is *changed* when its kind or base changed; its member changes are under Properties.",
    "Member types read `type@ManagedType[]?`: `[]` array, `?` optional, `@` the managed type a MoRef points to.",
    "",
  );

  out.push("## Types", "");
  for (const cat of ["data", "fault", "managed", "enum"] as const) {
    const added = d.types.added.filter((t) => t.category === cat);
    const removed = d.types.removed.filter((t) => t.category === cat);
    const changed = d.types.changed.filter((t) => t.category === cat);
    if (!added.length && !removed.length && !changed.length) continue;
    out.push(`### ${CATEGORY_TITLE[cat]}`, "");
    const base = (b?: string) => (b ? ` extends ${code(b)}` : "");
    list(out, "Added", added.map((t) => `${code(t.name)}${base(t.base)}`));
    list(out, "Removed", removed.map((t) => `${code(t.name)}${base(t.base)}`));
    list(out, "Changed", changed.map((t) => `${code(t.name)}: ${t.details.join("; ")}`));
  }

  out.push("## Properties", "");
  const member = (m: MemberEntry) => `${code(`${m.owner}.${m.name}`)}: ${code(m.type)}`;
  const changedMember = (m: MemberChange) => `${code(`${m.owner}.${m.name}`)}: ${code(m.before)} → ${code(m.type)}`;
  for (const [title, cats] of [
    ["Data object fields", ["data", "fault"]],
    ["Managed object properties", ["managed"]],
  ] as const) {
    const pick = <T extends MemberEntry>(xs: T[]) => xs.filter((x) => (cats as readonly string[]).includes(x.category));
    const added = pick(d.properties.added);
    const removed = pick(d.properties.removed);
    const changed = pick(d.properties.changed);
    if (!added.length && !removed.length && !changed.length) continue;
    out.push(`### ${title}`, "");
    list(out, "Added", added.map(member));
    list(out, "Removed", removed.map(member));
    list(out, "Changed", changed.map(changedMember));
  }

  out.push("## Methods", "");
  const owners = (o: string[]) => (o.length ? ` on ${o.map(code).join(", ")}` : "");
  list(out, "Added", d.methods.added.map((m) => `${code(m.name)}${owners(m.owners)}: ${code(m.signature)}`));
  list(out, "Removed", d.methods.removed.map((m) => `${code(m.name)}${owners(m.owners)}: ${code(m.signature)}`));
  list(
    out,
    "Changed",
    d.methods.changed.map((m) => [`${code(m.name)}${owners(m.owners)}`, ...m.details.map((x) => `  - ${escapeDetail(x)}`)].join("\n")),
  );

  out.push("## Enum values", "");
  list(out, "Added", d.enumValues.added.map((v) => `${code(v.enum)}: ${code(v.value)}`));
  list(out, "Removed", d.enumValues.removed.map((v) => `${code(v.enum)}: ${code(v.value)}`));

  while (out.at(-1) === "") out.pop();
  return `${out.join("\n")}\n`;
}

function list(out: string[], title: string, items: string[]): void {
  if (!items.length) return;
  out.push(`**${title}** (${items.length})`, "");
  for (const i of items) out.push(`- ${i}`);
  out.push("");
}

/** Method change details are `label: a → b`; code-quote the payload. */
function escapeDetail(detail: string): string {
  const i = detail.indexOf(": ");
  return i < 0 ? detail : `${detail.slice(0, i)}: ${code(detail.slice(i + 2))}`;
}
