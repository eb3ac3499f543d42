/**
 * A push tokenizer for the subset of XML that SOAP servers send: elements,
 * attributes, text, CDATA, comments and processing instructions. It refuses
 * DOCTYPE outright (so no entity expansion or external reads can happen) and
 * knows only the five predefined entities plus numeric character references.
 *
 * It works on strings, not bytes: V8's `indexOf`/`charCodeAt` over a flat
 * string are faster than any byte loop we can write in JS, and UTF-8 decoding
 * with `TextDecoder` is far cheaper than tokenizing. Chunks may split anywhere;
 * an incomplete tag is carried over, text is buffered until its `<` arrives.
 */
import { CodecError } from "../errors/codec.js";

export interface TokenHandler {
  /**
   * `attrs` holds `attrCount` name/value pairs and is reused between calls.
   * `localStart` is where the local part of `name` begins (after `prefix:`),
   * 0 when unprefixed: the scan finds the colon anyway, so handlers need not.
   */
  open(name: string, attrs: string[], attrCount: number, localStart: number): void;
  close(name: string): void;
  text(text: string): void;
  /**
   * Optional: an element with nothing but text inside, `<name attrs>text</name>`
   * or `<name attrs/>` (text ""), in one event instead of open, text and close.
   * Most elements of a SOAP answer are such leaves. Entities in `text` are
   * already decoded, as for `text`. Without it the tokenizer calls the three.
   */
  leaf?(name: string, attrs: string[], attrCount: number, localStart: number, text: string): void;
}

export class XmlTokenizer {
  private rest = "";
  /** Chunks appended to `rest` that hold no ">", joined when one that does arrives. */
  private readonly restParts: string[] = [];
  private textParts: string[] = [];
  private readonly stack: string[] = [];
  private readonly attrs: string[] = [];
  /** Stream offset of the first character of the buffer being scanned. */
  private base = 0;
  private tokenStart = 0;
  private sawRoot = false;
  private rootDone = false;
  /**
   * Index in the current buffer of the next "&" at or after the last text
   * searched (the buffer length when there is none): one search serves all the
   * text runs up to it, instead of one `indexOf` per text run.
   */
  private ampAt = -1;
  /** The handler takes leaf events (see TokenHandler.leaf). */
  private readonly leaves: boolean;

  constructor(
    private readonly handler: TokenHandler,
    private readonly maxDepth: number,
  ) {
    this.leaves = typeof handler.leaf === "function";
  }

  /** Character offset (in the decoded text) of the markup being handled. */
  get offset(): number {
    return this.tokenStart;
  }

  get depth(): number {
    return this.stack.length;
  }

  write(chunk: string): void {
    if (this.rest.length > 0 && chunk.indexOf(">") < 0) {
      // All markup ends in ">", so this chunk cannot complete the carried-over markup. Re-parsing it
      // anyway made a long tag (or comment) fed in small chunks cost time quadratic in its length.
      this.restParts.push(chunk);
      return;
    }
    const rest = this.restParts.length > 0 ? this.rest + this.restParts.join("") : this.rest;
    this.restParts.length = 0;
    // join, not "+": "+" makes a cons string, and charCodeAt/startsWith over a cons cost up to half again as much in the scan.
    const buf = rest.length > 0 ? [rest, chunk].join("") : chunk;
    const len = buf.length;
    this.ampAt = -1;
    let pos = 0;
    while (pos < len) {
      // SOAP has no whitespace between tags, so the next "<" is usually right here; indexOf costs a call.
      const lt = buf.charCodeAt(pos) === 60 ? pos : buf.indexOf("<", pos);
      if (lt < 0) {
        this.textParts.push(buf.slice(pos));
        pos = len;
        break;
      }
      if (lt > pos || this.textParts.length > 0) this.emitText(buf, pos, lt);
      this.tokenStart = this.base + lt;
      const end = this.markup(buf, lt, len);
      if (end < 0) {
        this.rest = buf.slice(lt);
        this.base += lt;
        return;
      }
      pos = end;
    }
    this.rest = "";
    this.base += len;
  }

