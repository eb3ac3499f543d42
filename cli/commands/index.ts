/**
 * The command table: names, flags and help, without loading any command's
 * code. `main` imports only the module of the command it runs, so `about`
 * does not pay for `datastore upload`.
 */
import type { FlagSpec } from "../args.js";
import type { Run } from "../context.js";

/** What completion offers for a positional argument. */
export type ArgKind = "path" | "property" | "file" | "none";

export interface CommandDef {
  readonly name: string;
  readonly summary: string;
  /** After the command name: `PATH PROPERTY...`. */
  readonly usage: string;
  readonly flags?: readonly FlagSpec[];
  readonly minArgs?: number;
  readonly maxArgs?: number;
  readonly args?: ArgKind;
  /** False for commands that never talk to a server (completion). */
  readonly connects?: boolean;
  readonly load: () => Promise<{ run: Run }>;
}

const TYPE_VALUES = ["vm", "host", "ds", "datastore", "net", "network", "dvs", "cluster", "compute", "pool", "folder", "dc", "datacenter", "pod", "vapp"];

export const COMMANDS: readonly CommandDef[] = [
  { name: "about", summary: "the server's AboutInfo (no login needed)", usage: "", maxArgs: 0, load: () => import("./about.js") },
  {
    name: "ls",
    summary: "list an inventory folder (or any entity's children)",
    usage: "[PATH...]",
    args: "path",
    flags: [{ name: "l", type: "boolean", describe: "long listing: type and managed object reference too" }],
    load: () => import("./ls.js"),
  },
  {
    name: "find",
    summary: "find objects by type and name below a path",
    usage: "[PATH] [-type vm|host|ds|net|…] [-name GLOB]",
    args: "path",
    maxArgs: 1,
    flags: [
      { name: "type", type: "strings", arg: "KIND", values: TYPE_VALUES, describe: "object kind; repeatable" },
      { name: "name", type: "string", arg: "GLOB", describe: "name glob (* ? [abc])" },
      { name: "l", type: "boolean", describe: "show type and reference too" },
    ],
    load: () => import("./find.js"),
  },
  { name: "info", summary: "a summary of VMs, hosts, datastores and other entities", usage: "PATH...", args: "path", minArgs: 1, load: () => import("./info.js") },
  {
    name: "get",
    summary: "read properties, checked against the type's property paths",
    usage: "PATH PROPERTY...",
    args: "property",
    minArgs: 2,
    load: () => import("./get.js"),
  },
  {
    name: "power",
    summary: "power VMs on, off, reset, suspend or shut the guest down",
    usage: "-on|-off|-reset|-suspend|-shutdown PATH...",
    args: "path",
    minArgs: 1,
    flags: [
      { name: "on", type: "boolean", describe: "power on" },
      { name: "off", type: "boolean", describe: "power off (hard)" },
      { name: "reset", type: "boolean", describe: "reset (hard)" },
      { name: "suspend", type: "boolean", describe: "suspend" },
      { name: "shutdown", type: "boolean", alias: ["s"], describe: "guest OS shutdown (needs VMware Tools)" },
      { name: "force", type: "boolean", describe: "with -shutdown: power off when the guest cannot shut down" },
    ],
    load: () => import("./power.js"),
  },
  {
    name: "watch",
    summary: "print property changes as they arrive until Ctrl-C (or -n changes)",
    usage: "PATH PROPERTY...",
    args: "property",
    minArgs: 2,
    flags: [{ name: "n", type: "number", arg: "COUNT", describe: "stop after COUNT changes" }],
    load: () => import("./watch.js"),
  },
  {
    name: "events",
    summary: "recent events, newest last; -f follows new ones",
    usage: "[PATH...]",
    args: "path",
    flags: [
      { name: "f", type: "boolean", alias: ["follow"], describe: "follow: print new events until Ctrl-C" },
      { name: "n", type: "number", arg: "COUNT", describe: "at most COUNT events (default 25)" },
      { name: "type", type: "strings", arg: "EVENT", describe: "only these event types (VmPoweredOnEvent, …); repeatable" },
    ],
    load: () => import("./events.js"),
  },
  {
    name: "tasks",
    summary: "recent tasks; -f follows new ones",
    usage: "[PATH]",
    args: "path",
    maxArgs: 1,
    flags: [
      { name: "f", type: "boolean", alias: ["follow"], describe: "follow: print tasks as they start and finish until Ctrl-C" },
      { name: "n", type: "number", arg: "COUNT", describe: "at most COUNT tasks (default 25)" },
    ],
    load: () => import("./tasks.js"),
  },
  {
    name: "datastore ls",
    summary: "list files on a datastore",
    usage: "[-ds NAME] [PATH]",
    maxArgs: 1,
    flags: [
      { name: "ds", type: "string", arg: "NAME", describe: "datastore name or inventory path (env GOVC_DATASTORE)" },
      { name: "l", type: "boolean", describe: "long listing: size and modification time" },
      { name: "R", type: "boolean", describe: "recurse into folders" },
    ],
    load: () => import("./datastore.js"),
  },
  {
    name: "datastore upload",
    summary: "upload a local file to a datastore (HTTPS /folder, progress bar on a terminal)",
    usage: "[-ds NAME] LOCAL REMOTE",
    args: "file",
    minArgs: 2,
    maxArgs: 2,
    flags: [{ name: "ds", type: "string", arg: "NAME", describe: "datastore name or inventory path (env GOVC_DATASTORE)" }],
    load: () => import("./datastore.js"),
  },
  {
    name: "datastore download",
    summary: "download a datastore file (LOCAL - writes to stdout)",
    usage: "[-ds NAME] REMOTE LOCAL",
    args: "file",
    minArgs: 2,
    maxArgs: 2,
    flags: [{ name: "ds", type: "string", arg: "NAME", describe: "datastore name or inventory path (env GOVC_DATASTORE)" }],
    load: () => import("./datastore.js"),
  },
  {
    name: "snapshot create",
    summary: "take a snapshot of a VM",
    usage: "[-d TEXT] [-m] [-q] VM NAME",
    args: "path",
    minArgs: 2,
    maxArgs: 2,
    flags: [
      { name: "d", type: "string", arg: "TEXT", describe: "description" },
      { name: "m", type: "boolean", describe: "include memory (default false)" },
      { name: "q", type: "boolean", describe: "quiesce the guest file system" },
    ],
    load: () => import("./snapshot.js"),
  },
  {
    name: "snapshot revert",
    summary: "revert a VM to a snapshot (the current one without NAME)",
    usage: "[-s] VM [NAME]",
    args: "path",
    minArgs: 1,
    maxArgs: 2,
    flags: [{ name: "s", type: "boolean", describe: "suppress power on" }],
    load: () => import("./snapshot.js"),
  },
  {
    name: "snapshot remove",
    summary: "remove a snapshot (NAME, or * for all)",
    usage: "[-r] VM NAME",
    args: "path",
    minArgs: 2,
    maxArgs: 2,
    flags: [{ name: "r", type: "boolean", describe: "remove its children too" }],
    load: () => import("./snapshot.js"),
  },
  { name: "snapshot tree", summary: "a VM's snapshot tree", usage: "VM", args: "path", minArgs: 1, maxArgs: 1, load: () => import("./snapshot.js") },
  {
    name: "vm clone",
    summary: "clone a VM or template",
    usage: "-vm SOURCE [-folder PATH] [-pool PATH] [-host PATH] [-ds NAME] [-on] NAME",
    args: "path",
    minArgs: 1,
    maxArgs: 1,
    flags: [
      { name: "vm", type: "string", arg: "PATH", describe: "the VM or template to clone" },
      { name: "folder", type: "string", arg: "PATH", describe: "destination folder (default: the source's)" },
      { name: "pool", type: "string", arg: "PATH", describe: "destination resource pool" },
      { name: "host", type: "string", arg: "PATH", describe: "destination host" },
      { name: "ds", type: "string", arg: "NAME", describe: "destination datastore" },
      { name: "on", type: "boolean", describe: "power the clone on" },
      { name: "template", type: "boolean", describe: "mark the clone as a template" },
    ],
    load: () => import("./vm.js"),
  },
  {
    name: "vm reconfigure",
    summary: "change a VM's CPUs, memory, annotation or extraConfig",
    usage: "[-c CPUS] [-m MB] [-annotation TEXT] [-e KEY=VALUE]... VM",
    args: "path",
    minArgs: 1,
    maxArgs: 1,
    flags: [
      { name: "c", type: "number", arg: "CPUS", describe: "number of virtual CPUs" },
      { name: "m", type: "number", arg: "MB", describe: "memory in MB" },
      { name: "annotation", type: "string", arg: "TEXT", describe: "annotation (notes)" },
      { name: "e", type: "strings", arg: "KEY=VALUE", describe: "extraConfig entry; repeatable" },
    ],
    load: () => import("./vm.js"),
  },
  {
    name: "vm destroy",
    summary: "power off and delete VMs",
    usage: "VM...",
    args: "path",
    minArgs: 1,
    load: () => import("./vm.js"),
  },
  { name: "session login", summary: "log in and keep the session in the cache", usage: "", maxArgs: 0, load: () => import("./session.js") },
  { name: "session logout", summary: "end the cached session on the server", usage: "", maxArgs: 0, load: () => import("./session.js") },
  { name: "session ls", summary: "the server's sessions", usage: "", maxArgs: 0, load: () => import("./session.js") },
  {
    name: "completion",
    summary: "print a shell completion script (bash or zsh)",
    usage: "bash|zsh",
    minArgs: 1,
    maxArgs: 1,
    connects: false,
    load: () => import("./completion.js"),
  },
];

/** The command whose name is the longest prefix of `words` (`datastore ls x` → `datastore ls`); govc's `vm.clone` works too. */
export function lookup(words: readonly string[]): { def: CommandDef; used: number } | undefined {
  const expanded = words.length > 0 && words[0]!.includes(".") ? [...words[0]!.split("."), ...words.slice(1)] : [...words];
  const dotted = expanded.length - words.length;
  for (let n = Math.min(2, expanded.length); n > 0; n--) {
    const name = expanded.slice(0, n).join(" ");
    const def = COMMANDS.find((c) => c.name === name);
    if (def) return { def, used: n - dotted };
  }
  return undefined;
}
