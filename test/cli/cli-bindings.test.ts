/**
 * The command line names its release's generated folder in cli/bindings.ts
 * (literal specifiers, so the compiler types each lazily imported method
 * module and the packaging step can follow them); the fact itself is
 * DEFAULT_RELEASE in wsdl/manifest.ts. This keeps the two in step.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bindings, methods, pathsDir } from "../../cli/bindings.js";
import { DEFAULT_RELEASE } from "../../wsdl/manifest.js";

describe("cli/bindings.ts", () => {
  const folder = `generated/${DEFAULT_RELEASE.service}-${DEFAULT_RELEASE.release}/`;

  it("loads the default release named in wsdl/manifest.ts", () => {
    expect({ service: bindings.service, release: bindings.release }).toEqual(DEFAULT_RELEASE);
    expect(pathsDir.href).toContain(`/${folder}paths/`);
  });

  it("every lazily imported method module is the default release's, and loads", async () => {
    const source = readFileSync(new URL("../../cli/bindings.ts", import.meta.url), "utf8");
    const specifiers = [...source.matchAll(/(?:import\(|from )"(\.\.\/generated\/[^"]+)"/g)].map((m) => m[1]!);
    expect(specifiers.length).toBeGreaterThan(Object.keys(methods).length);
    for (const s of specifiers) expect(s, s).toMatch(new RegExp(`^\\.\\./${folder.replace(/[.]/g, "\\.")}`));
    for (const [type, load] of Object.entries(methods)) expect(Object.keys(await load()).length, type).toBeGreaterThan(0);
  });
});
