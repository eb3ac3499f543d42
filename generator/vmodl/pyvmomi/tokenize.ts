/**
 * Tokenizer for the subset of Python that pyVmomi's generated `_typeinfo_*.py`
 * files use: names, strings (single, double and triple quoted, with the
 * r/u/b prefixes), integers and floats, brackets, `,` `.` `|` `=` `==` `!=`
 * `:` `-`, comments, implicit line joining inside brackets and backslash
 * continuations. Nothing is executed. Every token carries its 1-based line and
 * column, so each later error can say where it is.
 */

export type TokenKind = "name" | "string" | "number" | "op" | "newline" | "eof";

export interface Token {
  kind: TokenKind;
  /** Name text, the decoded string value, the number's source text, or the operator. */
  value: string;
  line: number;
  col: number;
  /** Whitespace before the first token of a logical line (0 elsewhere). */
  indent: number;
}

export class PySyntaxError extends Error {
  override name = "PySyntaxError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    /** What was wrong or expected, without the location prefix. */
    readonly detail: string,
  ) {
    super(`${file}:${line}:${col}: ${detail}`);
  }
}

const OPEN = new Set(["(", "[", "{"]);
const CLOSE: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
const TWO_CHAR_OPS = new Set(["==", "!="]);
const ONE_CHAR_OPS = new Set(["(", ")", "[", "]", "{", "}", ",", ".", "|", "=", ":", "-", "+"]);

const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;

export function tokenize(text: string, file: string): Token[] {
  return [...lex(text, file)];
}