  end(): void {
    this.tokenStart = this.base;
    if (this.rest.length > 0) {
      throw new CodecError("TSVMOMI_ERR_TRUNCATED", `document ends inside markup ${JSON.stringify(this.rest.slice(0, 40))}`, { offset: this.base });
    }
    const open = this.stack[this.stack.length - 1];
    if (open !== undefined) {
      throw new CodecError("TSVMOMI_ERR_TRUNCATED", `document ends before </${open}> (${this.stack.length} element(s) still open)`, { offset: this.base });
    }
    if (this.textParts.length > 0) this.checkOutsideText(this.textParts.join(""));
    this.textParts.length = 0;
    if (!this.sawRoot) throw new CodecError("TSVMOMI_ERR_NOT_XML", "document has no root element", { offset: this.base });
  }

  private emitText(buf: string, from: number, to: number): void {
    let text = buf.slice(from, to);
    const joined = this.textParts.length > 0;
    if (joined) {
      this.textParts.push(text);
      text = this.textParts.join("");
      this.textParts.length = 0;
    }
    if (this.stack.length === 0) {
      this.tokenStart = this.base + from;
      this.checkOutsideText(text);
      return;
    }
    const amp = joined ? text.indexOf("&") >= 0 : this.ampBefore(buf, from, to);
    if (amp) text = decodeEntities(text, this.base + from);
    this.handler.text(text);
  }

  /** Whether buf[from, to) holds an "&"; one search serves every text run up to the "&" it finds. */
  private ampBefore(buf: string, from: number, to: number): boolean {
    if (this.ampAt < from) {
      const at = buf.indexOf("&", from);
      this.ampAt = at < 0 ? buf.length : at;
    }
    return this.ampAt < to;
  }

  private checkOutsideText(text: string): void {
    if (/^[ \t\r\n\uFEFF]*$/.test(text)) return;
    if (!this.sawRoot) throw new CodecError("TSVMOMI_ERR_NOT_XML", "response is not XML (text before the first element)", { offset: this.tokenStart });
    throw new CodecError("TSVMOMI_ERR_MALFORMED_XML", "text after the root element", { offset: this.tokenStart });
  }

  /** Handles the markup starting at `lt`; returns the index after it, or -1 when the buffer ends first. */
  private markup(buf: string, lt: number, len: number): number {
    if (lt + 1 >= len) return -1;
    const c = buf.charCodeAt(lt + 1);
    if (c === 47 /* / */) return this.closeTag(buf, lt, len);
    if (c === 33 /* ! */) return this.bang(buf, lt, len);
    if (c === 63 /* ? */) {
      const end = buf.indexOf("?>", lt + 2);
      return end < 0 ? -1 : end + 2;
    }
    return this.openTag(buf, lt, len);
  }

  private closeTag(buf: string, lt: number, len: number): number {
    const stack = this.stack;
    const top = stack[stack.length - 1];
    if (top !== undefined) {
      const gt = lt + 2 + top.length;
      if (gt < len && buf.charCodeAt(gt) === 62 && holds(buf, lt + 2, top)) {
        stack.pop();
        this.handler.close(top);
        if (stack.length === 0) this.rootDone = true;
        return gt + 1;
      }
    }
    const g = buf.indexOf(">", lt + 2);
    if (g < 0) return -1;
    const name = buf.slice(lt + 2, g).trim();
    if (top === undefined) throw new CodecError("TSVMOMI_ERR_MALFORMED_XML", `closing tag </${name}> without an open element`, { offset: this.tokenStart });
    if (name !== top) throw new CodecError("TSVMOMI_ERR_MALFORMED_XML", `mismatched tag: expected </${top}>, found </${name}>`, { offset: this.tokenStart });
    stack.pop();
    this.handler.close(top);
    if (stack.length === 0) this.rootDone = true;
    return g + 1;
  }

  private bang(buf: string, lt: number, len: number): number {
    if (buf.startsWith("<!--", lt)) {
      const end = buf.indexOf("-->", lt + 4);
      return end < 0 ? -1 : end + 3;
    }
    if (buf.startsWith("<![CDATA[", lt)) {
      const end = buf.indexOf("]]>", lt + 9);
      if (end < 0) return -1;
      if (this.stack.length === 0) throw new CodecError("TSVMOMI_ERR_MALFORMED_XML", "CDATA outside the root element", { offset: this.tokenStart });
      this.handler.text(buf.slice(lt + 9, end));
      return end + 3;
    }
    if (len - lt < 9) {
      const head = buf.slice(lt);
      if ("<!--".startsWith(head) || "<![CDATA[".startsWith(head) || "<!DOCTYPE".startsWith(head)) return -1;
    }
    if (buf.startsWith("<!DOCTYPE", lt)) {
      throw new CodecError("TSVMOMI_ERR_DOCTYPE_FORBIDDEN", "DOCTYPE declarations are not allowed in SOAP messages (entity expansion is refused)", { offset: this.tokenStart });
    }
    throw new CodecError("TSVMOMI_ERR_MALFORMED_XML", `unexpected markup ${JSON.stringify(buf.slice(lt, lt + 12))}`, { offset: this.tokenStart });
  }

