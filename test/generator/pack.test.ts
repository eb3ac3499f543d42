import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "../../generator/pipeline.js";
import { packBindings, type PackResult } from "../../generator/pack/pack.js";
import { isSemver, makePackageJson, packageName } from "../../generator/pack/package-json.js";
import { compileBindings, CompileError } from "../../generator/pack/compile.js";
import { runtimePackage, runtimePeerRange } from "../../generator/package-info.js";
import { repoRoot, sharedDir } from "../../wsdl/paths.js";

const run = promisify(execFile);
const tsc = path.join(repoRoot(), "node_modules", "typescript", "bin", "tsc");
const NAME = "@tsvmomi/vim25-7.0.3";

const CONSUMER_OK = `
import type { VirtualMachineConfigSpec } from "${NAME}/types";
import { VirtualMachinePowerState } from "${NAME}/enums";
import { InvalidLogin, MethodFault } from "${NAME}/faults";
import { PowerOnVM_Task } from "${NAME}/methods/Unowned";
import type { MethodDescriptor, MoRef } from "${NAME}/core";

const spec: VirtualMachineConfigSpec = { name: "vm1", numCPUs: 2 };
const state: VirtualMachinePowerState = VirtualMachinePowerState.poweredOn;
type Params = NonNullable<(typeof PowerOnVM_Task)["__types"]>["params"];
const params: Params = { host: { type: "HostSystem", value: "host-1" } };
const d: MethodDescriptor<string, Params, MoRef> = PowerOnVM_Task;
const isFault = (e: unknown): e is InvalidLogin => e instanceof InvalidLogin;
const base: typeof MethodFault = InvalidLogin;
export { spec, state, params, d, isFault, base };
`;

// Each line must fail on its own: a wrong enum literal, a wrong field type, a wrong method param.
const CONSUMER_BAD = `
import type { VirtualMachineConfigSpec } from "${NAME}/types";
import type { VirtualMachinePowerState } from "${NAME}/enums";
import { PowerOnVM_Task } from "${NAME}/methods/Unowned";
type Params = NonNullable<(typeof PowerOnVM_Task)["__types"]>["params"];
export const state: VirtualMachinePowerState = "exploded";
export const spec: VirtualMachineConfigSpec = { _typeName: "VirtualMachineConfigSpec", numCPUs: "two" };
export const params: Params = { hots: { type: "HostSystem", value: "host-1" } };
`;

