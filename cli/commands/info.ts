/**
 * `tsvmomi info PATH...`: a summary per entity, like govc's vm.info,
 * host.info and datastore.info; one retrieve of `summary` per type.
 */
import type { CommandContext } from "../context.js";
import { expand, type Found } from "../finder.js";
import { moRefKey, retrieveAny, type MoRef } from "tsvmomi";
import { cell, formatFields, humanBytes, printJson } from "../output.js";

// biome-ignore lint/suspicious/noExplicitAny: server data read loosely for display, whatever the release's types say
type Any = Record<string, any>;

/** The properties read per type, and how they become the info fields (stable JSON keys, in display order). */
const VIEWS: Record<string, { select: string[]; fields: (v: Any) => Record<string, unknown> }> = {
  VirtualMachine: {
    select: ["name", "summary", "guest.ipAddress"],
    fields: (v) => ({
      name: v.name,
      uuid: v.summary?.config?.uuid,
      guestOS: v.summary?.config?.guestFullName,
      powerState: v.summary?.runtime?.powerState,
      cpus: v.summary?.config?.numCpu,
      memoryMB: v.summary?.config?.memorySizeMB,
      ipAddress: v["guest.ipAddress"],
      host: v.summary?.runtime?.host,
      vmPath: v.summary?.config?.vmPathName,
      template: v.summary?.config?.template,
      overallStatus: v.summary?.overallStatus,
    }),
  },
  HostSystem: {
    select: ["name", "summary"],
    fields: (v) => ({
      name: v.name,
      vendor: v.summary?.hardware?.vendor,
      model: v.summary?.hardware?.model,
      cpuModel: v.summary?.hardware?.cpuModel,
      cpuCores: v.summary?.hardware?.numCpuCores,
      cpuMhz: v.summary?.hardware?.cpuMhz,
      memoryBytes: v.summary?.hardware?.memorySize,
      product: v.summary?.config?.product?.fullName,
      connectionState: v.summary?.runtime?.connectionState,
      powerState: v.summary?.runtime?.powerState,
      inMaintenanceMode: v.summary?.runtime?.inMaintenanceMode,
      overallStatus: v.summary?.overallStatus,
    }),
  },
  Datastore: {
    select: ["name", "summary"],
    fields: (v) => ({
      name: v.name,
      fsType: v.summary?.type,
      url: v.summary?.url,
      capacityBytes: v.summary?.capacity,
      freeBytes: v.summary?.freeSpace,
      accessible: v.summary?.accessible,
    }),
  },
};
const GENERIC = { select: ["name", "overallStatus", "parent"], fields: (v: Any) => ({ name: v.name, overallStatus: v.overallStatus, parent: v.parent }) };

const LABELS: Record<string, string> = {
  guestOS: "Guest OS",
  cpus: "CPUs",
  memoryMB: "Memory",
  ipAddress: "IP address",
  vmPath: "Path on datastore",
  cpuModel: "CPU model",
  cpuCores: "CPU cores",
  cpuMhz: "CPU MHz",
  memoryBytes: "Memory",
  capacityBytes: "Capacity",
  freeBytes: "Free",
  uuid: "UUID",
  url: "URL",
  fsType: "File system",
};

function label(key: string): string {
  return LABELS[key] ?? key.replace(/([A-Z])/g, " $1").replace(/^./, (c) => c.toUpperCase());
}

function display(key: string, value: unknown): string {
  if (key === "memoryMB" && typeof value === "number") return `${value} MB`;
  if (key.endsWith("Bytes")) return humanBytes(value as number | undefined);
  return cell(value);
}

export async function run(ctx: CommandContext): Promise<void> {
  const client = await ctx.client();
  const found: Found[] = [];
  for (const arg of ctx.args) found.push(...(await expand(client, arg, ctx.io.env, ctx.signal)));
  const byType = new Map<string, Found[]>();
  for (const f of found) byType.set(f.ref.type, [...(byType.get(f.ref.type) ?? []), f]);
  const infos = new Map<string, Record<string, unknown>>();
  for (const [type, list] of byType) {
    const view = VIEWS[type] ?? GENERIC;
    const got = await retrieveAny(client, list.map((f) => f.ref as MoRef), view.select, { signal: ctx.signal });
    for (const o of got) infos.set(moRefKey(o.ref), Object.fromEntries(Object.entries(view.fields(o)).filter(([, v]) => v !== undefined)));
  }
  const objects = found.map((f) => ({ path: f.path, ref: f.ref, info: infos.get(moRefKey(f.ref)) ?? {} }));
  if (ctx.json) return printJson(ctx.io, { objects });
  ctx.io.stdout.write(
    objects
      .map((o) => `${formatFields([["Path", o.path], ["Type", o.ref.type], ...Object.entries(o.info).map(([k, v]) => [label(k), display(k, v)] as const)])}`)
      .join("\n"),
  );
}