/** Tokens one at a time, so a large file never holds all of them at once. */
export function* lex(text: string, file: string): Generator<Token, void, undefined> {
  let pending: Token | undefined;
  const tokens = {
    push: (t: Token) => {
      pending = t;
    },
  };
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  /** Open brackets with where they opened, for line joining and for the unclosed-bracket error. */
  const depth: { ch: string; line: number; col: number }[] = [];
  let atLineStart = true;
  let indent = 0;
  let measuredAt = -1;

  const fail: (detail: string, at?: number) => never = (detail, at = i) => {
    throw new PySyntaxError(file, line, at - lineStart + 1, detail);
  };
  const push = (kind: TokenKind, value: string, start: number, startLine = line, startLineStart = lineStart) => {
    tokens.push({ kind, value, line: startLine, col: start - startLineStart + 1, indent: atLineStart ? indent : 0 });
    atLineStart = false;
  };
  const newline = (len: number) => {
    i += len;
    line++;
    lineStart = i;
  };

  while (i < n) {
    if (pending) {
      yield pending;
      pending = undefined;
    }
    const c = text.charCodeAt(i);
    // Line start: measure indentation.
    if (atLineStart && measuredAt !== lineStart) {
      measuredAt = lineStart;
      let j = i;
      while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 12)) j++;
      indent = j - i;
      i = j;
      continue;
    }
    if (c === 32 || c === 9 || c === 12) {
      i++;
      continue;
    }
    if (c === 35 /* # */) {
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 10 || c === 13) {
      const len = c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      // A newline ends a logical line only outside brackets and after some token on it.
      if (depth.length === 0 && !atLineStart) tokens.push({ kind: "newline", value: "\n", line, col: i - lineStart + 1, indent: 0 });
      if (depth.length === 0) atLineStart = true;
      newline(len);
      continue;
    }
    if (c === 92 /* \ */) {
      const next = text.charCodeAt(i + 1);
      if (next === 10) newline(2);
      else if (next === 13) newline(text.charCodeAt(i + 2) === 10 ? 3 : 2);
      else fail("a backslash outside a string must end the line (line continuation)");
      continue;
    }
    if (isNameStart(c)) {
      const start = i;
      while (i < n && isNameChar(text.charCodeAt(i))) i++;
      const word = text.slice(start, i);
      const q = text.charCodeAt(i);
      if ((q === 34 || q === 39) && /^(r|u|b|br|rb)$/i.test(word)) {
        readString(start, /r/i.test(word));
        continue;
      }
      push("name", word, start);
      continue;
    }
    if (c === 34 || c === 39) {
      readString(i, false);
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      const start = i;
      if (c === 48 && /[xXoObB]/.test(text[i + 1] ?? "")) {
        i += 2;
        while (i < n && /[0-9a-fA-F_]/.test(text[i]!)) i++;
      } else {
        while (i < n && (isDigit(text.charCodeAt(i)) || text[i] === "_")) i++;
        if (text[i] === ".") {
          i++;
          while (i < n && isDigit(text.charCodeAt(i))) i++;
        }
        if (text[i] === "e" || text[i] === "E") {
          i++;
          if (text[i] === "+" || text[i] === "-") i++;
          if (!isDigit(text.charCodeAt(i))) fail("expected digits after the exponent of a number");
          while (i < n && isDigit(text.charCodeAt(i))) i++;
        }
      }
      if (i < n && isNameChar(text.charCodeAt(i))) fail(`unexpected character ${JSON.stringify(text[i])} in a number`);
      push("number", text.slice(start, i), start);
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      push("op", two, i);
      i += 2;
      continue;
    }
    const ch = text[i]!;
    if (ONE_CHAR_OPS.has(ch)) {
      if (OPEN.has(ch)) depth.push({ ch, line, col: i - lineStart + 1 });
      else if (CLOSE[ch]) {
        const open = depth.pop();
        if (!open) fail(`unmatched ${JSON.stringify(ch)}`);
        if (open.ch !== CLOSE[ch]) fail(`${JSON.stringify(ch)} does not close ${JSON.stringify(open.ch)} opened at line ${open.line}, column ${open.col}`);
      }
      push("op", ch, i);
      i++;
      continue;
    }
    fail(`unexpected character ${JSON.stringify(ch)}`);
  }
  if (pending) yield pending;
  const open = depth.pop();
  if (open) throw new PySyntaxError(file, open.line, open.col, `${JSON.stringify(open.ch)} is never closed (the file ends first)`);
  if (!atLineStart) yield { kind: "newline", value: "\n", line, col: i - lineStart + 1, indent: 0 };
  yield { kind: "eof", value: "", line, col: i - lineStart + 1, indent: 0 };

  function readString(start: number, raw: boolean): void {
    const startLine = line;
    const startLineStart = lineStart;
    while (text[i] !== '"' && text[i] !== "'") i++; // skip the prefix
    const quote = text[i]!;
    const triple = text.startsWith(quote.repeat(3), i);
    i += triple ? 3 : 1;
    let out = "";
    let chunk = i;
    for (;;) {
      if (i >= n) throw new PySyntaxError(file, startLine, start - startLineStart + 1, "string is never closed (the file ends first)");
      const ch = text[i]!;
      if (ch === quote && (!triple || text.startsWith(quote.repeat(3), i))) {
        out += text.slice(chunk, i);
        i += triple ? 3 : 1;
        break;
      }
      if (ch === "\n" || ch === "\r") {
        if (!triple) throw new PySyntaxError(file, startLine, start - startLineStart + 1, "string is not closed before the end of the line");
        out += text.slice(chunk, i);
        const len = ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
        out += "\n";
        newline(len);
        chunk = i;
        continue;
      }
      if (ch === "\\" && !raw) {
        out += text.slice(chunk, i);
        i++;
        out += readEscape();
        chunk = i;
        continue;
      }
      if (ch === "\\" && raw) {
        i += 2;
        continue;
      }
      i++;
    }
    push("string", out, start, startLine, startLineStart);
  }

  function readEscape(): string {
    const e = text[i];
    if (e === undefined) fail("string is never closed (the file ends first)");
    const simple: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "0": "\0" };
    if (e === "\n") {
      newline(1);
      return "";
    }
    if (e === "x" || e === "u" || e === "U") {
      const len = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = text.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) fail(`expected ${len} hex digits after \\${e}`, i - 1);
      i += 1 + len;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) fail(`\\${e}${hex} is not a Unicode code point`, i - 2 - len);
      return String.fromCodePoint(cp);
    }
    const s = simple[e!];
    i++;
    // Python keeps an unknown escape as written.
    return s ?? `\\${e}`;
  }
}