  private openTag(buf: string, lt: number, len: number): number {
    let i = lt + 1;
    let localStart = 0;
    for (; i < len; i++) {
      const ch = buf.charCodeAt(i);
      // Every character the scan stops or fails on is at most ">" (62); letters are above it, so most take one test.
      if (ch > 62) continue;
      if (ch === 62 || ch === 47 || ch === 32 || ch === 10 || ch === 13 || ch === 9) break;
      if (ch === 58 /* : */) {
        if (localStart === 0) localStart = i - lt;
      } else if (ch === 60 || ch === 61 || ch === 34 || ch === 39) return this.badName(buf, lt);
    }
    if (i >= len) return -1;
    if (i === lt + 1) return this.badName(buf, lt);
    const name = buf.slice(lt + 1, i);
    const attrs = this.attrs;
    let attrCount = 0;
    let selfClosing = false;
    for (;;) {
      let ch = charAt(buf, i, len);
      while (ch === 32 || ch === 10 || ch === 13 || ch === 9) ch = charAt(buf, ++i, len);
      if (i >= len) return -1;
      if (ch === 62) {
        i++;
        break;
      }
      if (ch === 47) {
        if (i + 1 >= len) return -1;
        if (buf.charCodeAt(i + 1) !== 62) throw new CodecError("TSVMOMI_ERR_MALFORMED_XML", `expected "/>" in <${name}>`, { offset: this.tokenStart });
        selfClosing = true;
        i += 2;
        break;
      }
      const nameStart = i;
      // biome-ignore lint/suspicious/noAssignInExpressions: the scan loop reads each character once, in its condition
      while (i < len && ((ch = buf.charCodeAt(i)) > 62 || (ch !== 61 && ch !== 32 && ch !== 10 && ch !== 13 && ch !== 9 && ch !== 62 && ch !== 47))) i++;
      if (i >= len) return -1;
      const attrName = buf.slice(nameStart, i);
      while (ch === 32 || ch === 10 || ch === 13 || ch === 9) ch = charAt(buf, ++i, len);
      if (i >= len) return -1;
      if (ch !== 61 || attrName.length === 0) throw new CodecError("TSVMOMI_ERR_MALFORMED_XML", `expected name="value" attribute in <${name}>`, { offset: this.tokenStart });
      ch = charAt(buf, ++i, len);
      while (ch === 32 || ch === 10 || ch === 13 || ch === 9) ch = charAt(buf, ++i, len);
      if (i >= len) return -1;
      if (ch !== 34 && ch !== 39) throw new CodecError("TSVMOMI_ERR_MALFORMED_XML", `attribute ${attrName} of <${name}> is not quoted`, { offset: this.tokenStart });
      // One pass finds the closing quote and notes "<" and "&": cheaper than three indexOf calls on values this short.
      let close = i + 1;
      let special = false;
      for (; close < len; close++) {
        const vc = buf.charCodeAt(close);
        if (vc > 60) continue;
        if (vc === ch) break;
        if (vc === 60 || vc === 38) special = true;
      }
      if (close >= len) return -1;
      let value = buf.slice(i + 1, close);
      if (special) {
        if (value.indexOf("<") >= 0) throw new CodecError("TSVMOMI_ERR_MALFORMED_XML", `"<" inside attribute ${attrName} of <${name}>`, { offset: this.tokenStart });
        value = decodeEntities(value, this.tokenStart);
      }
      attrs[attrCount * 2] = attrName;
      attrs[attrCount * 2 + 1] = value;
      attrCount++;
      i = close + 1;
      const after = charAt(buf, i, len);
      if (i < len && after !== 32 && after !== 10 && after !== 13 && after !== 9 && after !== 62 && after !== 47) {
        throw new CodecError("TSVMOMI_ERR_MALFORMED_XML", `expected whitespace after attribute ${attrName} of <${name}>`, { offset: this.tokenStart });
      }
    }
    const stack = this.stack;
    if (stack.length === 0) {
      if (this.rootDone) throw new CodecError("TSVMOMI_ERR_MALFORMED_XML", `second root element <${name}>`, { offset: this.tokenStart });
      this.sawRoot = true;
    }
    if (stack.length >= this.maxDepth) {
      throw new CodecError("TSVMOMI_ERR_TOO_DEEP", `elements nest deeper than ${this.maxDepth} levels`, { offset: this.tokenStart });
    }
    if (this.leaves && stack.length > 0) {
      if (selfClosing) {
        this.handler.leaf!(name, attrs, attrCount, localStart, "");
        return i;
      }
      // `<name>text</name>` in this buffer: one leaf event, and the close tag is matched here.
      const lt2 = buf.indexOf("<", i);
      if (lt2 >= 0 && charAt(buf, lt2 + 1, len) === 47 /* / */) {
        const gt = lt2 + 2 + name.length;
        if (gt < len && buf.charCodeAt(gt) === 62 && holds(buf, lt2 + 2, name)) {
          let text = lt2 > i ? buf.slice(i, lt2) : "";
          if (lt2 > i && this.ampBefore(buf, i, lt2)) text = decodeEntities(text, this.base + i);
          this.handler.leaf!(name, attrs, attrCount, localStart, text);
          return gt + 1;
        }
      }
    }
    stack.push(name);
    this.handler.open(name, attrs, attrCount, localStart);
    if (selfClosing) {
      stack.pop();
      this.handler.close(name);
      if (stack.length === 0) this.rootDone = true;
    }
    return i;
  }

