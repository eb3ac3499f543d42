// tsvmomi-gen's errors are a branch of the runtime's one family: same base and
// brand, codes from the one table (runtime/errors/codes.ts, docs/ERRORS.md),
// names and messages as each class words them. And the build can still read
// wsdl/manifest.ts before the runtime package is staged.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { CodecError, ErrorCode, TsvmomiError } from "../../runtime/errors/index.js";
import { UsageError } from "../../generator/cli/main.js";
import { OutputError } from "../../generator/cli/output-files.js";
import { GeneratorError } from "../../generator/errors.js";
import { FetchWsdlError } from "../../generator/fetch/fetch-wsdl.js";
import { readXmlInfo } from "../../generator/fetch/references.js";
import { ThumbprintError } from "../../generator/fetch/tls-agent.js";
import { CompileError } from "../../generator/pack/compile.js";
import { PackError } from "../../generator/pack/pack.js";
import { MarshalError } from "../../generator/vmodl/marshal.js";
import { TypeInfoModelError } from "../../generator/vmodl/pyvmomi/to-vmodl.js";
import { PySyntaxError } from "../../generator/vmodl/pyvmomi/tokenize.js";
import { TypeInfoError } from "../../generator/vmodl/pyvmomi/typeinfo.js";
import { VmodlError } from "../../generator/vmodl/vmodl-reader.js";
import { WsdlError } from "../../generator/wsdl-reader/errors.js";
import { NoWsdlError } from "../../wsdl/detect-entry.js";
import { ManifestError } from "../../wsdl/make-manifest.js";
import { BundleNotFoundError, NotABundleError, UnknownReleaseError } from "../../wsdl/resolve.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

// One instance of every class, as its thrower builds it, with the message it must keep.
const CASES: [TsvmomiError, string, string][] = [
  [new UsageError("Unknown argument: x"), ErrorCode.USAGE, "Unknown argument: x"],
  [new OutputError("--out a is not writable: a is not a directory"), ErrorCode.OUTPUT, "--out a is not writable: a is not a directory"],
  [new FetchWsdlError("--url x: expected an absolute http(s) URL"), ErrorCode.FETCH_WSDL, "--url x: expected an absolute http(s) URL"],
  [new ThumbprintError("TLS thumbprint mismatch for h:443"), ErrorCode.TLS, "TLS thumbprint mismatch for h:443"],
  [new CompileError("vim25/index.ts: error TS2304"), ErrorCode.PACK_COMPILE, "vim25/index.ts: error TS2304"],
  [new PackError("--version x: expected a semver version such as 0.1.0"), ErrorCode.PACK, "--version x: expected a semver version such as 0.1.0"],
  [new MarshalError("vmodl.db", 12, "expected a Hash"), ErrorCode.MARSHAL, "vmodl.db: byte offset 12: expected a Hash"],
  [new VmodlError("vmodl.db", "expected a String", "VirtualMachine.props[0]", 40), ErrorCode.VMODL, "vmodl.db: byte offset 40: entry VirtualMachine.props[0]: expected a String"],
  [new TypeInfoError("_typeinfo_core.py", "cannot read (ENOENT)"), ErrorCode.TYPEINFO, "_typeinfo_core.py: cannot read (ENOENT)"],
  [new PySyntaxError("_typeinfo_core.py", 3, 7, "unclosed ("), ErrorCode.PY_SYNTAX, "_typeinfo_core.py:3:7: unclosed ("],
  [new TypeInfoModelError("a.py: b names base C, which no file read declares"), ErrorCode.TYPEINFO_MODEL, "a.py: b names base C, which no file read declares"],
  [new WsdlError("vim.wsdl", "complexType Foo", 9, "expected a name attribute"), ErrorCode.WSDL, "vim.wsdl:9: complexType Foo: expected a name attribute"],
  [new NoWsdlError("dir", "no .wsdl file in this directory"), ErrorCode.NO_WSDL, "dir: no .wsdl file in this directory"],
  [new ManifestError("cannot list dir"), ErrorCode.MANIFEST, "cannot list dir"],
  [new BundleNotFoundError("no vim25-8.0.3", ["a", "b"], "pass --wsdl"), ErrorCode.BUNDLE_NOT_FOUND, "no vim25-8.0.3; looked in:\n  a\n  b\npass --wsdl"],
  [new UnknownReleaseError("vim25", "1.0", ["8.0.3"]), ErrorCode.UNKNOWN_RELEASE, 'unknown vim25 release "1.0"; known vim25 releases: 8.0.3'],
  [new NotABundleError("x: expected a directory or a .wsdl file"), ErrorCode.NOT_A_BUNDLE, "x: expected a directory or a .wsdl file"],
];

describe("tsvmomi-gen's errors", () => {
  it.each(CASES.map((c) => [c[0].constructor.name, ...c] as const))("%s: a GeneratorError, a TsvmomiError, its code and its message", (name, err, code, message) => {
    expect(err).toBeInstanceOf(GeneratorError);
    expect(err).toBeInstanceOf(TsvmomiError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
  });

  it("brand across copies: a generator error from a second copy of its module is still one", async () => {
    vi.resetModules();
    const dup = await import("../../generator/pack/pack.js");
    expect(dup.PackError).not.toBe(PackError);
    const foreign = new dup.PackError("x");
    expect(foreign).toBeInstanceOf(PackError);
    expect(foreign).toBeInstanceOf(GeneratorError);
    expect(foreign).not.toBeInstanceOf(CompileError);
  });

  it("a downloaded file that is not XML is the runtime's CodecError coded NOT_XML, naming the file", () => {
    const err = (() => {
      try {
        readXmlInfo("<html><body>login</body>", "https://h/sdk/vimService.wsdl");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CodecError);
    expect(err).toMatchObject({ code: ErrorCode.NOT_XML, message: expect.stringMatching(/^https:\/\/h\/sdk\/vimService\.wsdl: not well-formed XML/) });
  });

  it("no class in generator/ or wsdl/ extends plain Error, and no old-style code (TSVMOMI_ without ERR_) is left", () => {
    const offenders: string[] = [];
    for (const dir of ["generator", "wsdl"]) {
      for (const file of readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })) {
        if (!file.endsWith(".ts")) continue;
        const text = readFileSync(path.join(root, dir, file), "utf8");
        if (/\bextends Error\b/.test(text)) offenders.push(`${dir}/${file}: extends Error`);
        // A code literal on a line about `code` (environment variables such as TSVMOMI_SHARED are not codes).
        for (const m of text.matchAll(/\bcode\b.*["'`](TSVMOMI_(?!ERR_)[A-Z_]+)["'`]/g)) offenders.push(`${dir}/${file}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("wsdl/manifest.ts and what it imports never load the runtime (the build reads it before the runtime package is staged)", () => {
    const seen = new Set<string>();
    const bare: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)) {
        const spec = m[1]!;
        if (spec.startsWith(".")) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts")));
        else if (!spec.startsWith("node:")) bare.push(`${path.relative(root, file)}: ${spec}`);
      }
    };
    visit(path.join(root, "wsdl/manifest.ts"));
    expect(seen.size).toBeGreaterThan(1);
    expect(bare).toEqual([]);
  });
});
