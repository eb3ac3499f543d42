/**
 * Parser for the statements of pyVmomi's `_typeinfo_*.py`: imports (read and
 * ignored), `NAME = expr` assignments and expression statements (the
 * declaration calls). Expressions: calls with positional and keyword
 * arguments, attribute access, tuples, lists, strings (adjacent ones joined),
 * numbers, `-x`, `a | b` and `a == b`. Block statements (`if`, `def`, `try`,
 * …) and indentation are outside the subset and are reported as such, with
 * the file, line and column.
 */
import { lex, PySyntaxError, type Token } from "./tokenize.js";

export interface Pos {
  line: number;
  col: number;
}

export type PyExpr =
  | ({ kind: "name"; name: string } & Pos)
  | ({ kind: "attr"; object: PyExpr; name: string } & Pos)
  | ({ kind: "string"; value: string } & Pos)
  | ({ kind: "number"; value: number; text: string } & Pos)
  | ({ kind: "tuple"; items: PyExpr[] } & Pos)
  | ({ kind: "list"; items: PyExpr[] } & Pos)
  | ({ kind: "call"; callee: PyExpr; args: PyExpr[]; kwargs: { name: string; value: PyExpr }[] } & Pos)
  | ({ kind: "binop"; op: "|" | "==" | "!=" | "-" | "+"; left: PyExpr; right: PyExpr } & Pos)
  | ({ kind: "neg"; operand: PyExpr } & Pos);

export type PyStmt =
  | ({ kind: "import"; module: string; names: string[] } & Pos)
  | ({ kind: "assign"; target: string; value: PyExpr } & Pos)
  | ({ kind: "expr"; expr: PyExpr } & Pos);

const BLOCK_KEYWORDS = new Set(["if", "elif", "else", "for", "while", "def", "class", "try", "except", "finally", "with", "return", "lambda", "global", "del", "pass", "raise", "assert", "yield"]);

export function parsePython(text: string, file: string): PyStmt[] {
  return [...parseStatements(text, file)];
}

/** Statements one at a time: the caller handles each before the next is parsed. */
export function* parseStatements(text: string, file: string): Generator<PyStmt, void, undefined> {
  yield* new Parser(lex(text, file), file).statements();
}

/** `foo.bar.Baz` for a name/attribute chain, else undefined. */
export function dottedName(e: PyExpr): string | undefined {
  if (e.kind === "name") return e.name;
  if (e.kind === "attr") {
    const left = dottedName(e.object);
    return left === undefined ? undefined : `${left}.${e.name}`;
  }
  return undefined;
}

/**
 * A window over the token stream: `toks[i]` is the current token, `toks[i + 1]`
 * the one after; consumed tokens are dropped between statements.
 */
class Parser {
  private i = 0;
  private toks: Token[] = [];
  constructor(
    private readonly source: Iterator<Token, void>,
    private readonly file: string,
  ) {
    this.fill(2);
  }

  private fill(ahead: number): void {
    while (this.toks.length < this.i + ahead) {
      const r = this.source.next();
      if (r.done) {
        const last = this.toks.at(-1);
        this.toks.push(last?.kind === "eof" ? last : { kind: "eof", value: "", line: last?.line ?? 1, col: last?.col ?? 1, indent: 0 });
      } else this.toks.push(r.value);
    }
  }

  private get tok(): Token {
    return this.toks[this.i]!;
  }

  private advance(): Token {
    const t = this.toks[this.i++]!;
    this.fill(2);
    return t;
  }

  private fail(detail: string, at: Pos = this.tok): never {
    throw new PySyntaxError(this.file, at.line, at.col, detail);
  }

  private describe(t: Token): string {
    if (t.kind === "eof") return "the end of the file";
    if (t.kind === "newline") return "the end of the line";
    if (t.kind === "string") return `string ${JSON.stringify(t.value.length > 30 ? `${t.value.slice(0, 30)}…` : t.value)}`;
    return `${JSON.stringify(t.value)}`;
  }

