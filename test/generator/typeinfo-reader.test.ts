/**
 * pyVmomi's `_typeinfo_*.py` reader: the Python subset it parses, the errors
 * it gives (file, line, column, what was expected), damaged copies of the real
 * files (made in memory; VMware's data is never committed) and a user's
 * installed pyVmomi folder passed as --vmodl DIR. The seeded damages are split
 * between the test tiers; the rest runs once, in the unit tier
 * (test/support/tier.ts).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parsePython } from "../../generator/vmodl/pyvmomi/parse.js";
import { tokenize, PySyntaxError } from "../../generator/vmodl/pyvmomi/tokenize.js";
import { addTypeInfoFile, emptyTypeInfo, readTypeInfo, TypeInfoError, type TypeInfo } from "../../generator/vmodl/pyvmomi/typeinfo.js";
import { compareWire, typeInfoToVmodl, TypeInfoModelError, wireVersionOf } from "../../generator/vmodl/pyvmomi/to-vmodl.js";
import { loadModel } from "../../generator/pipeline.js";
import { summarize } from "../../generator/model/merge.js";
import { resolveVmodl, NotABundleError } from "../../wsdl/resolve.js";
import { sharedDir } from "../../wsdl/paths.js";
import { describeOnce, itOnce, tierShare } from "../support/tier.js";

const py803 = path.join(sharedDir(), "vmodl", "pyvmomi-8.0.3");
const py703 = path.join(sharedDir(), "vmodl", "pyvmomi-7.0.3");
const tmp = mkdtempSync(path.join(os.tmpdir(), "tsvmomi-typeinfo-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function parseError(text: string, file = "t.py"): PySyntaxError {
  const ti = emptyTypeInfo("x");
  try {
    addTypeInfoFile(ti, text, file);
  } catch (e) {
    if (e instanceof PySyntaxError) return e;
    throw e;
  }
  throw new Error("expected a PySyntaxError");
}

describeOnce("the Python subset", () => {
  it("tokenizes strings with escapes and prefixes, numbers, comments and continuations", () => {
    const toks = tokenize(`x = "a\\"b\\x41\\u00e9" 'c' r"\\d" # note\ny = (1,\n  2.5e1) \\\n  | 0x1F\n`, "t.py");
    expect(toks.filter((t) => t.kind !== "newline" && t.kind !== "eof").map((t) => t.value)).toEqual([
      "x", "=", 'a"bAé', "c", "\\d", "y", "=", "(", "1", ",", "2.5e1", ")", "|", "0x1F",
    ]);
    // The bracket joins lines; the backslash continues one: two logical lines.
    expect(toks.filter((t) => t.kind === "newline")).toHaveLength(2);
    expect(toks.find((t) => t.value === "2.5e1")).toMatchObject({ line: 3, col: 3 });
  });

  it("parses calls, one-element tuples, lists, attribute calls, | and ==", () => {
    const [a, b, c] = parsePython(`F(("x",), [1, -2,], None)\nv.Add("id")\nAddVersion("a" == V, A | B)\n`, "t.py");
    expect(a).toMatchObject({ kind: "expr", expr: { kind: "call", args: [{ kind: "tuple", items: [{ value: "x" }] }, { kind: "list", items: [{ value: 1 }, { kind: "neg" }] }, { kind: "name", name: "None" }] } });
    expect(b).toMatchObject({ expr: { callee: { kind: "attr", name: "Add", object: { name: "v" } } } });
    expect(c).toMatchObject({ expr: { args: [{ kind: "binop", op: "==" }, { kind: "binop", op: "|" }] } });
    // (x) is just x, not a tuple.
    expect(parsePython(`F(("x"))`, "t.py")[0]).toMatchObject({ expr: { args: [{ kind: "string", value: "x" }] } });
  });

  it("reads declarations: flags, privileges, faults, task results, versions and their lattice", () => {
    const ti = emptyTypeInfo("mem");
    addTypeInfoFile(
      ti,
      [
        'AddVersion("t.version.v1", "t", "1.0", 0, "t")',
        'AddVersion("t.version.v2", "t", "2.0.1.0", 0, "t")',
        'AddVersion("vmodl.version.version0", "", "", 0, "t")',
        'AddVersionParent("t.version.v2", "t.version.v1")',
        'AddVersionParent("t.version.v1", "vmodl.version.version0")',
        'CreateDataType("t.Spec", "TSpec", "vmodl.DynamicData", "t.version.v1", [("pw", "string", "t.version.v2", F_OPTIONAL | F_SECRET)])',
        'CreateManagedType("t.Thing", "TThing", "vmodl.ManagedObject", "t.version.v1", [("spec", "t.Spec", "t.version.v1", 0, "System.Read")],',
        '  [("make", "Make_Task", "t.version.v2", (("spec", "t.Spec", "t.version.v2", 0, "Thing.Make"),), (0, "t.Task", "t.Thing"), "Thing.Make", ["t.fault.Bad", ])])',
      ].join("\n"),
      "_typeinfo_t.py",
    );
    expect(ti.data["t.Spec"]!.fields[0]).toMatchObject({ name: "pw", flags: ["F_OPTIONAL", "F_SECRET"], version: "t.version.v2" });
    const m = ti.managed["t.Thing"]!.methods[0]!;
    expect(m).toMatchObject({ wsdlName: "Make_Task", privilege: "Thing.Make", faults: ["t.fault.Bad"], result: { type: "t.Task", taskResult: "t.Thing" } });
    expect(m.params[0]).toMatchObject({ privilege: "Thing.Make" });
    expect(ti.versions["t.version.v2"]!.parents).toEqual(["t.version.v1"]);
    // A core id with no wire version of its own takes the oldest version of the namespace that includes it.
    expect(wireVersionOf(ti, "vmodl.version.version0", "t")).toBe("1.0");
    expect(wireVersionOf(ti, "t.version.v2", "t")).toBe("2.0.1.0");
  });

  it("orders wire versions with letters in them", () => {
    const v = ["4.0", "2.5u2server", "2.5", "8.0.0.1", "2.5u2", "6.7.3", "7.0.0.0"].sort(compareWire);
    expect(v).toEqual(["2.5", "2.5u2", "2.5u2server", "4.0", "6.7.3", "7.0.0.0", "8.0.0.1"]);
  });
});

describeOnce("bad input names the file, line and column", () => {
  const cases: [string, string, RegExp][] = [
    ["unclosed call", 'AddVersion("a", "b", "c", 0\n', /^t\.py:1:11: "\(" is never closed/],
    ["unclosed string", 'AddVersion("a, "b")\n', /^t\.py:1:17: string is not closed before the end of the line/],
    ["wrong closer", 'F([1, 2)\n', /^t\.py:1:8: "\)" does not close "\[" opened at line 1, column 3/],
    ["stray character", "F(1) $\n", /^t\.py:1:6: unexpected character "\$"/],
    ["missing comma", 'F(1 2)\n', /^t\.py:1:5: expected ',' or '\)' in the argument list/],
    ["block statement", "if x:\n  F()\n", /^t\.py:1:1: a 'if' statement is outside the declaration subset/],
    ["indentation", 'AddVersion("v", "n", "1", 0, "n")\n  G()\n', /^t\.py:2:3: unexpected indentation/],
    ["unknown call", "CreateOtherType(1)\n", /^t\.py:1:1: unknown declaration CreateOtherType/],
    ["arity", 'CreateEnumType("a", "b", "c")\n', /^t\.py:1:1: CreateEnumType takes 4 arguments, found 3/],
    ["flag", 'AddVersion("v", "n", "1", 0, "n")\nCreateDataType("a", "A", "vmodl.DynamicData", "v", [("f", "int", "v", F_WHATEVER)])\n', /^t\.py:2:71: expected flags/],
    ["parent first", 'AddVersionParent("a", "b")\n', /^t\.py:1:1: AddVersionParent names a before any AddVersion/],
    ["string where a list goes", 'CreateEnumType("a", "A", "v", "x")\n', /^t\.py:1:31: expected the value list as a list or tuple, found string "x"/],
    ["bad escape", 'F("\\x4")\n', /^t\.py:1:4: expected 2 hex digits after \\x/],
  ];
  it.each(cases)("%s", (_name, text, re) => {
    expect(parseError(text).message).toMatch(re);
  });

  it("a type naming an undeclared type is a model error naming where", () => {
    const ti = emptyTypeInfo("mem");
    addTypeInfoFile(ti, 'AddVersion("v", "vim25", "1.0", 0, "vim25")\nCreateDataType("vmodl.DynamicData", "DynamicData", "vmodl.DataObject", "v", None)\nCreateDataType("a", "A", "vmodl.DynamicData", "v", [("f", "nope.Type", "v", 0)])\n', "_typeinfo_core.py");
    expect(() => typeInfoToVmodl(ti, "vim25")).toThrow(TypeInfoModelError);
    expect(() => typeInfoToVmodl(ti, "vim25")).toThrow(/_typeinfo_core\.py:3:53: f has type nope\.Type, which no file read declares/);
  });
});

/** Deterministic offsets spread over the text (an LCG, so failures reproduce). */
function offsets(len: number, n: number, seed: number): number[] {
  const out: number[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(x % len);
  }
  return out;
}

