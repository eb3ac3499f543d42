// How the command line's package (scripts/stage-packages.mjs) is built: the
// compiled CLI, the object/ helpers, the runtime and the undici files it uses
// in one CommonJS file, `dist/cli.cjs`, that the launcher loads through V8's
// code cache (packages/tsvmomi-cli/bin/tsvmomi.cjs). A one-shot command then
// starts without Node's ES module loader, without resolving and reading ~60
// files, and, from the second run on, without compiling what the cache holds
// (docs/BENCHMARKS.md, CLI start-up). The default release's method modules,
// 1.5 MB that most commands never load, stay separate CommonJS files beside it
// (dist/generated/<release>/methods/*.cjs), required on first use.
import path from "node:path";
import { readFileSync, readdirSync } from "node:fs";
import { build } from "esbuild";
import { undiciStartupPlugin } from "./undici-bundle.mjs";

/**
 * Builds `<outDir>/cli.cjs` and `<outDir>/<methodsRel>/*.cjs`.
 * `distDir` is the repo's tsc output (dist/); `methodsRel` the default release's
 * methods folder relative to it (generated/vim25-x.y.z/methods). Throws with
 * esbuild's messages; returns nothing.
 */
export async function buildCliBundle({ distDir, outDir, methodsRel, banner }) {
  const methodsDir = path.join(distDir, methodsRel);
  const undici = undiciStartupPlugin();
  const layout = {
    name: "cli-layout",
    setup(b) {
      // A method module becomes a require() of its CommonJS copy, found relative to cli.cjs.
      b.onResolve({ filter: /[\\/]methods[\\/]\w+\.js$/ }, (args) => {
        const target = path.resolve(args.resolveDir, args.path);
        if (path.dirname(target) !== methodsDir) return undefined;
        return { path: `./${path.relative(distDir, target).split(path.sep).join("/").replace(/\.js$/, ".cjs")}`, external: true };
      });
      // A module that locates files from its own URL (generated/default-lazy.js exports its folder) keeps doing
      // so from where the package's layout puts it, which mirrors dist/; CommonJS has no import.meta.
      b.onLoad({ filter: /\.js$/ }, (args) => {
        const text = readFileSync(args.path, "utf8");
        if (!text.includes("import.meta.url")) return undefined;
        const rel = path.relative(distDir, args.path).split(path.sep).join("/");
        return { contents: text.replaceAll("import.meta.url", `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${JSON.stringify(rel)})).href`), loader: "js" };
      });
    },
  };
  const common = { platform: "node", target: "node20", legalComments: "none", logLevel: "silent", charset: "ascii" };
  const result = await build({
    ...common,
    entryPoints: [path.join(distDir, "cli", "main.js")],
    outfile: path.join(outDir, "cli.cjs"),
    bundle: true,
    format: "cjs",
    // The runtime from its compiled modules, not through the tsvmomi package: one copy, inlined.
    alias: { tsvmomi: path.join(distDir, "runtime", "index.js") },
    // import() becomes require(): no ES module loader at run time, and the method modules are CommonJS too.
    supported: { "dynamic-import": false },
    plugins: [undici.plugin, layout],
    banner: { js: banner },
  });
  undici.check();
  const methods = readdirSync(methodsDir).filter((f) => f.endsWith(".js"));
  if (methods.length === 0) throw new Error(`${methodsRel}: no method modules to stage`);
  const perModule = await build({
    ...common,
    entryPoints: methods.map((f) => path.join(methodsDir, f)),
    outdir: path.join(outDir, methodsRel),
    outExtension: { ".js": ".cjs" },
    format: "cjs",
    // Each stays its own file; a type's module imports its base type's (VirtualMachine's, ManagedEntity's).
    bundle: true,
    plugins: [
      {
        name: "sibling-methods",
        setup(b) {
          b.onResolve({ filter: /^\.\/\w+\.js$/ }, (args) => (args.kind === "entry-point" ? undefined : { path: args.path.replace(/\.js$/, ".cjs"), external: true }));
        },
      },
    ],
  });
  return [...result.warnings, ...perModule.warnings];
}
