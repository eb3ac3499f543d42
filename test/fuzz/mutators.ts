/**
 * Seeded mutations of XML documents (and bytes) for the fuzz tests. Each
 * mutator is pure given the PRNG, so a failing input is reproduced from its
 * seed and index alone.
 */
import { seededRandom } from "../faults/fault-proxy.js";

export type Random = () => number;

/** The fault proxy's seeded mulberry32, so a seed means the same sequence in both tools. */
export const prng: (seed: number) => Random = seededRandom;

export const int = (r: Random, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Offsets of every `<` that opens an element (not `</`, `<?`, `<!`). */
function openTags(s: string): number[] {
  const out: number[] = [];
  for (let i = s.indexOf("<"); i >= 0; i = s.indexOf("<", i + 1)) {
    const c = s.charCodeAt(i + 1);
    if (c !== 0x2f && c !== 0x3f && c !== 0x21) out.push(i);
  }
  return out;
}

function randomOpenTag(r: Random, s: string): number {
  const tags = openTags(s);
  return tags.length ? pick(r, tags) : 0;
}

/** Offset just after a random `>` that is followed by text or another tag (inside the document). */
function randomContentPoint(r: Random, s: string): number {
  const first = s.indexOf(">", s.indexOf("Body"));
  const last = s.lastIndexOf("</");
  if (first < 0 || last <= first) return Math.floor(s.length / 2);
  for (let tries = 0; tries < 20; tries++) {
    const at = s.indexOf(">", int(r, first, last));
    if (at > 0 && at < last) return at + 1;
  }
  return first + 1;
}

const insert = (s: string, at: number, what: string) => s.slice(0, at) + what + s.slice(at);

export interface TextMutator {
  readonly name: string;
  /** Set when the output must be rejected, whatever else happens. */
  readonly mustFail?: boolean;
  /** The CodecError code the output must get when this mutator is applied alone. */
  readonly expectCode?: string;
  apply(r: Random, s: string, ctx: { sentinelPath: string }): string;
}

const DOCTYPE_ROOT = /^(\s*<\?xml[^>]*\?>)?/;
const withProlog = (s: string, prolog: string) => s.replace(DOCTYPE_ROOT, (m) => m + prolog);

export const textMutators: readonly TextMutator[] = [
  {
    name: "cut",
    mustFail: true,
    apply: (r, s) => s.slice(0, int(r, 0, Math.max(0, s.lastIndexOf("</") - 1))),
  },
  {
    name: "deep-nesting",
    mustFail: true,
    apply: (r, s) => {
      const n = int(r, 600, 20_000);
      const tag = pick(r, ["a", "x:y", "returnval", "val"]);
      return insert(s, randomContentPoint(r, s), `<${tag}>`.repeat(n) + `</${tag}>`.repeat(n));
    },
  },
  {
    name: "huge-text",
    apply: (r, s) => insert(s, randomContentPoint(r, s), pick(r, ["x", "9", " ", "&amp;"]).repeat(int(r, 1, 4) * 1024 * 1024 / 4)),
  },
  {
    name: "huge-attribute",
    apply: (r, s) => {
      const at = randomOpenTag(r, s);
      const end = s.indexOf(">", at);
      const nameEnd = s.slice(at).search(/[\s/>]/) + at;
      return insert(s, Math.min(nameEnd, end), ` big="${"v".repeat(int(r, 256, 2048) * 1024)}"`);
    },
  },
  {
    name: "many-attributes",
    apply: (r, s) => {
      const at = randomOpenTag(r, s);
      const nameEnd = s.slice(at).search(/[\s/>]/) + at;
      const n = int(r, 1_000, 30_000);
      let attrs = "";
      for (let i = 0; i < n; i++) attrs += ` a${i}="${i}"`;
      if (r() < 0.3) attrs += ' a0="dup"';
      return insert(s, nameEnd, attrs);
    },
  },
  {
    name: "doctype",
    mustFail: true,
    expectCode: "TSVMOMI_ERR_DOCTYPE_FORBIDDEN",
    apply: (r, s) => withProlog(s, pick(r, ["<!DOCTYPE soapenv:Envelope>", '<!DOCTYPE x PUBLIC "-//x//x" "http://127.0.0.1:1/x.dtd">', "<!DOCTYPE x [<!ELEMENT x ANY>]>"])),
  },
  {
    name: "billion-laughs",
    mustFail: true,
    expectCode: "TSVMOMI_ERR_DOCTYPE_FORBIDDEN",
    apply: (_r, s) => {
      let dtd = '<!DOCTYPE soapenv:Envelope [<!ENTITY lol0 "lol">';
      for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
      dtd += "]>";
      return withProlog(s, dtd).replace(/(<returnval[^>]*>)/, "$1&lol9;");
    },
  },
  {
    name: "xxe",
    mustFail: true,
    expectCode: "TSVMOMI_ERR_DOCTYPE_FORBIDDEN",
    apply: (r, s, ctx) => {
      const decl = pick(r, [
        `<!DOCTYPE r [<!ENTITY x SYSTEM "file://${ctx.sentinelPath}">]>`,
        `<!DOCTYPE r [<!ENTITY % p SYSTEM "file://${ctx.sentinelPath}"> %p;]>`,
        `<!DOCTYPE r SYSTEM "file://${ctx.sentinelPath}">`,
      ]);
      return withProlog(s, decl).replace(/(<returnval[^>]*>)/, "$1&x;");
    },
  },
  {
    name: "entity-without-doctype",
    apply: (r, s, ctx) =>
      insert(s, randomContentPoint(r, s), pick(r, ["&x;", "&lol9;", "&#xD800;", "&#1114112;", "&#x0;", "&#;", "&amp", "&#x41", `&${ctx.sentinelPath};`, "&#99999999999999999999;"])),
  },
  {
    name: "xsi-type-swap",
    apply: (r, s) => {
      const types = [...s.matchAll(/xsi:type="([^"]*)"/g)];
      if (types.length === 0) return s;
      const m = pick(r, types);
      const other = pick(r, ["xsd:int", "xsd:long", "xsd:dateTime", "xsd:base64Binary", "ArrayOfString", "ManagedObjectReference", "NoSuchType", "", "x:y:z", "VirtualMachineConfigInfo", "ArrayOfManagedObjectReference", "MethodFault"]);
      return `${s.slice(0, m.index)}xsi:type="${other}"${s.slice(m.index! + m[0].length)}`;
    },
  },
  {
    name: "tag-rename",
    apply: (r, s) => {
      const at = randomOpenTag(r, s);
      return s.slice(0, at + 1) + pick(r, ["zz", "soapenv:Fault", "returnval", "objects", "propSet", "val", "1bad", "a b"]) + s.slice(s.slice(at).search(/[\s/>]/) + at);
    },
  },
  {
    name: "duplicate-slice",
    apply: (r, s) => {
      const a = int(r, 0, s.length - 1);
      const b = Math.min(s.length, a + int(r, 1, 4096));
      return insert(s, int(r, 0, s.length), s.slice(a, b));
    },
  },
  {
    name: "junk-chars",
    apply: (r, s) => {
      let out = s;
      for (let i = int(r, 1, 6); i > 0; i--) out = insert(out, int(r, 0, out.length), pick(r, ["\u0000", "\uFFFE", "\uD800", "<", ">", "&", '"', "]]>", "<!--", "<![CDATA[", "<?pi x?>", "\u202E", "\r", "'"]));
      return out;
    },
  },
  {
    name: "number-values",
    apply: (r, s) =>
      s.replace(/>(-?\d+)</g, (m, _d: string) => (r() < 0.3 ? `>${pick(r, ["9".repeat(400), "-0", "NaN", "1e999", "0x10", "+5", " 7 ", "-9223372036854775809", "18446744073709551616", ""])}<` : m)),
  },
  {
    name: "namespace-games",
    apply: (r, s) =>
      pick(r, [
        () => s.replace(/xmlns:soapenv="[^"]*"/, 'xmlns:soapenv="urn:not-soap"'),
        () => s.replace(/soapenv:/g, ""),
        () => s.replace(/xmlns="urn:vim25"/, ""),
        () => s.replace(/xmlns:xsi="[^"]*"/g, ""),
        () => s.replace(/<soapenv:Body>/, "<soapenv:Body><soapenv:Body>"),
      ])(),
  },
  {
    name: "comments-cdata-pi",
    apply: (r, s) =>
      insert(s, randomContentPoint(r, s), pick(r, ["<!-- c -->", "<![CDATA[<returnval>]]>", "<?xml version='1.0'?>", "<!-- -- -->", "<![CDATA[", "<!---->", `<?pi ${"x".repeat(100_000)}?>`])),
  },
];

export interface ByteMutator {
  readonly name: string;
  apply(r: Random, b: Uint8Array): Uint8Array;
}

export const byteMutators: readonly ByteMutator[] = [
  {
    name: "byte-flips",
    apply: (r, b) => {
      const out = Uint8Array.from(b);
      for (let i = int(r, 1, 8); i > 0 && out.length; i--) out[int(r, 0, out.length - 1)]! ^= int(r, 1, 255);
      return out;
    },
  },
  {
    name: "byte-cut",
    apply: (r, b) => b.subarray(0, int(r, 0, b.length)),
  },
  {
    name: "byte-insert",
    apply: (r, b) => {
      const at = int(r, 0, b.length);
      const junk = new Uint8Array(int(r, 1, 64)).map(() => int(r, 0, 255));
      const out = new Uint8Array(b.length + junk.length);
      out.set(b.subarray(0, at));
      out.set(junk, at);
      out.set(b.subarray(at), at + junk.length);
      return out;
    },
  },
  {
    name: "byte-delete",
    apply: (r, b) => {
      const at = int(r, 0, b.length);
      return Buffer.concat([b.subarray(0, at), b.subarray(at + int(r, 1, 64))]);
    },
  },
];
