/** What the figures were measured on: printed above every table. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { PYTHON } from "../workloads/clients.js";

function tryRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "not found";
  }
}

function debVersion(pkg: string): string {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: `${Version}` is dpkg-query's format syntax, for dpkg to expand
  return tryRun("dpkg-query", ["-W", "-f=${Version}", pkg]);
}

export function machineFacts(): Record<string, string> {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
  } catch {
    /* not Linux: keep os.cpus()'s name */
  }
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cpu: `${model} × ${cpus().length} (nproc ${tryRun("nproc", [])})`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    go: tryRun("go", ["env", "GOVERSION"]),
    python: tryRun(PYTHON, ["-c", "import sys; print(sys.version.split()[0])"]),
    govmomi: `${debVersion("golang-github-vmware-govmomi-dev")} (Debian golang-github-vmware-govmomi-dev)`,
    pyVmomi: `${debVersion("python3-pyvmomi")} (Debian python3-pyvmomi)`,
  };
}
