/**
 * Finds the top-level children of the first `returnval` element of a SOAP answer while its bytes
 * arrive, so the proxy can send a first page as soon as it has one, as vCenter does, instead of
 * waiting for vcsim's whole answer.
 *
 * It works on bytes: `<`, `>` and `/` are ASCII and never occur inside a multi-byte UTF-8
 * sequence, and the text the simulator writes escapes `<` and `>` in text and attribute values
 * (no CDATA, no comments in the body), so a depth-counting scan of tags is exact there, as
 * xml-slices.ts's is on text.
 */

export interface ChildRange {
  /** Local name (prefix dropped). */
  readonly name: string;
  /** Byte offsets in the whole answer: the element is bytes [start, end). */
  readonly start: number;
  readonly end: number;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;

function isNameEnd(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === SLASH || b === GT;
}

function localName(qname: string): string {
  const colon = qname.indexOf(":");
  return colon < 0 ? qname : qname.slice(colon + 1);
}

export class ReturnvalScanner {
  /** Byte offset right after `<returnval …>`; -1 until it was seen. */
  contentStart = -1;
  /** The end tags that close everything open at returnval's content, innermost first (`</returnval>…</soapenv:Envelope>`). */
  closers = "";
  /** Top-level children of returnval completed so far, in order. */
  readonly children: ChildRange[] = [];
  /** Set once `</returnval>` (or an empty `<returnval/>`) was read; later bytes are not scanned. */
  closed = false;

  private depth = 0;
  /** Depth at which returnval opened (elements open outside it); -1 before. */
  private returnvalDepth = -1;
  /** Qualified names of the elements open outside returnval, outermost first. */
  private readonly stack: string[] = [];
  private childStart = -1;
  private childName = "";
  /** A tag cut by a chunk boundary, from its `<`: scanned again with the next chunk. */
  private carry: Buffer | undefined;
  /** Offset in the answer of the next chunk's first byte. */
  private offset = 0;

  feed(chunk: Buffer): void {
    let buf = chunk;
    let base = this.offset;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      base -= this.carry.length;
      this.carry = undefined;
    }
    this.offset += chunk.length;
    let pos = 0;
    while (!this.closed) {
      const lt = buf.indexOf(LT, pos);
      if (lt < 0) return;
      const gt = buf.indexOf(GT, lt + 1);
      if (gt < 0) {
        this.carry = Buffer.from(buf.subarray(lt)); // a copy: the chunk's memory may be reused
        return;
      }
      this.tag(buf, lt, gt, base);
      pos = gt + 1;
    }
  }

  private name(buf: Buffer, from: number, gt: number): string {
    let end = from;
    while (end < gt && !isNameEnd(buf[end]!)) end++;
    return buf.toString("latin1", from, end); // element names are ASCII
  }

  private tag(buf: Buffer, lt: number, gt: number, base: number): void {
    const first = buf[lt + 1];
    if (first === 0x3f || first === 0x21) return; // <?xml …?>, <!-- … -->: not elements
    if (first === SLASH) {
      this.depth--;
      if (this.returnvalDepth < 0) this.stack.pop();
      else if (this.depth === this.returnvalDepth) this.closed = true;
      else if (this.depth === this.returnvalDepth + 1 && this.childStart >= 0) {
        this.children.push({ name: this.childName, start: this.childStart, end: base + gt + 1 });
        this.childStart = -1;
      }
      return;
    }
    const selfClosing = buf[gt - 1] === SLASH;
    if (this.returnvalDepth < 0) {
      const qname = this.name(buf, lt + 1, gt);
      if (localName(qname) === "returnval") {
        this.returnvalDepth = this.depth;
        this.contentStart = base + gt + 1;
        this.closers = [`</${qname}>`, ...[...this.stack].reverse().map((q) => `</${q}>`)].join("");
        if (selfClosing) {
          // `<returnval/>`: an answer with nothing in it; the closers stand in for its end tag.
          this.closed = true;
          return;
        }
      } else if (!selfClosing) this.stack.push(qname);
    } else if (this.depth === this.returnvalDepth + 1) {
      const name = localName(this.name(buf, lt + 1, gt));
      if (selfClosing) {
        this.children.push({ name, start: base + lt, end: base + gt + 1 });
        return;
      }
      this.childStart = base + lt;
      this.childName = name;
    }
    if (!selfClosing) this.depth++;
  }
}

/** An answer's bytes as they arrived, with ranges cut out of them (views when a range sits in one chunk). */
export class ChunkList {
  private readonly chunks: Buffer[] = [];
  private readonly starts: number[] = [];
  length = 0;
  /** Where the last range started looking: ranges are asked for in increasing order. */
  private hint = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.starts.push(this.length);
    this.length += chunk.length;
  }

  /** Bytes [start, end) of the answer so far. */
  range(start: number, end: number): Buffer {
    if (start < 0 || end > this.length || start > end) throw new RangeError(`chunk-list: range ${start}..${end} outside 0..${this.length}`);
    let i = this.starts[this.hint]! <= start ? this.hint : 0;
    while (i + 1 < this.starts.length && this.starts[i + 1]! <= start) i++;
    this.hint = i;
    const from = start - this.starts[i]!;
    const chunk = this.chunks[i]!;
    if (from + (end - start) <= chunk.length) return chunk.subarray(from, from + (end - start));
    const parts: Buffer[] = [chunk.subarray(from)];
    let got = chunk.length - from;
    for (let j = i + 1; got < end - start; j++) {
      const c = this.chunks[j]!;
      const take = Math.min(c.length, end - start - got);
      parts.push(c.subarray(0, take));
      got += take;
    }
    return Buffer.concat(parts);
  }

  all(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}