  private isOp(v: string): boolean {
    return this.tok.kind === "op" && this.tok.value === v;
  }

  private expectOp(v: string, what: string): Token {
    if (!this.isOp(v)) this.fail(`expected ${JSON.stringify(v)} ${what}, found ${this.describe(this.tok)}`);
    return this.advance();
  }

  private expectName(what: string): Token {
    if (this.tok.kind !== "name") this.fail(`expected ${what}, found ${this.describe(this.tok)}`);
    return this.advance();
  }

  *statements(): Generator<PyStmt, void, undefined> {
    while (this.tok.kind !== "eof") {
      if (this.tok.kind === "newline") {
        this.advance();
        continue;
      }
      yield this.statement();
      this.toks = this.toks.slice(this.i);
      this.i = 0;
    }
  }

  private statement(): PyStmt {
    const start = this.tok;
    if (start.indent > 0) this.fail("unexpected indentation: only top-level declarations are supported");
    if (start.kind === "name" && BLOCK_KEYWORDS.has(start.value)) {
      this.fail(`a '${start.value}' statement is outside the declaration subset this reader understands (calls, assignments, imports)`);
    }
    let stmt: PyStmt;
    if (start.kind === "name" && (start.value === "from" || start.value === "import")) stmt = this.importStmt();
    else if (start.kind === "name" && this.toks[this.i + 1]?.kind === "op" && this.toks[this.i + 1]!.value === "=") {
      this.advance();
      this.advance();
      stmt = { kind: "assign", target: start.value, value: this.expr(), line: start.line, col: start.col };
    } else stmt = { kind: "expr", expr: this.expr(), line: start.line, col: start.col };
    if (this.tok.kind !== "newline" && this.tok.kind !== "eof") this.fail(`expected the end of the statement, found ${this.describe(this.tok)}`);
    if (this.tok.kind === "newline") this.advance();
    return stmt;
  }

  private importStmt(): PyStmt {
    const start = this.tok;
    const dotted = () => {
      let s = "";
      while (this.isOp(".")) {
        s += ".";
        this.advance();
      }
      if (this.tok.kind === "name" && this.tok.value !== "import") {
        s += this.expectName("a module name").value;
        while (this.isOp(".")) {
          this.advance();
          s += `.${this.expectName("a module name after '.'").value}`;
        }
      }
      if (s === "") this.fail(`expected a module name, found ${this.describe(this.tok)}`);
      return s;
    };
    const names: string[] = [];
    const nameList = () => {
      const paren = this.isOp("(");
      if (paren) this.advance();
      do {
        if (this.isOp(",")) this.advance();
        if (paren && this.isOp(")")) break;
        let name = this.expectName("an imported name").value;
        while (this.isOp(".")) {
          this.advance();
          name += `.${this.expectName("a name after '.'").value}`;
        }
        if (this.tok.kind === "name" && this.tok.value === "as") {
          this.advance();
          name = this.expectName("a name after 'as'").value;
        }
        names.push(name);
      } while (this.isOp(","));
      if (paren) this.expectOp(")", "to close the import list");
    };
    if (start.value === "import") {
      this.advance();
      nameList();
      return { kind: "import", module: names[0] ?? "", names, line: start.line, col: start.col };
    }
    this.advance();
    const module = dotted();
    if (this.tok.kind !== "name" || this.tok.value !== "import") this.fail(`expected 'import' after 'from ${module}', found ${this.describe(this.tok)}`);
    this.advance();
    nameList();
    return { kind: "import", module, names, line: start.line, col: start.col };
  }

  // expr := compare ; compare := bitor (('=='|'!=') bitor)? ; bitor := additive ('|' additive)*
  expr(): PyExpr {
    const left = this.bitor();
    if (this.isOp("==") || this.isOp("!=")) {
      const op = this.advance();
      return { kind: "binop", op: op.value as "==" | "!=", left, right: this.bitor(), line: op.line, col: op.col };
    }
    return left;
  }

