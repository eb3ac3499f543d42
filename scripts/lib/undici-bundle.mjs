// How the runtime's bundle (scripts/stage-packages.mjs) inlines the undici
// files it uses. Three of undici's imports are replaced, each because it makes
// every program load a Node builtin at start-up for something the runtime
// never does; together with inlining they cut ~30 ms from a one-shot command
// on the 2-core reference machine (docs/BENCHMARKS.md, CLI start-up):
//
// - `node:assert`: undici only calls `assert(value)`. The replacement checks
//   the value itself and loads the real module only to throw its error.
// - `node:http`: read once at load for `maxHeaderSize` (Node's default is
//   16 KiB unless --max-http-header-size is given, in which case the real
//   module answers) and for an `IncomingMessage` identity check in destroy(),
//   which only matters for request bodies the runtime never sends.
// - `./client-h2.js`, which loads `node:http2`: the runtime never sets
//   allowH2, so TLS offers only http/1.1 and the HTTP/2 client is unreachable.
//
// The build fails if undici's layout changes so that a replacement no longer
// applies, rather than silently shipping the full set.

const HEADER_SIZE_FLAG = "--max-http-header-size";

const REPLACEMENTS = [
  {
    spec: "node:assert",
    contents: `module.exports = function assert(value, message) { if (!value) require("node:assert")(value, message); };`,
  },
  {
    spec: "node:http",
    contents: [
      `const flagged = [...process.execArgv, ...String(process.env.NODE_OPTIONS ?? "").split(/\\s+/)].some((a) => a.startsWith(${JSON.stringify(HEADER_SIZE_FLAG)}));`,
      `module.exports = {`,
      `  get maxHeaderSize() { return flagged ? require("node:http").maxHeaderSize : 16384; },`,
      `  IncomingMessage: class IncomingMessageNotLoaded {},`,
      `};`,
    ].join("\n"),
  },
  {
    spec: "./client-h2.js",
    contents: `module.exports = function connectH2() { throw new Error("tsvmomi's bundled undici speaks HTTP/1.1 only"); };`,
  },
];

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** An esbuild plugin that applies REPLACEMENTS inside undici; `check()` throws unless each one was used. */
export function undiciStartupPlugin() {
  const used = new Map(REPLACEMENTS.map((r) => [r.spec, 0]));
  return {
    check() {
      const missing = [...used].filter(([, n]) => n === 0).map(([spec]) => spec);
      if (missing.length) throw new Error(`undici no longer imports ${missing.join(", ")} where the bundle expects it; review scripts/lib/undici-bundle.mjs`);
    },
    plugin: {
      name: "undici-startup",
      setup(build) {
        for (const r of REPLACEMENTS) {
          build.onResolve({ filter: new RegExp(`^${escapeRegExp(r.spec)}$`) }, (args) => {
            if (!/[\\/]node_modules[\\/]undici[\\/]/.test(args.importer)) return undefined;
            used.set(r.spec, used.get(r.spec) + 1);
            return { path: r.spec, namespace: "undici-replacement" };
          });
        }
        build.onLoad({ filter: /.*/, namespace: "undici-replacement" }, (args) => ({
          contents: REPLACEMENTS.find((r) => r.spec === args.path).contents,
          loader: "js",
        }));
      },
    },
  };
}
