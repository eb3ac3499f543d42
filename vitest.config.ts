import { availableParallelism } from "node:os";
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
/** test/generator files that belong to the integration tier only. */
const GENERATOR_INTEGRATION = [
  "all-releases", // generates and compiles every release: minutes
  "pack", // ts-morph compile + npm pack
  "cli", // runs the built CLI, packs
];
/**
 * test/generator files in both tiers: each walks every bundle of ../shared or damages real
 * files at many seeded offsets, and splits that list between the tiers (test/support/tier.ts).
 */
const GENERATOR_SPLIT = ["wsdl-reader", "typeinfo-reader", "vmodl-corrupt", "model"];
const generator = (names: readonly string[]) => names.map((n) => `test/generator/${n}.test.ts`);

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
          exclude: generator(GENERATOR_INTEGRATION),
          provide: { testTier: "unit" },
          testTimeout: 60_000,
          pool: "forks",
          // One process per core, each running many files. vitest's default on 2 cores is one
          // worker, and isolate starts a fresh process (and imports the bindings again) per file.
          // The unit files keep no state across files: no module mocks, and what a test changes
          // (an env var, a channel subscriber) it restores; a shuffled run passes.
          isolate: false,
          maxWorkers: Math.max(2, availableParallelism()),
          // Its own group, so that its worker count never has to match the integration tier's.
          sequence: { groupOrder: 0 },
          // Type tests: one mechanism, vitest's typecheck over test/types/*.test-d.ts, with a
          // tsconfig covering test/types and its imports (the whole repo is `npm run typecheck`).
          typecheck: { enabled: true, include: ["test/types/**/*.test-d.ts"], tsconfig: "./test/types/tsconfig.json" },
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: [
            ...UNIT.filter((g) => !g.startsWith("test/generator/")),
            `test/generator/!(${[...GENERATOR_INTEGRATION, ...GENERATOR_SPLIT].join("|")}).test.ts`,
            "**/node_modules/**",
          ],
          provide: { testTier: "integration" },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
