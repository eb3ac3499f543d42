/**
 * WS-Security headers for the STS and for LoginByToken, signed with
 * node:crypto (RSA-SHA256, PKCS#1 v1.5) over exclusive-c14n digests.
 *
 * Canonical by construction: the elements this module writes and signs (the
 * Timestamp and SignedInfo) are emitted already in exc-c14n form, so their
 * canonical octets are the string itself. The invariants (tested with this
 * module's canonicalizer and with xmlsec1):
 *   - each signed element declares, on itself, every namespace prefix it uses
 *     (`xmlns:wsu` on Timestamp, `xmlns:ds` on SignedInfo) and no other, even
 *     when an ancestor in the message declares it too;
 *   - attributes are written in c14n order (namespace URI, then local name;
 *     unqualified first); values are IDs, base64, URIs or ISO times, which
 *     need no escaping;
 *   - no whitespace between elements, no self-closing tags.
 * The Body is different: it carries XML this module did not write (the vim25
 * payload, an STS token being renewed or acted for), so its digest is taken
 * over `canonicalize()` of the Body as sent (runtime/sts/xml.ts), while the
 * token inside stays byte for byte what the STS issued.
 */
import { createHash, createPrivateKey, createPublicKey, KeyObject, randomUUID, sign, X509Certificate } from "node:crypto";
import { StsKeyError } from "../errors/sts.js";
import type { SamlToken } from "./token.js";
import { canonicalize, escapeText, parseXml } from "./xml.js";

export const SOAPENV_NS = "http://schemas.xmlsoap.org/soap/envelope/";
export const WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
export const WSSE11_NS = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd";
export const WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
export const DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
const EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
export const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
const X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
const BASE64_BINARY = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
const SAML_TOKEN_TYPE = "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0";
const SAML_ID = "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLID";

/** How long a signed request stays acceptable to the server (its Timestamp's Expires). */
const REQUEST_LIFETIME_MS = 5 * 60_000;

/** A certificate and its RSA private key, checked to be a pair. Key material stays inside KeyObjects. */
export class SigningKey {
  readonly certificate: X509Certificate;
  readonly #key: KeyObject;

  private constructor(certificate: X509Certificate, key: KeyObject) {
    this.certificate = certificate;
    this.#key = key;
  }

  /**
   * Loads PEM (or a KeyObject). Throws StsKeyError when the certificate or
   * key cannot be read, the key is not RSA, or the two are not a pair; the
   * message never quotes the key.
   */
  static from(certificate: string | Uint8Array | X509Certificate, privateKey: string | Uint8Array | KeyObject, passphrase?: string): SigningKey {
    let cert: X509Certificate;
    try {
      cert = certificate instanceof X509Certificate ? certificate : new X509Certificate(typeof certificate === "string" ? certificate : Buffer.from(certificate));
    } catch (err) {
      throw new StsKeyError("the certificate is not a PEM or DER X.509 certificate", { cause: safeCause(err) });
    }
    let key: KeyObject;
    try {
      if (privateKey instanceof KeyObject) key = privateKey;
      else {
        const input = toKeyInput(privateKey);
        key = createPrivateKey(passphrase === undefined ? { key: input } : { key: input, passphrase });
      }
    } catch (err) {
      throw new StsKeyError("the private key is not a readable PEM/DER private key (or its passphrase is wrong)", { cause: safeCause(err) });
    }
    if (key.type !== "private") throw new StsKeyError("expected a private key, got a public one");
    if (key.asymmetricKeyType !== "rsa") throw new StsKeyError(`vCenter's STS signs with RSA-SHA256; the key is ${key.asymmetricKeyType ?? "unknown"}, not RSA`);
    const fromKey = createPublicKey(key).export({ type: "spki", format: "der" });
    const fromCert = cert.publicKey.export({ type: "spki", format: "der" });
    if (!Buffer.from(fromKey).equals(Buffer.from(fromCert))) {
      throw new StsKeyError(`the private key does not belong to the certificate (subject ${JSON.stringify(cert.subject)}, SHA-256 ${cert.fingerprint256})`);
    }
    return new SigningKey(cert, key);
  }

