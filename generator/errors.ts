/**
 * The family of every error tsvmomi-gen (generator/ and wsdl/) raises. It is a
 * branch of the runtime's one error family: same base, same brand, codes from
 * the same table (runtime/errors/codes.ts, docs/ERRORS.md), so a build script
 * can match `err.code` or `instanceof TsvmomiError` whichever package threw.
 *
 * A subclass declares `static override readonly kind` (its name) and passes its
 * code; the message names the file, element or option and what was expected.
 */
import { TsvmomiError } from "tsvmomi";

export class GeneratorError extends TsvmomiError {
  static override readonly kind: string = "GeneratorError";
}
