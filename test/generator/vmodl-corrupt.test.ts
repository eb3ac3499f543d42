import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MarshalError } from "../../generator/vmodl/marshal.js";
import { parseVmodl, VmodlError } from "../../generator/vmodl/vmodl-reader.js";
import { sharedDir } from "../../wsdl/paths.js";
import { describeOnce, itOnce, tierShare } from "../support/tier.js";

/**
 * Damaged copies of the real dbs, made in memory at run time (VMware's data
 * is never committed). Whatever the damage, the reader must end in a
 * MarshalError or VmodlError, or in a model: never a RangeError, TypeError or
 * a hang. 6.5 is the db written with object links, 7.0 the largest. The
 * seeded flips are split between the test tiers; the rest runs once, in the
 * unit tier (test/support/tier.ts).
 */
const load = (r: string) => readFileSync(path.join(sharedDir(), "vmodl", `vmodl-${r}.db`));

function outcome(bytes: Uint8Array, file = "damaged.db"): "ok" | MarshalError | VmodlError {
  try {
    parseVmodl(bytes, file);
    return "ok";
  } catch (e) {
    if (e instanceof MarshalError || e instanceof VmodlError) return e;
    throw e;
  }
}

/** Deterministic offsets spread over the file (an LCG, so failures reproduce). */
function offsets(len: number, n: number, seed: number): number[] {
  const out: number[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(x % len);
  }
  return out;
}

describe.each(["6.5", "7.0"])("vmodl-%s.db damaged", (release) => {
  const good = load(release);

  itOnce("every truncation is a MarshalError naming the file and an offset inside the cut", () => {
    const cuts = [0, 1, 2, 3, 4, 17, 1000, good.length >> 1, good.length - 2, good.length - 1, ...offsets(good.length, 6, 7)];
    for (const cut of cuts) {
      const r = outcome(good.subarray(0, cut));
      expect(r, `cut at ${cut}`).toBeInstanceOf(MarshalError);
      const e = r as MarshalError;
      expect(e.file).toBe("damaged.db");
      expect(e.offset).toBeLessThanOrEqual(cut);
      expect(e.message).toMatch(/unexpected end of stream|exceeds the \d+ bytes left/);
    }
  });

  it("flipped bytes end in a model or one of our errors", () => {
    let errors = 0;
    // 24 seeded flips per db, each a full parse: the unit tier runs the first 6, the
    // integration tier the other 18 (test/support/tier.ts).
    for (const at of tierShare(offsets(good.length, 24, release === "6.5" ? 11 : 13), (_at, i) => i < 6)) {
      const bad = Uint8Array.from(good);
      bad[at] = bad[at]! ^ 0xff;
      const r = outcome(bad);
      if (r !== "ok") errors++;
    }
    // Inverting a byte inside a name still decodes; most flips hit structure.
    expect(errors).toBeGreaterThan(0);
  });

  itOnce("a wrong version header is reported at offset 0", () => {
    const bad = Uint8Array.from(good);
    bad[1] = 9;
    const r = outcome(bad);
    expect(r).toBeInstanceOf(MarshalError);
    expect((r as MarshalError).offset).toBe(0);
    expect((r as MarshalError).message).toMatch(/version header 4\.8, found 4\.9/);
  });

  itOnce("an unknown tag in place of the top-level Hash", () => {
    const bad = Uint8Array.from(good);
    bad[2] = "Z".charCodeAt(0);
    expect((outcome(bad) as MarshalError).message).toMatch(/byte offset 2: unknown Marshal tag 'Z'/);
  });
});

describeOnce("structural damage that still decodes", () => {
  const good = load("7.0");
  const text = good.toString("latin1");

  it("props that are not an Array name the entry", () => {
    // An empty props Array `[` 0x00 turned into an empty binary String `"` 0x00 keeps the stream
    // aligned and, both taking an object slot, keeps later `@` links pointing where they did.
    const key = 'I"\x0aprops\x06;\x00T';
    const at = text.indexOf(`${key}[\x00`) + key.length;
    expect(at).toBeGreaterThan(key.length);
    const bad = Uint8Array.from(good);
    bad[at] = '"'.charCodeAt(0);
    const r = outcome(bad);
    expect(r).toBeInstanceOf(VmodlError);
    const e = r as VmodlError;
    expect(e.message).toMatch(/expected 'props' to be an Array, found a binary string of 0 bytes/);
    // The entry is the type whose description holds the damaged bytes: its name is the last
    // top-level key before them, i.e. the last string preceding a `{` hash with a "kind" key.
    const before = text.slice(0, at);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the pattern matches Ruby Marshal's binary length and type bytes
    const nameMatch = [...before.matchAll(/I"[\s\S]([A-Za-z0-9]+)\x06;\x00T\{[\x07-\x09](?:I"\x09kind|@)/g)].pop();
    expect(e.entry).toBe(nameMatch![1]);
    expect(e.offset).toBeLessThan(at);
  });

  it("a nil where a flag belongs names the member", () => {
    const key = 'I"\x10is-optional\x06;\x00T';
    const at = text.indexOf(`${key}T`) + key.length;
    const bad = Uint8Array.from(good);
    bad[at] = "0".charCodeAt(0);
    const e = outcome(bad) as VmodlError;
    expect(e).toBeInstanceOf(VmodlError);
    expect(e.entry).toMatch(/^\w+\.(props|methods\.\w+\.params)\[\d+\]$|^\w+\.methods\.\w+\.result$/);
    expect(e.message).toMatch(/'is-optional' to be true or false, found nil/);
  });

  it("an unexpected kind names the type", () => {
    const at = text.indexOf('I"\x09kind\x06;\x00TI"\x09enum') + 'I"\x09kind\x06;\x00TI"\x09'.length;
    const bad = Uint8Array.from(good);
    bad.set(Buffer.from("anum", "latin1"), at);
    const e = outcome(bad) as VmodlError;
    expect(e).toBeInstanceOf(VmodlError);
    expect(e.message).toMatch(/expected kind managed\/data\/enum\/fault, found "anum"/);
  });
});
