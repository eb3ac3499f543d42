/**
 * Redacts the fields the bindings flag secret (VMODL's F_SECRET) by where they
 * occur, not by their name: `CustomizationPassword.value` is a password, but
 * `OptionValue.value` is a setting a trace reader needs to see. The walk
 * follows the body's types the way the decoder does: the method's parameters
 * (request) or its return type (response), then each field's declared type or
 * the element's `xsi:type`. Where the walk loses the type (a SOAP header, a
 * fault detail of an unknown type, children of an untyped anyType) it falls
 * back to redacting every element whose name some type flags secret, so an
 * unknown place is never a leak.
 *
 * It scans tags with one regular expression rather than the codec's
 * tokenizer: a trace body may be cut short or broken, and the walk must still
 * redact what it has (a secret cut off before its closing tag is redacted to
 * the end of the text).
 */
import type { MethodSchema, SchemaRegistry } from "../schema.js";
import { REDACTED } from "./redact.js";

export interface SecretFieldTypes {
  readonly registry: SchemaRegistry;
  /** Local names of every field any type flags secret: the fallback where the type is unknown. */
  readonly anywhere: ReadonlySet<string>;
}

/** Types a frame can be in: a data type's name, or one of the walk's own markers. */
const UNKNOWN = "";
const METHOD = "\u0000method";
const BODY = "\u0000body";

// An element tag (open, close or empty), or a CDATA section or comment, matched whole so that
// markup-like text inside one is never read as a tag. Processing instructions match neither.
const TAG = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<(\/?)((?:[\w.-]+:)?([\w.-]+))((?:\s[^>]*?)?)(\/?)>/g;
const XSI_TYPE = /\sxsi:type\s*=\s*("([^"]*)"|'([^']*)')/;

interface Frame {
  readonly type: string;
  readonly name: string;
}

export function redactSecretFields(
  body: string,
  types: SecretFieldTypes,
  schema: MethodSchema | undefined,
  direction: "request" | "response",
): string {
  const { registry, anywhere } = types;
  const stack: Frame[] = [];
  const out: string[] = [];
  let copied = 0;
  /** Set while inside a secret element: its depth and where its content starts. */
  let secret: { depth: number; from: number } | undefined;

  const childType = (parent: Frame, local: string, attrs: string): { type: string; secret: boolean } => {
    const xsi = XSI_TYPE.exec(attrs);
    const declared = xsi ? localPart(xsi[2] ?? xsi[3] ?? "") : undefined;
    if (parent.type === BODY) {
      // The method element (request) or `<XResponse>`; a Fault's children are read by name below.
      return { type: local === "Fault" ? UNKNOWN : METHOD, secret: false };
    }
    if (parent.type === METHOD) {
      const field =
        direction === "request" ? schema?.params.find((p) => p.name === local) : local === "returnval" ? schema?.returns : undefined;
      if (!field) return { type: declared ?? UNKNOWN, secret: anywhere.has(local) };
      return { type: declared ?? field.type, secret: !!field.secret };
    }
    if (parent.type === UNKNOWN) return { type: declared ?? UNKNOWN, secret: anywhere.has(local) };
    if (parent.type.startsWith("ArrayOf") && !registry.type(parent.type)) {
      // anyType arrays (`xsi:type="ArrayOfOptionValue"`): every child is an element of the item type.
      return { type: declared ?? parent.type.slice("ArrayOf".length), secret: false };
    }
    const field = registry.allFields(parent.type).find((f) => f.name === local);
    if (!field) return { type: declared ?? UNKNOWN, secret: anywhere.has(local) };
    return { type: declared ?? field.type, secret: !!field.secret };
  };

  for (const m of body.matchAll(TAG)) {
    const [tag, closing, qname, local = "", attrs = "", empty] = m;
    if (qname === undefined) continue; // CDATA or a comment: text, not structure
    const at = m.index;
    if (closing) {
      if (secret && stack.length === secret.depth) {
        out.push(body.slice(copied, secret.from), REDACTED);
        copied = at;
        secret = undefined;
      }
      stack.pop();
      continue;
    }
    if (secret) {
      if (!empty) stack.push({ type: UNKNOWN, name: local });
      continue;
    }
    const parent = stack.at(-1);
    const next =
      parent === undefined ? { type: UNKNOWN, secret: false } : parent.name === "Body" && stack.length === 2 ? childType({ type: BODY, name: "Body" }, local, attrs) : childType(parent, local, attrs);
    if (empty) continue;
    if (next.secret) secret = { depth: stack.length + 1, from: at + tag.length };
    // The envelope and its Header/Body are SOAP's own; the walk types what the Body holds.
    stack.push({ type: stack.length < 2 ? UNKNOWN : next.type, name: local });
  }
  if (secret) {
    // Cut off inside a secret: nothing after its opening tag is shown.
    out.push(body.slice(copied, secret.from), REDACTED);
    return out.join("");
  }
  out.push(body.slice(copied));
  return out.join("");
}

function localPart(qname: string): string {
  const colon = qname.indexOf(":");
  return colon < 0 ? qname : qname.slice(colon + 1);
}
