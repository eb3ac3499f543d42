/**
 * A SAML 2.0 token as the STS issued it. The assertion XML is a bearer
 * credential (or half of one, for holder-of-key), so it lives in a private
 * field: `util.inspect`, `JSON.stringify` and error messages see only its ID,
 * subject, confirmation method and lifetime. `toXml()` is the one way out.
 */
import { inspect } from "node:util";
import { attribute, findElement, firstChild, parseXml, textContent, XmlSyntaxError, type XmlElement } from "./xml.js";

export const SAML2_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
const CM_BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
const CM_HOK = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key";

export type TokenConfirmation = "bearer" | "holder-of-key" | "unknown";

export interface TokenLifetime {
  readonly created?: Date | undefined;
  readonly expires?: Date | undefined;
}

export class SamlToken {
  readonly #xml: string;
  /** The assertion's `ID` ("" when absent): what a holder-of-key signature's KeyIdentifier names. Not a secret. */
  readonly id: string;
  /** `Subject/NameID`, e.g. `Administrator@VSPHERE.LOCAL`. */
  readonly subject: string | undefined;
  readonly confirmation: TokenConfirmation;
  /**
   * When the token stops being valid: the lifetime the STS stated in its
   * response, else the assertion's `Conditions/@NotOnOrAfter`.
   */
  readonly expires: Date | undefined;
  readonly issued: Date | undefined;

  private constructor(xml: string, root: XmlElement, lifetime: TokenLifetime) {
    this.#xml = xml;
    this.id = attribute(root, "ID") ?? "";
    const subject = firstChild(root, SAML2_NS, "Subject");
    const nameId = subject && firstChild(subject, SAML2_NS, "NameID");
    this.subject = nameId ? textContent(nameId).trim() : undefined;
    const method = subject && firstChild(subject, SAML2_NS, "SubjectConfirmation");
    const cm = method && attribute(method, "Method");
    this.confirmation = cm === CM_BEARER ? "bearer" : cm === CM_HOK ? "holder-of-key" : "unknown";
    const conditions = firstChild(root, SAML2_NS, "Conditions");
    const notAfter = conditions ? parseTime(attribute(conditions, "NotOnOrAfter")) : undefined;
    this.expires = lifetime.expires ?? notAfter;
    this.issued = lifetime.created ?? parseTime(attribute(root, "IssueInstant"));
  }

  /**
   * Reads a `<saml2:Assertion>` element (as the STS issued it, byte for byte;
   * an XML declaration is allowed). Throws TypeError naming what is wrong,
   * never quoting the token.
   */
  static parse(xml: string, lifetime: TokenLifetime = {}): SamlToken {
    if (typeof xml !== "string") throw new TypeError("SAML token: expected the <saml2:Assertion> element as a string");
    const body = xml.replace(/^\uFEFF/, "").replace(/^\s*<\?xml[^>]*\?>/, "").trim();
    let root: XmlElement;
    try {
      root = parseXml(body).root;
    } catch (err) {
      const why = err instanceof XmlSyntaxError ? err.message : "not XML";
      throw new TypeError(`SAML token: not well-formed XML (${why})`);
    }
    if (root.local !== "Assertion" || root.ns !== SAML2_NS) {
      throw new TypeError(`SAML token: expected a <saml2:Assertion> in namespace ${SAML2_NS}, found <${root.name}>`);
    }
    return new SamlToken(body, root, lifetime);
  }

  /** The assertion XML, to hand to another API or process. Treat it as a password. */
  toXml(): string {
    return this.#xml;
  }

  /** True when the token is past `expires` (less `skewMs`) at `now`. A token without a known end never counts as expired. */
  expiredAt(now: Date = new Date(), skewMs = 0): boolean {
    return this.expires !== undefined && now.getTime() + skewMs >= this.expires.getTime();
  }

  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      subject: this.subject,
      confirmation: this.confirmation,
      issued: this.issued?.toISOString(),
      expires: this.expires?.toISOString(),
    };
  }

  [inspect.custom](): string {
    return `SamlToken ${inspect(this.toJSON())}`;
  }
}

function parseTime(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Finds the assertion element in a parsed document (the RSTR's RequestedSecurityToken). */
export function findAssertion(el: XmlElement): XmlElement | undefined {
  return findElement(el, SAML2_NS, "Assertion");
}
