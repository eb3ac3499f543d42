/**
 * A named, ordered list of middleware (smithy's middleware stack, in small):
 * each entry has a name, and a new one goes outermost, or just outside
 * (`before`) or just inside (`after`) a named one. The client keeps one stack
 * per step and resolves it into a handler once, and again only when a layer
 * is added, so adding metrics, a header or proxy auth touches no runtime file.
 */
import { compose, type Middleware } from "./middleware.js";

export interface StackEntry<C, R> {
  /** Unique within the stack; other entries place themselves relative to it. */
  readonly name: string;
  readonly middleware: Middleware<C, R>;
  /** Place just outside this entry: it sees the call first and the result last. */
  readonly before?: string;
  /** Place just inside this entry. */
  readonly after?: string;
}

export class MiddlewareStack<C, R> {
  readonly step: string;
  /** Outermost first. */
  #entries: StackEntry<C, R>[] = [];

  constructor(step: string) {
    this.step = step;
  }

  /** Adds an entry (outermost unless `before`/`after` names another). Throws a TypeError on a bad or clashing entry. */
  add(entry: StackEntry<C, R>): this {
    const where = `middleware stack "${this.step}"`;
    if (typeof entry?.name !== "string" || entry.name === "") throw new TypeError(`${where}: an entry needs a non-empty name`);
    if (typeof entry.middleware !== "function") {
      throw new TypeError(`${where}: entry "${entry.name}" needs a middleware function (next) => (call) => Promise, got ${typeof entry.middleware}`);
    }
    if (this.#entries.some((e) => e.name === entry.name)) throw new TypeError(`${where}: an entry named "${entry.name}" is already there`);
    if (entry.before !== undefined && entry.after !== undefined) throw new TypeError(`${where}: entry "${entry.name}" gives both before and after`);
    const anchor = entry.before ?? entry.after;
    let at = 0;
    if (anchor !== undefined) {
      const i = this.#entries.findIndex((e) => e.name === anchor);
      if (i < 0) throw new TypeError(`${where}: entry "${entry.name}" is placed relative to "${anchor}", which is not in the stack (it holds: ${this.names().join(", ") || "nothing"})`);
      at = entry.before !== undefined ? i : i + 1;
    }
    this.#entries = [...this.#entries.slice(0, at), entry, ...this.#entries.slice(at)];
    return this;
  }

  /** Removes an entry by name; false when there was none. */
  remove(name: string): boolean {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) => e.name !== name);
    return this.#entries.length !== before;
  }

  /** Entry names, outermost first. */
  names(): string[] {
    return this.#entries.map((e) => e.name);
  }

  /** The entries composed, outermost first: `resolve()(handler)`. */
  resolve(): Middleware<C, R> {
    return compose(...this.#entries.map((e) => e.middleware));
  }
}
