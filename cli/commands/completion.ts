/** `tsvmomi completion bash|zsh`: print the completion script (eval it, or save it where your shell loads completions). */
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";

export async function run(ctx: CommandContext): Promise<void> {
  const { bashScript, zshScript } = await import("../completion.js");
  const shell = ctx.args[0];
  if (shell === "bash") ctx.io.stdout.write(bashScript());
  else if (shell === "zsh") ctx.io.stdout.write(zshScript());
  else throw new UsageError(`completion: expected bash or zsh, got ${JSON.stringify(shell)}`, "completion");
}