describe("damaged copies of the real files", () => {
  const core = readFileSync(path.join(py803, "_typeinfo_core.py"), "utf8");
  const query = readFileSync(path.join(py803, "_typeinfo_query.py"), "utf8");
  const vim = readFileSync(path.join(py803, "_typeinfo_vim.py"), "utf8");

  function outcome(vimText: string): "ok" | Error {
    const ti: TypeInfo = emptyTypeInfo("damaged");
    try {
      addTypeInfoFile(ti, core, "_typeinfo_core.py");
      addTypeInfoFile(ti, query, "_typeinfo_query.py");
      addTypeInfoFile(ti, vimText, "_typeinfo_vim.py");
      typeInfoToVmodl(ti, "vim25");
      return "ok";
    } catch (e) {
      if (e instanceof PySyntaxError || e instanceof TypeInfoModelError) return e;
      throw e;
    }
  }

  itOnce("every truncation ends in a model or an error located inside the cut", () => {
    for (const cut of [1, 10, 500, vim.length >> 1, vim.length - 3, ...offsets(vim.length, 10, 7)]) {
      const text = vim.slice(0, cut);
      const r = outcome(text);
      if (r === "ok") continue;
      const lines = text.split("\n").length;
      if (r instanceof PySyntaxError) {
        expect(r.file).toBe("_typeinfo_vim.py");
        expect(r.line, `cut at ${cut}`).toBeLessThanOrEqual(lines);
      }
    }
  });

  it("flipped and replaced characters end in a model or one of our errors", () => {
    // 40 seeded damages, each a full parse of the 1.3 MB file: the unit tier runs the first 10,
    // the integration tier the other 30 (test/support/tier.ts).
    const damages = tierShare(
      offsets(vim.length, 40, 13).map((at, i) => ({ at, ch: [")", "(", '"', "[", "\\", "#", "x", "\n"][i % 8]! })),
      (_d, i) => i < 10,
    );
    let errors = 0;
    for (const { at, ch } of damages) {
      const r = outcome(vim.slice(0, at) + ch + vim.slice(at + 1));
      if (r !== "ok") {
        errors++;
        expect(r.message, `${JSON.stringify(ch)} at ${at}`).toMatch(/^_typeinfo_vim\.py:\d+:\d+: /);
      }
    }
    // Most damage breaks the syntax or the model; a few land in a string or a comment.
    expect(errors).toBeGreaterThan(damages.length / 2);
  });
});

