/** `tsvmomi about`: the server's AboutInfo, read from the ServiceContent (no login). */
import type { CommandContext } from "../context.js";
import { formatFields, printJson } from "../output.js";

export async function run(ctx: CommandContext): Promise<void> {
  const client = await ctx.client({ login: false });
  const about = client.serviceContent.about as unknown as Record<string, unknown>;
  if (ctx.json) return printJson(ctx.io, { about, apiVersion: client.version });
  ctx.io.stdout.write(
    formatFields([
      ["FullName", String(about.fullName ?? "")],
      ["Name", String(about.name ?? "")],
      ["Vendor", String(about.vendor ?? "")],
      ["Version", String(about.version ?? "")],
      ["Build", String(about.build ?? "")],
      ["OS type", String(about.osType ?? "")],
      ["API type", String(about.apiType ?? "")],
      ["API version", String(about.apiVersion ?? "")],
      ["Product ID", String(about.productLineId ?? "")],
      ["UUID", String(about.instanceUuid ?? "")],
      ["Speaking", client.version],
    ]),
  );
}
