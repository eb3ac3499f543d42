// The build's import check (scripts/lib/package-imports.mjs) on a hand-made
// package: it must catch an import that leaves the package and an undeclared
// dependency, and must not be fooled by comments or code held in strings.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badImports } from "../../scripts/lib/package-imports.mjs";

describe("the staged packages' import check", () => {
  let dir: string;
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "tsvmomi-imports-"));
    write("dist/index.js", `import { request } from "undici";\nimport { readFile } from "node:fs/promises";\nimport path from "path";\nexport * from "./codec/index.js";\n`);
    write("dist/index.d.ts", `export * from "./codec/index.js";\nexport type { Dispatcher } from "undici";\n`);
    write("dist/codec/index.js", `export const x = 1;\n`);
    write("dist/codec/index.d.ts", `export declare const x = 1;\n`);
    // Only the .d.ts exists for a types-only module.
    write("dist/types.d.ts", `import type { X } from "./codec/index.js";\nimport type { Y } from "./shapes.js";\n`);
    write("dist/shapes.d.ts", `export type Y = 1;\n`);
    write("dist/emit.js", `// import { no } from "fast-xml-parser";\nconst line = 'import { a } from "handlebars";';\nconst t = \`export * from "\${name}/types";\`;\n`);
    write("dist/leak.js", `import { XMLParser } from "fast-xml-parser";\nimport { main } from "../../generator/cli/main.js";\nimport "./missing.js";\nconst m = await import("yargs");\n`);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports each import that leaves the package or names an undeclared package, and nothing else", () => {
    expect(badImports(dir, { name: "tsvmomi", dependencies: { undici: "^7" } })).toEqual([
      `dist/leak.js: imports "fast-xml-parser", which tsvmomi's package.json does not declare`,
      `dist/leak.js: "../../generator/cli/main.js" is not a file inside the package`,
      `dist/leak.js: "./missing.js" is not a file inside the package`,
      `dist/leak.js: imports "yargs", which tsvmomi's package.json does not declare`,
    ]);
  });

  it("accepts declared dependencies and peers", () => {
    const problems = badImports(dir, { name: "x", dependencies: { undici: "^7", "fast-xml-parser": "^5" }, peerDependencies: { yargs: "*" } });
    expect(problems.filter((p) => p.includes("imports "))).toEqual([]);
  });
});
