/**
 * Checks a model built from type info alone (vim25 8.0.3) against one read
 * from a real WSDL (vim25 9.0.0): for every data type both have, the fields,
 * their order, XSD types, array-ness and minOccurs must agree. What differs is
 * grouped, so a difference that is the newer release's doing (fields 9.0
 * appended) reads apart from one that would mean the type info was misread.
 */
import type { ApiModel, IrDataType, IrField } from "./ir.js";

export interface WireDifference {
  /** Stable group key (see GROUPS). */
  group: string;
  type: string;
  detail: string;
}

export interface WireComparison {
  a: string;
  b: string;
  /** Data types (faults included) both models have. */
  common: number;
  /** Of those, how many agree in every field. */
  identical: number;
  onlyA: string[];
  onlyB: string[];
  differences: WireDifference[];
}

/** Groups in report order, with what each means. */
export const GROUPS: Record<string, string> = {
  "base-differs": "the base type differs",
  "fields-appended-in-b": "B adds fields after all of A's, in A's order (a newer release extending the type)",
  "fields-only-in-a": "A has fields B lacks",
  "fields-only-in-b": "B has fields A lacks, not only at the end",
  "order-differs": "the common fields come in another order",
  "type-differs": "a field's XSD type differs",
  "array-differs": "one side is an array, the other not",
  "optional-differs": "minOccurs differs",
};

export function compareWireModels(a: ApiModel, b: ApiModel): WireComparison {
  const out: WireComparison = { a: `${a.service}-${a.release}`, b: `${b.service}-${b.release}`, common: 0, identical: 0, onlyA: [], onlyB: [], differences: [] };
  const names = [...new Set([...Object.keys(a.dataTypes), ...Object.keys(b.dataTypes)])].sort();
  for (const name of names) {
    const ta = a.dataTypes[name];
    const tb = b.dataTypes[name];
    if (!ta) {
      if (!tb!.external) out.onlyB.push(name);
      continue;
    }
    if (!tb) {
      out.onlyA.push(name);
      continue;
    }
    out.common++;
    const diffs = compareType(ta, tb);
    if (diffs.length === 0) out.identical++;
    out.differences.push(...diffs);
  }
  return out;
}

function compareType(a: IrDataType, b: IrDataType): WireDifference[] {
  const d: WireDifference[] = [];
  const add = (group: string, detail: string) => d.push({ group, type: a.name, detail });
  if ((a.base ?? "") !== (b.base ?? "")) add("base-differs", `${a.base ?? "(none)"} vs ${b.base ?? "(none)"}`);
  const an = a.fields.map((f) => f.name);
  const bn = b.fields.map((f) => f.name);
  const bSet = new Set(bn);
  const aSet = new Set(an);
  const onlyA = an.filter((n) => !bSet.has(n));
  const onlyB = bn.filter((n) => !aSet.has(n));
  if (onlyA.length) add("fields-only-in-a", onlyA.join(", "));
  if (onlyB.length) {
    const appended = bn.slice(bn.length - onlyB.length).every((n) => !aSet.has(n));
    add(appended ? "fields-appended-in-b" : "fields-only-in-b", onlyB.join(", "));
  }
  const commonA = an.filter((n) => bSet.has(n));
  const commonB = bn.filter((n) => aSet.has(n));
  if (commonA.join() !== commonB.join()) add("order-differs", `${commonA.join(", ")} vs ${commonB.join(", ")}`);
  const byName = new Map(b.fields.map((f) => [f.name, f]));
  for (const fa of a.fields) {
    const fb = byName.get(fa.name);
    if (!fb) continue;
    if (wireType(fa) !== wireType(fb)) add("type-differs", `${fa.name}: ${wireType(fa)} vs ${wireType(fb)}`);
    if (fa.array !== fb.array) add("array-differs", `${fa.name}: ${fa.array ? "array" : "single"} vs ${fb.array ? "array" : "single"}`);
    if (fa.optional !== fb.optional) add("optional-differs", `${fa.name}: ${fa.optional ? "optional" : "required"} vs ${fb.optional ? "optional" : "required"}`);
  }
  return d;
}

function wireType(f: IrField): string {
  return f.primitive ? `xsd:${f.type}` : f.type;
}

/** The comparison as Markdown: counts, then each group with its types. */
export function renderWireComparison(c: WireComparison): string {
  const lines = [
    `| | count |`,
    `|---|---:|`,
    `| data types in both | ${c.common} |`,
    `| identical on the wire | ${c.identical} |`,
    `| only in ${c.a} | ${c.onlyA.length} |`,
    `| only in ${c.b} | ${c.onlyB.length} |`,
    "",
  ];
  for (const [group, meaning] of Object.entries(GROUPS)) {
    const items = c.differences.filter((x) => x.group === group);
    lines.push(`#### ${group} (${items.length})`, "", `A = ${c.a}, B = ${c.b}: ${meaning}.`, "");
    for (const x of items) lines.push(`- \`${x.type}\`: ${x.detail}`);
    if (items.length) lines.push("");
  }
  if (c.onlyA.length) lines.push(`#### only in ${c.a} (${c.onlyA.length})`, "", c.onlyA.map((n) => `\`${n}\``).join(", "), "");
  return lines.join("\n");
}
