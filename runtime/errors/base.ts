/**
 * The one base of every error the runtime raises, and its one brand.
 *
 * `instanceof` must hold across two copies of the runtime in one program (a
 * library bundling its own tsvmomi next to the application's), so class
 * identity cannot decide it. Each instance carries the kinds it belongs to
 * (its class's `kind` and every base's) under a `Symbol.for` key, and each
 * class checks that list in `Symbol.hasInstance`, as undici does in
 * `lib/core/errors.js`. A subclass only declares `static override readonly kind`.
 */
import type { ErrorCode } from "./codes.js";

const KINDS = Symbol.for("tsvmomi.error.kinds");

export interface ErrorOptions {
  readonly cause?: unknown;
}

export class TsvmomiError extends Error {
  static readonly kind: string = "TsvmomiError";
  /** Stable; see docs/ERRORS.md. */
  readonly code: ErrorCode;

  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (typeof value !== "object" || value === null) return false;
    const kinds = (value as { [KINDS]?: unknown })[KINDS];
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of `instanceof`, which may be a subclass
    return Array.isArray(kinds) && kinds.includes((this as unknown as { kind: string }).kind);
  }

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    const kinds: string[] = [];
    for (let c: unknown = new.target; typeof c === "function" && c !== Error; c = Object.getPrototypeOf(c)) {
      const kind = (c as { kind?: unknown }).kind;
      if (typeof kind === "string" && !kinds.includes(kind)) kinds.push(kind);
    }
    Object.defineProperty(this, KINDS, { value: kinds });
    Object.defineProperty(this, "name", { value: kinds[0] ?? "TsvmomiError", enumerable: false, configurable: true, writable: true });
  }
}
