/**
 * The packages as a user gets them. `npm run pack:all` writes the tarballs; a
 * fresh project outside the repo installs only those (plus typescript and
 * @types/node, from the npm cache when there), type-checks a strict NodeNext
 * TypeScript consumer and runs a plain-JavaScript ESM consumer against vcsim.
 * The JS consumer uses try/finally, not `await using`, which Node 20 cannot parse.
 */
import { execFile } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { DEFAULT_RELEASE, releases } from "../../wsdl/manifest.js";
import { repoRoot, sharedDir } from "../../wsdl/paths.js";

const run = promisify(execFile);
const root = repoRoot();
const BINDINGS = `@tsvmomi/${DEFAULT_RELEASE.service}-${DEFAULT_RELEASE.release}`;

interface PackedPackage {
  name: string;
  version: string;
  file: string;
  publint: { type: string; text: string }[];
  attw: { entrypoints: string[]; problems: string[] };
}

const TS_CONSUMER = `
import { connect, retrieve, watch, waitForTask, type MoRef } from "tsvmomi";
import { schemas, faults, VirtualMachine } from "${BINDINGS}";

export async function powerOffFirst(url: string, thumbprint: string): Promise<string | undefined> {
  const client = await connect({ url, bindings: schemas, username: "user", password: "pass", thumbprint });
  try {
    const vms = await retrieve(client, { container: client.serviceContent.rootFolder, type: "VirtualMachine" }, ["name", "summary.runtime.powerState"]);
    const state: "poweredOn" | "poweredOff" | "suspended" | undefined = vms[0]?.["summary.runtime.powerState"];
    const name: string | undefined = vms[0]?.name;
    // @ts-expect-error: not a VirtualMachine property path
    await retrieve(client, { container: client.serviceContent.rootFolder, type: "VirtualMachine" }, ["summary.runtime.powerStat"]);
    const vm: MoRef<"VirtualMachine"> | undefined = vms[0]?.ref;
    if (!vm || state !== "poweredOn") return name;
    const task = await client.call(VirtualMachine.PowerOffVM_Task, vm, {});
    try {
      await waitForTask(client, task);
    } catch (err) {
      if (err instanceof faults.InvalidPowerState) return "already off";
      throw err;
    }
    const w = await watch(client, { from: { container: client.serviceContent.rootFolder }, type: "VirtualMachine", select: ["name"] });
    try {
      for await (const set of w) return set.kind;
    } finally {
      await w.close();
    }
    return name;
  } finally {
    await client.logout().catch(() => undefined);
    await client.close();
  }
}
`;

// Prints one JSON line: what it retrieved, powered off, and saw the watch report.
const JS_CONSUMER = `
import { connect, retrieve, watch, waitForTask } from "tsvmomi";
import { schemas, VirtualMachine } from "${BINDINGS}";

const [url, thumbprint] = process.argv.slice(2);
const client = await connect({ url, bindings: schemas, username: "user", password: "pass", thumbprint });
try {
  const root = client.serviceContent.rootFolder;
  const vms = await retrieve(client, { container: root, type: "VirtualMachine" }, ["name", "summary.runtime.powerState"]);
  const target = vms.find((vm) => vm["summary.runtime.powerState"] === "poweredOn");
  if (!target) throw new Error("no powered-on VM to power off");

  const w = await watch(client, { from: { container: root }, type: "VirtualMachine", select: ["name", "summary.runtime.powerState"] }, { maxWaitSeconds: 30 });
  try {
    const changes = w[Symbol.asyncIterator]();
    const initial = (await changes.next()).value;
    const task = await client.call(VirtualMachine.PowerOffVM_Task, target.ref, {});
    const info = await waitForTask(client, task);
    let seen;
    while (seen === undefined) {
      const next = await changes.next();
      if (next.done) throw new Error("the watch ended before reporting the power-off");
      const change = next.value.objects.find((o) => o.ref.value === target.ref.value && o.kind === "modify");
      if (change) seen = change.values["summary.runtime.powerState"];
    }
    console.log(JSON.stringify({
      retrieved: vms.map((vm) => ({ name: vm.name, power: vm["summary.runtime.powerState"] })),
      poweredOff: target.name,
      taskResult: info ?? null,
      initial: { kind: initial.kind, size: initial.cache.size },
      watched: seen,
    }));
  } finally {
    await w.close();
  }
} finally {
  await client.logout().catch((err) => console.error("logout failed:", err.message));
  await client.close();
}
`;