describe("pack vim25 7.0.3 (WSDL only) and consume it", () => {
  let work: string;
  let result: PackResult;
  let consumer: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "tsvmomi-pack-"));
    const model = await loadModel({ release: "7.0.3", vmodl: false });
    // The consumer's tsc (skipLibCheck off) checks the shipped declarations, so the pre-emit check is skipped here.
    result = await packBindings(model, { out: path.join(work, "out"), check: false });
    consumer = path.join(work, "consumer");
    mkdirSync(consumer);
    writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", lib: ["ES2023"], strict: true, noEmit: true, skipLibCheck: false, types: ["node"] },
        files: ["good.ts"],
      }),
    );
    const tsconfig = JSON.parse(readFileSync(path.join(consumer, "tsconfig.json"), "utf8"));
    writeFileSync(path.join(consumer, "tsconfig.bad.json"), JSON.stringify({ ...tsconfig, files: ["bad.ts"] }));
    writeFileSync(path.join(consumer, "good.ts"), CONSUMER_OK);
    writeFileSync(path.join(consumer, "bad.ts"), CONSUMER_BAD);
    // The bindings name the runtime as a peer; install its tarball beside them (needs `npm run build`).
    const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: path.join(repoRoot(), "packages", "tsvmomi") });
    const runtimeTarball = path.join(work, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
    // The runtime's declarations use Node's types (Buffer, node:tls, AsyncDisposable), as any Node library's do.
    const typesNode = (JSON.parse(readFileSync(path.join(repoRoot(), "node_modules", "@types", "node", "package.json"), "utf8")) as { version: string }).version;
    await run("npm", ["install", result.tarball, runtimeTarball, `@types/node@${typesNode}`, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: consumer });
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("writes a tarball named after the scoped package, with publint finding no errors", () => {
    expect(result.name).toBe(NAME);
    expect(path.basename(result.tarball)).toBe(`tsvmomi-vim25-7.0.3-${result.version}.tgz`);
    expect(result.lint?.skipped).toBeUndefined();
    expect(result.lint?.messages.filter((m) => m.type === "error")).toEqual([]);
  });

  it("has an ESM package.json with subpath exports and no side effects", () => {
    const pkg = JSON.parse(readFileSync(path.join(consumer, "node_modules", NAME, "package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: NAME, type: "module", sideEffects: false, types: "./dist/index.d.ts" });
    // The runtime's facts, read from its package.json, not restated.
    const runtime = runtimePackage();
    expect(pkg.peerDependencies).toEqual({ [runtime.name]: `^${runtime.version}` });
    expect(pkg.engines).toEqual({ node: runtime.node });
    expect(isSemver(pkg.version)).toBe(true);
    for (const k of [".", "./types", "./enums", "./faults", "./schemas", "./methods/*"]) expect(Object.keys(pkg.exports)).toContain(k);
    const readme = readFileSync(path.join(consumer, "node_modules", NAME, "README.md"), "utf8");
    // The entry file's checksum, computed here from the bundle itself.
    const entry = readFileSync(path.join(sharedDir(), "wsdl", "vim25-7.0.3", "vimService.wsdl"));
    expect(readme).toContain(createHash("sha256").update(entry).digest("hex"));
  });

  it("type-checks a consumer that imports types, an enum, a fault class and a method descriptor", async () => {
    await expect(run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: consumer })).resolves.toBeDefined();
  }, 60_000);

  it("rejects a consumer that misuses them, one error per misuse", async () => {
    const bad = await run(process.execPath, [tsc, "-p", "tsconfig.bad.json"], { cwd: consumer }).then(
      () => "compiled",
      (e: { stdout: string }) => e.stdout,
    );
    expect(bad).not.toBe("compiled");
    const lines = bad.split("\n").filter((l) => l.startsWith("bad.ts("));
    expect(lines.map((l) => l.match(/^bad\.ts\((\d+),/)?.[1])).toEqual(["6", "7", "8"]);
  }, 60_000);

  it("runs: the enum module loads in Node from the installed package", async () => {
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", `import { VirtualMachinePowerState as S } from "${NAME}/enums"; console.log(S.poweredOff);`], { cwd: consumer });
    expect(stdout.trim()).toBe("poweredOff");
  });
});

describe("package.json for a dependent service", () => {
  it("depends on the vim25 package of the same release and version", () => {
    const pkg = makePackageJson({
      service: "pbm",
      release: "9.1",
      version: "0.1.0",
      namespace: "urn:pbm",
      distFiles: ["index.js", "index.d.ts", "types.js", "types.d.ts", "methods/PbmServiceInstance.js"],
      dependsOn: { name: packageName("vim25", "9.1"), version: "0.1.0" },
      generator: { name: "tsvmomi-gen", version: "0.1.0" },
      runtime: { name: "tsvmomi", range: runtimePeerRange("0.4.2"), node: ">=20.19" },
    });
    expect(pkg.name).toBe("@tsvmomi/pbm-9.1");
    expect(pkg.dependencies).toEqual({ "@tsvmomi/vim25-9.1": "0.1.0" });
    expect(pkg.peerDependencies).toEqual({ tsvmomi: "^0.4.2" });
    expect(pkg.engines).toEqual({ node: ">=20.19" });
    expect(Object.keys(pkg.exports as object)).not.toContain("./paths/*");
  });

  it("accepts only semver versions", () => {
    expect(isSemver("0.1.0")).toBe(true);
    expect(isSemver("7.0.3-tsvmomi.0")).toBe(true);
    expect(isSemver("7.0.3.0")).toBe(false);
    expect(isSemver("9.1")).toBe(false);
  });
});

describe("compiling bindings that import the runtime package", () => {
  // Needs the runtime's declarations in packages/tsvmomi/dist (`npm run build`), as an installed generator finds them in node_modules/tsvmomi.
  const runtime = runtimePackage();
  const compile = (code: string) =>
    compileBindings(new Map([["index.ts", `import type { MoRef } from "${runtime.name}";\n${code}\n`]]), { packages: new Map([[runtime.name, runtime.dir]]) });

  it("type-checks against the runtime's own declarations", () => {
    const { files } = compile(`export const root: MoRef<"Folder"> = { type: "Folder", value: "group-d1" };`);
    expect(files.get("index.d.ts")).toContain(`from "${runtime.name}"`);
  });

  it("reports a misuse of a runtime type", () => {
    expect(() => compile(`export const root: MoRef<"Folder"> = { type: "Folder", value: 1 };`)).toThrow(CompileError);
  });
});
