import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tiers. "unit" needs no network, no vcsim (Go), no apt and no packing: `npm run test:unit`,
// under a minute on a 2-core machine. "integration" is everything else: vcsim end to end,
// reliability and fuzz against vcsim, every release generated and compiled, the packed
// tarballs installed. `npm test` runs both.
const UNIT = [
  "test/runtime/**/*.test.ts",
  "test/wsdl/**/*.test.ts",
  "test/support/**/*.test.ts",
  "test/fuzz/tokenizer-chunking.test.ts",
  "test/generator/*.test.ts",
];
const NOT_UNIT = [
  "test/generator/all-releases.test.ts", // generates and compiles every release: minutes
  "test/generator/pack.test.ts", // ts-morph compile + npm pack
  "test/generator/cli.test.ts", // runs the built CLI, packs
];

const alias = [{ find: /^tsvmomi$/, replacement: fileURLToPath(new URL("./runtime/index.ts", import.meta.url)) }];

export default defineConfig({
  resolve: {
    // The runtime by its package name, from source (as tsconfig.json's `paths`): no build needed.
    alias,
  },
  test: {
    // vcsim-backed suites start a Go server; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: UNIT,
          exclude: NOT_UNIT,
          testTimeout: 60_000,
          pool: "forks",
          // Type tests: one mechanism, vitest's typecheck over test/types/*.test-d.ts.
          typecheck: { enabled: true, include: ["test/types/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: [...UNIT.filter((g) => !g.startsWith("test/generator/")), "test/generator/!(all-releases|pack|cli).test.ts", "**/node_modules/**"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
    ],
  },
});
