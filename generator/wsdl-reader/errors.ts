/**
 * The one error type the WSDL reader throws for bad input.
 *
 * Every failure names the file (relative to the bundle directory), the element
 * involved and, when known, the line, so a user can open the file and look.
 */
export class WsdlError extends Error {
  override name = "WsdlError";
  readonly file: string;
  readonly element?: string;
  readonly line?: number;

  constructor(file: string, element: string | undefined, line: number | undefined, expected: string) {
    const where = line === undefined ? file : `${file}:${line}`;
    super(element === undefined ? `${where}: ${expected}` : `${where}: ${element}: ${expected}`);
    this.file = file;
    if (element !== undefined) this.element = element;
    if (line !== undefined) this.line = line;
  }
}