  /** RSA-SHA256 (PKCS#1 v1.5) signature, base64. */
  signBase64(data: string): string {
    return sign("sha256", Buffer.from(data, "utf8"), this.#key).toString("base64");
  }

  get certificateBase64(): string {
    return this.certificate.raw.toString("base64");
  }

  toJSON(): Record<string, unknown> {
    return { subject: this.certificate.subject, fingerprint256: this.certificate.fingerprint256 };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `SigningKey { subject: ${JSON.stringify(this.certificate.subject)}, fingerprint256: ${this.certificate.fingerprint256} }`;
  }
}

function toKeyInput(k: string | Uint8Array): string | Buffer {
  return typeof k === "string" ? k : Buffer.from(k);
}

/** OpenSSL errors can echo input; keep only the code. */
function safeCause(err: unknown): Error {
  const code = (err as { code?: unknown })?.code;
  return new Error(typeof code === "string" ? code : "unreadable input");
}

export function newId(): string {
  return `_${randomUUID()}`;
}

function time(d: Date): string {
  return d.toISOString();
}

function digest(canonical: string): string {
  return createHash("sha256").update(canonical, "utf8").digest("base64");
}

function reference(id: string, digestValue: string): string {
  return (
    `<ds:Reference URI="#${id}"><ds:Transforms><ds:Transform Algorithm="${EXC_C14N}"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${SHA256}"></ds:DigestMethod><ds:DigestValue>${digestValue}</ds:DigestValue></ds:Reference>`
  );
}

/** How the server finds the verification key. */
export type KeyReference =
  /** The certificate travels in a BinarySecurityToken (STS Issue/Renew with holder-of-key). */
  | { readonly kind: "certificate" }
  /** The holder-of-key SAML token in the same header names it (LoginByToken). */
  | { readonly kind: "token"; readonly token: SamlToken };

export interface SecurityOptions {
  /** Namespaces declared around the Body in the message (vim25's Envelope declares xsi, xsd, soapenc). */
  readonly namespaces: Readonly<Record<string, string>>;
  /** Prefix of the SOAP envelope namespace in the message. */
  readonly soapPrefix: string;
  readonly now?: Date;
  readonly username?: { readonly name: string; readonly password: string };
  /** The SAML token to present (LoginByToken), as issued. */
  readonly assertion?: string;
  readonly sign?: { readonly key: SigningKey; readonly reference: KeyReference; readonly signatureId?: string };
}

export interface SealedMessage {
  /** The `wsse:Security` element, the one SOAP header child. */
  readonly header: string;
  /** Attributes for the `<soapenv:Body>` start tag (the ID the signature references), leading space included. */
  readonly bodyAttributes: string;
}

/**
 * The WS-Security header for a message whose Body holds `payload`: a fresh
 * Timestamp, then (as vCenter's STS orders them) the certificate, the user
 * name token, the SAML assertion and the signature over Timestamp and Body.
 */
export function sealMessage(payload: string, o: SecurityOptions): SealedMessage {
  if (o.sign?.reference.kind === "token" && !o.sign.reference.token.id) {
    throw new TypeError("holder-of-key signing: the SAML token has no ID attribute for the signature to reference");
  }
  const now = o.now ?? new Date();
  const tsId = newId();
  const timestamp =
    `<wsu:Timestamp xmlns:wsu="${WSU_NS}" wsu:Id="${tsId}"><wsu:Created>${time(now)}</wsu:Created>` +
    `<wsu:Expires>${time(new Date(now.getTime() + REQUEST_LIFETIME_MS))}</wsu:Expires></wsu:Timestamp>`;
  let header = `<wsse:Security xmlns:wsse="${WSSE_NS}" xmlns:wsu="${WSU_NS}">${timestamp}`;
  const bstId = newId();
  if (o.sign?.reference.kind === "certificate") {
    header += `<wsse:BinarySecurityToken EncodingType="${BASE64_BINARY}" ValueType="${X509V3}" wsu:Id="${bstId}">${o.sign.key.certificateBase64}</wsse:BinarySecurityToken>`;
  }
  if (o.username) {
    header +=
      `<wsse:UsernameToken><wsse:Username>${escapeText(o.username.name)}</wsse:Username>` +
      `<wsse:Password>${escapeText(o.username.password)}</wsse:Password></wsse:UsernameToken>`;
  }
  if (o.assertion) header += o.assertion;
  if (!o.sign) return { header: `${header}</wsse:Security>`, bodyAttributes: "" };

  const bodyId = newId();
  const bodyAttributes = ` xmlns:wsu="${WSU_NS}" wsu:Id="${bodyId}"`;
  // The Body as it appears in the message, made standalone by declaring its own prefix; canonical form ignores where a declaration sat.
  const soapNs = o.namespaces[o.soapPrefix] ?? SOAPENV_NS;
  const standalone = `<${o.soapPrefix}:Body xmlns:${o.soapPrefix}="${soapNs}"${bodyAttributes}>${payload}</${o.soapPrefix}:Body>`;
  const body = canonicalize(parseXml(standalone, { namespaces: o.namespaces, maxDepth: 256, maxElements: 1_000_000 }).root);
  const signedInfo =
    `<ds:SignedInfo xmlns:ds="${DSIG_NS}"><ds:CanonicalizationMethod Algorithm="${EXC_C14N}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${RSA_SHA256}"></ds:SignatureMethod>${reference(tsId, digest(timestamp))}${reference(bodyId, digest(body))}</ds:SignedInfo>`;
  const keyInfo =
    o.sign.reference.kind === "certificate"
      ? `<wsse:SecurityTokenReference><wsse:Reference URI="#${bstId}" ValueType="${X509V3}"></wsse:Reference></wsse:SecurityTokenReference>`
      : `<wsse:SecurityTokenReference xmlns:wsse11="${WSSE11_NS}" wsse11:TokenType="${SAML_TOKEN_TYPE}">` +
        `<wsse:KeyIdentifier ValueType="${SAML_ID}">${escapeText(o.sign.reference.token.id)}</wsse:KeyIdentifier></wsse:SecurityTokenReference>`;
  header +=
    `<ds:Signature xmlns:ds="${DSIG_NS}"${o.sign.signatureId ? ` Id="${o.sign.signatureId}"` : ""}>${signedInfo}` +
    `<ds:SignatureValue>${o.sign.key.signBase64(signedInfo)}</ds:SignatureValue><ds:KeyInfo>${keyInfo}</ds:KeyInfo></ds:Signature>`;
  return { header: `${header}</wsse:Security>`, bodyAttributes };
}
