/**
 * `tsvmomi session login|logout|ls`. The session cache is on by default, so
 * `login` leaves a session the next commands reuse without logging in again;
 * `logout` ends it on the server and drops it from the cache.
 */
import type { CommandContext } from "../context.js";
import { retrieveAny, type MoRef } from "tsvmomi";
import { cell, printJson, printTable } from "../output.js";

interface SessionLike {
  key: string;
  userName: string;
  fullName?: string;
  loginTime?: Date;
  lastActiveTime?: Date;
  ipAddress?: string;
  userAgent?: string;
}

export async function run(ctx: CommandContext): Promise<void> {
  const client = await ctx.client();
  const sub = ctx.command.split(" ")[1];
  if (sub === "login") {
    const s = client.userSession as SessionLike | undefined;
    const session = { userName: s?.userName, fullName: s?.fullName, loginTime: s?.loginTime };
    if (ctx.json) return printJson(ctx.io, { session });
    ctx.io.stdout.write(`logged in to ${client.url} as ${session.userName ?? "?"}\n`);
    return;
  }
  if (sub === "logout") {
    const userName = (client.userSession as SessionLike | undefined)?.userName;
    await client.logout({ signal: ctx.signal });
    if (ctx.json) return printJson(ctx.io, { loggedOut: true, userName });
    ctx.io.stdout.write(`logged out of ${client.url}\n`);
    return;
  }
  const sm = (client.serviceContent as { sessionManager?: MoRef }).sessionManager;
  if (!sm) throw new Error("session ls: the server's ServiceContent has no sessionManager");
  const [got] = await retrieveAny(client, [sm], ["sessionList", "currentSession"], { signal: ctx.signal });
  const current = (got?.currentSession as SessionLike | undefined)?.key;
  const sessions = ((got?.sessionList as SessionLike[] | undefined) ?? []).map((s) => ({
    key: s.key,
    userName: s.userName,
    ipAddress: s.ipAddress,
    userAgent: s.userAgent,
    loginTime: s.loginTime,
    lastActiveTime: s.lastActiveTime,
    current: s.key === current,
  }));
  if (ctx.json) return printJson(ctx.io, { sessions });
  printTable(
    ctx.io,
    sessions.map((s) => [`${s.current ? "*" : " "}${s.key}`, s.userName, cell(s.ipAddress), cell(s.loginTime), cell(s.lastActiveTime), cell(s.userAgent)]),
    [" KEY", "USER", "IP", "LOGIN", "LAST ACTIVE", "AGENT"],
  );
}