describe("the packed tarballs, installed into a fresh project", () => {
  let work: string;
  let out: string;
  let project: string;
  let packed: PackedPackage[];
  let sim: Vcsim | undefined;

  const installed = (name: string) => JSON.parse(readFileSync(path.join(project, "node_modules", name, "package.json"), "utf8"));

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "tsvmomi-install-"));
    out = path.join(work, "packages");
    project = path.join(work, "consumer");
    await run("npm", ["run", "pack:all", "--", "--out", out], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    packed = (JSON.parse(readFileSync(path.join(out, "pack-all.json"), "utf8")) as { packages: PackedPackage[] }).packages;

    mkdirSync(project);
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    // The compiler a user would add, at the repo's versions.
    const devVersion = (name: string) => (JSON.parse(readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    const tarballs = packed.map((p) => path.join(out, p.file));
    await run("npm", ["install", ...tarballs, `typescript@${devVersion("typescript")}`, `@types/node@${devVersion("@types/node")}`, "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: project,
    });
    writeFileSync(path.join(project, "consumer.ts"), TS_CONSUMER);
    writeFileSync(path.join(project, "consumer.mjs"), JS_CONSUMER);
    writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", lib: ["ES2023"], strict: true, noEmit: true, skipLibCheck: false, types: ["node"] },
        files: ["consumer.ts"],
      }),
    );
    sim = await startVcsim({});
  }, 600_000);

  afterAll(async () => {
    await sim?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("pack:all wrote the runtime, the generator and the default release's bindings, clean under publint and attw", () => {
    expect(packed.map((p) => p.name)).toEqual(["tsvmomi", "tsvmomi-gen", "tsvmomi-cli", BINDINGS]);
    expect(readdirSync(out).filter((f) => f.endsWith(".tgz")).sort()).toEqual(packed.map((p) => p.file).sort());
    for (const p of packed) {
      expect(p.publint.filter((m) => m.type !== "suggestion"), p.name).toEqual([]);
      expect(p.attw.problems, p.name).toEqual([]);
      // The command line is a bin only; every other package has a main entry point.
      if (p.name !== "tsvmomi-cli") expect(p.attw.entrypoints, p.name).toContain(".");
    }
  });

  it("installs with no link back to the repo", () => {
    for (const name of ["tsvmomi", "tsvmomi-gen", "tsvmomi-cli", BINDINGS]) {
      expect(lstatSync(path.join(project, "node_modules", name)).isSymbolicLink(), name).toBe(false);
    }
    const lock = readFileSync(path.join(project, "package-lock.json"), "utf8");
    expect(lock).not.toContain(root);
  });

  it("the runtime depends on undici alone; the bindings name it as a peer and share its engines", () => {
    const runtime = installed("tsvmomi");
    expect(Object.keys(runtime.dependencies)).toEqual(["undici"]);
    expect(runtime).toMatchObject({ type: "module", sideEffects: false });
    const bindings = installed(BINDINGS);
    expect(bindings.peerDependencies).toEqual({ tsvmomi: `^${runtime.version}` });
    expect(bindings.engines).toEqual(runtime.engines);
    const gen = installed("tsvmomi-gen");
    expect(gen.engines).toEqual(runtime.engines);
    expect(Object.keys(gen.dependencies).sort()).toEqual(["fast-xml-parser", "handlebars", "ts-morph", "tsvmomi", "undici", "yargs"]);
  });

  it("type-checks a strict NodeNext TypeScript consumer (a wrong property path is an error)", async () => {
    await expect(run(process.execPath, [path.join(project, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: project })).resolves.toBeDefined();
  }, 120_000);

  it("runs a plain-JavaScript consumer against vcsim: connect, retrieve, PowerOffVM_Task, waitForTask, watch", async () => {
    const { stdout } = await run(process.execPath, ["consumer.mjs", sim!.url, sim!.thumbprint], { cwd: project, timeout: 120_000 });
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
      retrieved: { name: string; power: string }[];
      poweredOff: string;
      taskResult: unknown;
      initial: { kind: string; size: number };
      watched: string;
    };
    // vcsim's default inventory: two VMs in the cluster's pool and two on the standalone host, all powered on.
    expect(result.retrieved).toHaveLength(4);
    for (const vm of result.retrieved) expect(vm).toEqual({ name: expect.any(String), power: "poweredOn" });
    expect(result.retrieved.map((vm) => vm.name)).toContain(result.poweredOff);
    expect(result.taskResult).toBeNull(); // PowerOffVM_Task has no result; a failed task would have thrown
    expect(result.initial).toEqual({ kind: "initial", size: 4 });
    expect(result.watched).toBe("poweredOff");
  }, 120_000);

  it("the command line is one self-contained CommonJS bundle with its method modules beside it", () => {
    const cli = installed("tsvmomi-cli");
    // The runtime is inlined (scripts/lib/cli-bundle.mjs): nothing to install beside it.
    expect(cli.dependencies ?? {}).toEqual({});
    expect(cli.bin).toEqual({ tsvmomi: "./bin/tsvmomi.cjs" });
    const dist = path.join(project, "node_modules", "tsvmomi-cli", "dist");
    expect(readdirSync(dist).sort()).toEqual(["THIRD-PARTY-NOTICES.md", "cli.cjs", "generated"]);
    const bundle = readFileSync(path.join(dist, "cli.cjs"), "utf8");
    // It imports nothing but Node's builtins and its method modules (TypeScript's scanner lists require() and
    // import() calls, and skips comments and strings); esbuild fails the build on import.meta in CommonJS.
    const imported = ts.preProcessFile(bundle, true, true).importedFiles.map((f) => f.fileName);
    expect(imported.filter((f) => !f.startsWith("node:") && !/^\.\/generated\/[\w.-]+\/methods\/\w+\.cjs$/.test(f))).toEqual([]);
    const methods = readdirSync(path.join(dist, "generated"), { recursive: true }).map(String).filter((f) => f.endsWith(".cjs"));
    expect(methods.length).toBeGreaterThan(100);
    expect(methods).toContain(path.join(`${DEFAULT_RELEASE.service}-${DEFAULT_RELEASE.release}`, "methods", "VirtualMachine.cjs"));
  });

  it("npx tsvmomi runs the installed command line against vcsim", async () => {
    const env = { ...process.env, TSVMOMI_URL: sim!.url, TSVMOMI_USERNAME: "user", TSVMOMI_PASSWORD: "pass", TSVMOMI_THUMBPRINT: sim!.thumbprint, HOME: work };
    const { stdout } = await run("npx", ["--no-install", "tsvmomi", "ls", "--json", "/DC0/vm"], { cwd: project, env });
    const listed = JSON.parse(stdout) as { objects: Array<{ name: string; ref: { type: string } }> };
    expect(listed.objects.map((o) => o.name)).toContain("DC0_H0_VM0");
    expect(listed.objects.every((o) => o.ref.type === "VirtualMachine")).toBe(true);
    // A command that loads a method module (dist/generated/…/methods/VirtualMachine.cjs), then `get` with its path check.
    const vm = "/DC0/vm/DC0_H0_VM1";
    await run("npx", ["--no-install", "tsvmomi", "power", "-suspend", vm], { cwd: project, env });
    const got = JSON.parse((await run("npx", ["--no-install", "tsvmomi", "get", "--json", vm, "runtime.powerState"], { cwd: project, env })).stdout) as { objects: Array<{ properties: Record<string, unknown> }> };
    expect(got.objects[0]?.properties["runtime.powerState"]).toBe("suspended");
    await run("npx", ["--no-install", "tsvmomi", "power", "-on", vm], { cwd: project, env });
    const typo = await run("npx", ["--no-install", "tsvmomi", "get", vm, "runtime.powerstate"], { cwd: project, env }).catch((e: { code?: number; stderr?: string }) => e);
    expect(typo).toMatchObject({ code: 2, stderr: expect.stringContaining('did you mean "runtime.powerState"?') });
  });

  it("npx tsvmomi-gen --version runs the installed generator", async () => {
    const { stdout } = await run("npx", ["--no-install", "tsvmomi-gen", "--version"], { cwd: project });
    expect(stdout.trim()).toBe(installed("tsvmomi-gen").version);
  });

  it("the installed generator generates from a WSDL bundle with its own templates", async () => {
    // The newest release that has a WSDL bundle (the default one may be generated from type info alone).
    const withWsdl = releases(DEFAULT_RELEASE.service).filter((r) => r.layout !== "typeinfo").at(-1)!;
    const bundle = path.join(sharedDir(), "wsdl", `${withWsdl.service}-${withWsdl.release}`);
    await run("npx", ["--no-install", "tsvmomi-gen", "generate", "--wsdl", bundle, "--no-vmodl", "--out", "src/vim25", "-q"], { cwd: project });
    const index = readFileSync(path.join(project, "src", "vim25", "index.ts"), "utf8");
    expect(index).toMatch(/^\/\/ .*tsvmomi-gen/m);
    expect(readdirSync(path.join(project, "src", "vim25"))).toEqual(expect.arrayContaining(["types.ts", "schemas.ts", "faults.ts", "methods"]));
  }, 120_000);
});
