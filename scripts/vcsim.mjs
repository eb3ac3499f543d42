#!/usr/bin/env node
// `npm run vcsim -- [flags]`: builds test/vcsim if needed, then runs the
// simulator in the foreground with the given flags (see `-h`). Stops on
// Ctrl-C / SIGTERM, and the simulator also exits if this process dies.
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const binary = process.env.TSVMOMI_VCSIM_BIN ?? fileURLToPath(new URL("../test/vcsim/bin/vcsim", import.meta.url));

if (!process.env.TSVMOMI_VCSIM_BIN) {
  const build = spawnSync("sh", ["scripts/build-vcsim.sh"], { cwd: repoRoot, stdio: "inherit" });
  if (build.error) {
    console.error(`vcsim: cannot run scripts/build-vcsim.sh: ${build.error.message}`);
    process.exit(1);
  }
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const userArgs = process.argv.slice(2);
const child = spawn(binary, ["-exit-on-stdin-eof", ...userArgs], { stdio: ["pipe", "pipe", "inherit"] });
child.on("error", (err) => {
  console.error(`vcsim: cannot start ${binary}: ${err.message}`);
  process.exit(1);
});

const fields = new Map();
createInterface({ input: child.stdout }).on("line", (line) => {
  console.log(line);
  const eq = line.indexOf("=");
  if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  if (line !== "VCSIM_READY=1") return;
  const url = fields.get("VCSIM_URL");
  const customLogin = userArgs.some((a) => /^--?username(=|$)/.test(a));
  const tls = url?.startsWith("https:");
  console.error(
    [
      "",
      `vcsim is listening at ${url}`,
      customLogin ? "  login: the -username/-password you gave" : "  login: any non-empty user name and password, e.g. user / pass",
      tls ? `  TLS: self-signed; SHA-256 thumbprint ${fields.get("VCSIM_THUMBPRINT")}` : "",
      `  govc: GOVC_URL=${url}${customLogin ? "" : " GOVC_USERNAME=user GOVC_PASSWORD=pass"}${tls ? " GOVC_INSECURE=1" : ""}`,
      "Press Ctrl-C to stop.",
    ].filter(Boolean).join("\n"),
  );
});

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  // A signal we forwarded is a normal stop, not a failure.
  process.exit(code ?? (signal === "SIGINT" || signal === "SIGTERM" || signal === "SIGHUP" ? 0 : 1));
});
