// The completion scripts, run by real shells: bash completes commands,
// subcommands, flags and enumerated values from the generated function; zsh
// loads the same function through bashcompinit. No server is involved
// (inventory-path completion runs `tsvmomi ls`, covered by the ls tests).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { bashScript, zshScript } from "../../cli/completion.js";
import { cli } from "./run-cli.js";

function complete(words: string[]): string[] {
  const script = `${bashScript()}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}
_tsvmomi
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync("bash", ["--norc", "--noprofile", "-c", script], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bash failed (${r.status}): ${r.stderr}`);
  return r.stdout.split("\n").filter(Boolean).sort();
}

describe("bash completion", () => {
  it("completes command names, subcommands, flags and flag values", () => {
    expect(complete(["tsvmomi", "s"])).toEqual(["session", "snapshot"]);
    expect(complete(["tsvmomi", "snapshot", ""])).toEqual(["create", "remove", "revert", "tree"]);
    expect(complete(["tsvmomi", "find", "-ty"])).toEqual(["-type"]);
    expect(complete(["tsvmomi", "find", "-type", "d"])).toEqual(["datacenter", "datastore", "dc", "ds", "dvs"]);
    expect(complete(["tsvmomi", "power", "-o"])).toEqual(["-off", "-on"]);
  });

  it("is printed by `tsvmomi completion bash`, and bash parses both scripts' syntax", async () => {
    const r = await cli(["completion", "bash"], {});
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe(bashScript());
    expect(spawnSync("bash", ["-n", "-c", bashScript()]).status).toBe(0);
    expect((await cli(["completion", "fish"], {})).code).toBe(2);
  });
});

describe("zsh completion", () => {
  it("loads in zsh through bashcompinit and registers the function", () => {
    const probe = spawnSync("zsh", ["--version"], { encoding: "utf8" });
    if (probe.error) {
      // Without zsh on the machine the check is bash's syntax check of the same text.
      expect(spawnSync("bash", ["-n", "-c", zshScript().split("\n").filter((l) => !l.startsWith("autoload")).join("\n")]).status).toBe(0);
      return;
    }
    const r = spawnSync("zsh", ["-f", "-c", `${zshScript()}\nprint -r -- \${_comps[tsvmomi]}`], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("_bash_complete -F _tsvmomi");
  });
});
