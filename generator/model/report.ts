/**
 * The `tsvmomi-gen model` report: a merged model's sources, counts and check
 * report, grouped by severity and kind. Apart from the CLI so that a reader of
 * the report (tests, scripts) does not load the CLI and every command's
 * dependencies (yargs; ts-morph for pack).
 */
import type { ApiModel } from "./ir.js";
import { summarize } from "./merge.js";

export function formatReport(model: ApiModel): string {
  const s = summarize(model);
  const lines = [
    `${model.service}-${model.release} (${model.namespace}${model.apiVersion ? `, API ${model.apiVersion}` : ""})`,
    model.sources.wsdl.length === 0 && model.sources.vmodl
      ? `sources: no WSDL, generated from ${model.sources.vmodl} type info alone`
      : `sources: ${model.sources.wsdl.length} WSDL/XSD files${model.sources.vmodl ? `, ${model.sources.vmodl}` : ", no VMODL"}`,
    "",
    `data types     ${s.dataTypes}`,
    `faults         ${s.faults}`,
    `enums          ${s.enums}`,
    `managed types  ${s.managedTypes}`,
    `methods        ${s.methods} (${s.unownedMethods} without an owning managed type)`,
    "",
    `check report: ${s.mismatches} mismatch(es), ${s.notes} note(s)`,
  ];
  const groups = new Map<string, typeof model.checks>();
  for (const c of model.checks) groups.set(`${c.severity}: ${c.kind}`, [...(groups.get(`${c.severity}: ${c.kind}`) ?? []), c]);
  for (const [kind, items] of groups) {
    lines.push(`  ${kind} (${items.length})`);
    for (const c of items) lines.push(`    ${c.subject}: ${c.detail}`);
  }
  return `${lines.join("\n")}\n`;
}