  private badName(buf: string, lt: number): never {
    const what = this.sawRoot ? "TSVMOMI_ERR_MALFORMED_XML" : "TSVMOMI_ERR_NOT_XML";
    throw new CodecError(what, `expected an element name after "<", found ${JSON.stringify(buf.slice(lt, lt + 12))}`, { offset: this.tokenStart });
  }
}

/**
 * Whether `buf` holds `s` at `at` (the caller has checked that it fits): a
 * close tag against its open tag's name. A loop the optimiser inlines;
 * `startsWith` with a position was a builtin call per tag, 18 % of the
 * open-tag scan's time.
 */
function holds(buf: string, at: number, s: string): boolean {
  for (let k = 0; k < s.length; k++) if (buf.charCodeAt(at + k) !== s.charCodeAt(k)) return false;
  return true;
}

/**
 * `buf.charCodeAt(i)`, or -1 past the end. A chunk can end anywhere inside a
 * tag, and optimised code that reads past a string's end deoptimises (V8
 * "out of bounds"): each such read site cost the hot scan a bailout and a
 * recompile while a process decoded its first large answer.
 */
function charAt(buf: string, i: number, len: number): number {
  return i < len ? buf.charCodeAt(i) : -1;
}

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Replaces the predefined entities and character references; anything else is an error (there is no DTD to define it). */
export function decodeEntities(s: string, offset: number): string {
  let out = "";
  let last = 0;
  let amp = s.indexOf("&");
  while (amp >= 0) {
    const semi = s.indexOf(";", amp + 1);
    if (semi < 0 || semi - amp > 12) {
      throw new CodecError("TSVMOMI_ERR_MALFORMED_XML", `bare "&" in text (expected an entity like &amp;)`, { offset: offset + amp });
    }
    const ent = s.slice(amp + 1, semi);
    let rep = NAMED[ent];
    if (rep === undefined) {
      if (ent.charCodeAt(0) !== 35 /* # */) {
        throw new CodecError("TSVMOMI_ERR_UNKNOWN_ENTITY", `unknown entity &${ent}; (only the five XML entities and &#NN; are allowed)`, { offset: offset + amp });
      }
      const hex = ent.charCodeAt(1) === 120; /* x */
      const digits = ent.slice(hex ? 2 : 1);
      const cp = digits.length > 0 && (hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits) ? parseInt(digits, hex ? 16 : 10) : NaN;
      if (!isXmlChar(cp)) throw new CodecError("TSVMOMI_ERR_MALFORMED_XML", `invalid character reference &${ent};`, { offset: offset + amp });
      rep = String.fromCodePoint(cp);
    }
    out += s.slice(last, amp) + rep;
    last = semi + 1;
    amp = s.indexOf("&", last);
  }
  return out + s.slice(last);
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 9 || cp === 10 || cp === 13 || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
  );
}