  private bitor(): PyExpr {
    let left = this.additive();
    while (this.isOp("|")) {
      const op = this.advance();
      left = { kind: "binop", op: "|", left, right: this.additive(), line: op.line, col: op.col };
    }
    return left;
  }

  private additive(): PyExpr {
    let left = this.unary();
    while (this.isOp("+") || this.isOp("-")) {
      const op = this.advance();
      left = { kind: "binop", op: op.value as "+" | "-", left, right: this.unary(), line: op.line, col: op.col };
    }
    return left;
  }

  private unary(): PyExpr {
    if (this.isOp("-")) {
      const op = this.advance();
      return { kind: "neg", operand: this.unary(), line: op.line, col: op.col };
    }
    return this.postfix();
  }

  private postfix(): PyExpr {
    let e = this.atom();
    for (;;) {
      if (this.isOp(".")) {
        this.advance();
        const name = this.expectName("an attribute name after '.'");
        e = { kind: "attr", object: e, name: name.value, line: name.line, col: name.col };
      } else if (this.isOp("(")) {
        const open = this.advance();
        const args: PyExpr[] = [];
        const kwargs: { name: string; value: PyExpr }[] = [];
        while (!this.isOp(")")) {
          if (this.tok.kind === "name" && this.toks[this.i + 1]?.kind === "op" && this.toks[this.i + 1]!.value === "=") {
            const name = this.tok.value;
            this.advance();
      this.advance();
            kwargs.push({ name, value: this.expr() });
          } else {
            if (kwargs.length) this.fail("a positional argument cannot follow a keyword argument");
            args.push(this.expr());
          }
          if (this.isOp(",")) this.advance();
          else if (!this.isOp(")")) this.fail(`expected ',' or ')' in the argument list of the call at line ${open.line}, column ${open.col}, found ${this.describe(this.tok)}`);
        }
        this.advance();
        e = { kind: "call", callee: e, args, kwargs, line: e.line, col: e.col };
      } else return e;
    }
  }

  private atom(): PyExpr {
    const t = this.tok;
    switch (t.kind) {
      case "name":
        this.advance();
        return { kind: "name", name: t.value, line: t.line, col: t.col };
      case "string": {
        this.advance();
        let value = t.value;
        while (this.tok.kind === "string") value += this.advance().value;
        return { kind: "string", value, line: t.line, col: t.col };
      }
      case "number": {
        this.advance();
        const clean = t.value.replace(/_/g, "");
        const value = /^0[xob]/i.test(clean) ? Number(clean) : Number(clean);
        if (!Number.isFinite(value)) this.fail(`${t.value} is not a finite number`, t);
        return { kind: "number", value, text: t.value, line: t.line, col: t.col };
      }
      case "op":
        if (t.value === "(") return this.sequence("(", ")", "tuple");
        if (t.value === "[") return this.sequence("[", "]", "list");
        break;
    }
    this.fail(`expected a value (name, string, number, tuple or list), found ${this.describe(t)}`);
  }

  /** `( )`, `(x)` (just x), `(x,)`, `(x, y)`; `[ ]`, `[x, y,]`. */
  private sequence(open: string, close: string, kind: "tuple" | "list"): PyExpr {
    const start = this.expectOp(open, "");
    const items: PyExpr[] = [];
    let sawComma = false;
    while (!this.isOp(close)) {
      items.push(this.expr());
      if (this.isOp(",")) {
        sawComma = true;
        this.advance();
      } else if (!this.isOp(close)) {
        this.fail(`expected ',' or '${close}' in the ${kind} opened at line ${start.line}, column ${start.col}, found ${this.describe(this.tok)}`);
      }
    }
    this.advance();
    if (kind === "tuple" && items.length === 1 && !sawComma) return items[0]!;
    return { kind, items, line: start.line, col: start.col };
  }
}