describeOnce("an installed pyVmomi folder as --vmodl DIR", () => {
  it("reads only the _typeinfo_*.py files it needs among others, and merges like ../shared's copy", async () => {
    const site = path.join(tmp, "site-packages", "pyVmomi");
    mkdirSync(site, { recursive: true });
    for (const f of ["_typeinfo_core.py", "_typeinfo_query.py", "_typeinfo_vim.py", "_typeinfo_pbm.py"]) copyFileSync(path.join(py703, f), path.join(site, f));
    // What else a pip install holds: Python the reader must not touch.
    writeFileSync(path.join(site, "VmomiSupport.py"), "def CreateDataType(*a):\n    pass\n");
    writeFileSync(path.join(site, "__init__.py"), "import sys\nif True:\n    pass\n");
    const found = await resolveVmodl({ vmodl: site });
    expect(found).toMatchObject({ kind: "typeinfo", source: "flag" });
    const mine = await loadModel({ release: "7.0.3", vmodl: site });
    const shared = await loadModel({ release: "7.0.3" });
    expect(summarize(mine)).toEqual(summarize(shared));
    expect(mine.methods.CloneVM_Task!.taskResult).toEqual({ type: "VirtualMachine", isArray: false });
  });

  it("a folder without type info, or missing a file the service needs, is a clear error", async () => {
    const empty = path.join(tmp, "empty");
    mkdirSync(empty, { recursive: true });
    await expect(resolveVmodl({ vmodl: empty })).rejects.toBeInstanceOf(NotABundleError);
    await expect(resolveVmodl({ vmodl: empty })).rejects.toThrow(/pyVmomi folder with _typeinfo_\*\.py files/);
    const partial = path.join(tmp, "partial");
    mkdirSync(partial, { recursive: true });
    copyFileSync(path.join(py703, "_typeinfo_core.py"), path.join(partial, "_typeinfo_core.py"));
    await expect(readTypeInfo(partial, "vim25")).rejects.toBeInstanceOf(TypeInfoError);
    await expect(readTypeInfo(partial, "vim25")).rejects.toThrow(/missing _typeinfo_query\.py, _typeinfo_vim\.py/);
    await expect(readTypeInfo(py703, "vslm")).rejects.toThrow(/missing _typeinfo_vslm\.py/);
  });
});
