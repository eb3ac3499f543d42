/**
 * A WS-Trust 1.3 client for vCenter's SSO Security Token Service: Issue
 * (bearer with a user name and password; holder-of-key with a certificate)
 * and Renew. Requests are built here, in the shape vCenter's STS accepts (as
 * govmomi's sts package sends them); responses are read with the small XML
 * reader, bounded in size and time.
 *
 * Its traffic goes through the same trace layer as vim25 calls, so it shows
 * up in TSVMOMI_TRACE and on the trace channels, redacted (passwords, tokens).
 */
import { compose, trace, transportHandler, type Handler, type SoapCall, type SoapResult, type TraceOptions } from "../soap/middleware.js";
import { createTransport, type Logger, type Transport } from "../soap/transport.js";
import type { TlsOptions } from "../soap/tls.js";
import { StsFaultError, StsResponseError, TokenExpiredError, type StsOperation } from "../errors/sts.js";
import { findAssertion, SamlToken } from "./token.js";
import { newId, RSA_SHA256, sealMessage, SOAPENV_NS, WSSE_NS, WSU_NS, type SigningKey } from "./wsse.js";
import { childElements, escapeText, extractElement, firstChild, parseXml, textContent, XmlSyntaxError, type XmlElement } from "./xml.js";

const WST_NS = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
const WST08_NS = "http://docs.oasis-open.org/ws-sx/ws-trust/200802";
const SAML2_TOKEN_TYPE = "urn:oasis:names:tc:SAML:2.0:assertion";
const KEY_BEARER = `${WST_NS}/Bearer`;
const KEY_PUBLIC = `${WST_NS}/PublicKey`;

/** Default token lifetime requested: 10 minutes. The STS may grant less (its policy caps it). */
export const DEFAULT_TOKEN_LIFETIME_MS = 10 * 60_000;
/** An STS answer is a few kilobytes; anything past this is refused while it streams in. */
export const MAX_STS_RESPONSE_BYTES = 1024 * 1024;

export interface StsClientOptions extends TlsOptions {
  /** The STS endpoint, e.g. `https://vc.example.com/sts/STSService/vsphere.local` (see `discoverStsUrl`). */
  readonly url: string | URL;
  /** Per-request deadline in ms. Default 60 000. */
  readonly timeout?: number;
  readonly connectTimeout?: number;
  readonly trace?: Pick<TraceOptions, "log" | "write" | "maxBodyBytes">;
  readonly logger?: Logger;
}

/** What to prove and what to ask for. Holder-of-key when `signingKey` is set, else bearer. */
export interface IssueRequest {
  /** With `password`: authenticates a user (bearer; or a holder-of-key token for that user when `signingKey` is set too). */
  readonly username?: string;
  readonly password?: string;
  /** The solution user's certificate and key (see `SigningKey.from`): asks for a holder-of-key token and signs the request. */
  readonly signingKey?: SigningKey;
  /** Requested lifetime in ms. Default DEFAULT_TOKEN_LIFETIME_MS. */
  readonly lifetime?: number;
  /** Ask for a token that can be renewed (`Renewing Allow="true"`). Default false. */
  readonly renewable?: boolean;
  /** Ask for a token that can be delegated (used with `actAs` by a service acting for its user). Default false. */
  readonly delegatable?: boolean;
  /** Issue a token acting as the subject of this (delegatable) token: WS-Trust 1.4 ActAs. */
  readonly actAs?: SamlToken;
  /** Issue a token delegated to this principal (`wst:DelegateTo`), e.g. another solution user. */
  readonly delegateTo?: string;
  readonly signal?: AbortSignal;
  /** Clock for the request's times; tests only. */
  readonly now?: Date;
}

export interface RenewRequest {
  /** Required for a holder-of-key token: renewal is signed with the key it is bound to. */
  readonly signingKey?: SigningKey;
  /** For a bearer token, the STS authenticates the renewal by user name and password. */
  readonly username?: string;
  readonly password?: string;
  readonly lifetime?: number;
  readonly signal?: AbortSignal;
  readonly now?: Date;
}

export class StsClient {
  readonly url: string;
  readonly #path: string;
  readonly #transport: Transport;
  readonly #handler: Handler<SoapCall, SoapResult>;
  readonly #ownsTransport: boolean;

  constructor(options: StsClientOptions & { transport?: Transport }) {
    const url = new URL(options.url);
    url.username = "";
    url.password = "";
    url.search = "";
    this.url = url.href;
    this.#path = url.pathname;
    this.#ownsTransport = !options.transport;
    this.#transport =
      options.transport ??
      createTransport({
        url,
        ...(options.insecure !== undefined ? { insecure: options.insecure } : {}),
        ...(options.thumbprint !== undefined ? { thumbprint: options.thumbprint } : {}),
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
        timeout: options.timeout ?? 60_000,
        ...(options.connectTimeout !== undefined ? { connectTimeout: options.connectTimeout } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
        connections: 2,
      });
    this.#handler = compose(trace(options.trace))(transportHandler(this.#transport));
  }

  /** Asks the STS for a new token (WS-Trust Issue). */
  async issue(req: IssueRequest): Promise<SamlToken> {
    const hok = req.signingKey !== undefined;
    const hasUser = req.username !== undefined || req.password !== undefined;
    if (hasUser && (typeof req.username !== "string" || typeof req.password !== "string")) {
      throw new TypeError("STS Issue: pass both `username` and `password` (strings), or neither");
    }
    if (!hok && !hasUser && !req.actAs) throw new TypeError("STS Issue: pass `username` and `password` (bearer token) or `signingKey` (holder-of-key token)");
    const now = req.now ?? new Date();
    if (req.actAs?.expiredAt(now)) throw new TokenExpiredError("Issue", req.actAs.expires!, now, this.url);
    const sigId = hok ? newId() : undefined;
    const rst =
      `<RequestSecurityToken xmlns="${WST_NS}"><TokenType>${SAML2_TOKEN_TYPE}</TokenType><RequestType>${WST_NS}/Issue</RequestType>` +
      lifetime(now, req.lifetime) +
      `<Renewing Allow="${req.renewable === true}" OK="false"></Renewing><Delegatable>${req.delegatable === true}</Delegatable>` +
      (req.delegateTo !== undefined ? `<DelegateTo><wsse:UsernameToken xmlns:wsse="${WSSE_NS}"><wsse:Username>${escapeText(req.delegateTo)}</wsse:Username></wsse:UsernameToken></DelegateTo>` : "") +
      (req.actAs ? `<wst:ActAs xmlns:wst="${WST08_NS}">${req.actAs.toXml()}</wst:ActAs>` : "") +
      `<KeyType>${hok ? KEY_PUBLIC : KEY_BEARER}</KeyType><SignatureAlgorithm>${RSA_SHA256}</SignatureAlgorithm>` +
      (sigId ? `<UseKey Sig="${sigId}"></UseKey>` : "") +
      `</RequestSecurityToken>`;
    const envelope = this.#envelope(rst, now, {
      ...(hasUser ? { username: { name: req.username!, password: req.password! } } : {}),
      ...(req.signingKey ? { sign: { key: req.signingKey, reference: { kind: "certificate" as const }, ...(sigId ? { signatureId: sigId } : {}) } } : {}),
    });
    return this.#send("Issue", envelope, req.signal);
  }

  /** Asks the STS to extend a token's lifetime (WS-Trust Renew); the token must be unexpired and issued renewable. */
  async renew(token: SamlToken, req: RenewRequest = {}): Promise<SamlToken> {
    if (!(token instanceof SamlToken)) throw new TypeError("STS Renew: expected a SamlToken (from issue() or SamlToken.parse)");
    const now = req.now ?? new Date();
    if (token.expiredAt(now)) throw new TokenExpiredError("Renew", token.expires!, now, this.url);
    if (token.confirmation === "holder-of-key" && !req.signingKey) {
      throw new TypeError("STS Renew: a holder-of-key token is renewed with the key it is bound to; pass `signingKey`");
    }
    const sigId = req.signingKey ? newId() : undefined;
    const rst =
      `<RequestSecurityToken xmlns="${WST_NS}"><TokenType>${SAML2_TOKEN_TYPE}</TokenType><RequestType>${WST_NS}/Renew</RequestType>` +
      lifetime(now, req.lifetime) +
      (sigId ? `<UseKey Sig="${sigId}"></UseKey>` : "") +
      `<RenewTarget>${token.toXml()}</RenewTarget></RequestSecurityToken>`;
    const hasUser = typeof req.username === "string" && typeof req.password === "string";
    const envelope = this.#envelope(rst, now, {
      ...(hasUser ? { username: { name: req.username!, password: req.password! } } : {}),
      ...(req.signingKey ? { sign: { key: req.signingKey, reference: { kind: "certificate" as const }, ...(sigId ? { signatureId: sigId } : {}) } } : {}),
    });
    return this.#send("Renew", envelope, req.signal);
  }

  #envelope(rst: string, now: Date, security: Pick<Parameters<typeof sealMessage>[1], "username" | "sign">): string {
    const sealed = sealMessage(rst, { namespaces: { soapenv: SOAPENV_NS }, soapPrefix: "soapenv", now, ...security });
    return (
      `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAPENV_NS}">` +
      `<soapenv:Header>${sealed.header}</soapenv:Header><soapenv:Body${sealed.bodyAttributes}>${rst}</soapenv:Body></soapenv:Envelope>`
    );
  }

  async #send(op: "Issue" | "Renew", body: string, signal?: AbortSignal): Promise<SamlToken> {
    const res = await this.#handler({
      method: `STS ${op}`,
      soapAction: `${WST_NS}/RST/${op}`,
      path: this.#path,
      body,
      ...(signal ? { signal } : {}),
    });
    const text = await readBounded(res.body, MAX_STS_RESPONSE_BYTES, () => new StsResponseError(op, this.url, `larger than ${MAX_STS_RESPONSE_BYTES} bytes`));
    return parseStsResponse(op, this.url, text);
  }

  /** Closes the STS connection (only if this client opened it). */
  async close(): Promise<void> {
    if (this.#ownsTransport) await this.#transport.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function lifetime(now: Date, ms: number | undefined): string {
  const span = ms ?? DEFAULT_TOKEN_LIFETIME_MS;
  if (!Number.isFinite(span) || span <= 0) throw new TypeError(`STS: lifetime must be a positive number of milliseconds, got ${String(ms)}`);
  return (
    `<Lifetime><wsu:Created xmlns:wsu="${WSU_NS}">${now.toISOString()}</wsu:Created>` +
    `<wsu:Expires xmlns:wsu="${WSU_NS}">${new Date(now.getTime() + span).toISOString()}</wsu:Expires></Lifetime>`
  );
}

/** Reads a response body as UTF-8, refusing more than `max` bytes while it streams in. */
export async function readBounded(body: AsyncIterable<Uint8Array>, max: number, tooLarge: () => Error): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const it = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      const step = await it.next();
      if (step.done) break;
      size += step.value.length;
      if (size > max) throw tooLarge();
      chunks.push(step.value);
    }
  } finally {
    if (size > max) await it.return?.();
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

/** Reads an RSTR (Issue: inside a RequestSecurityTokenResponseCollection; Renew: bare) or a SOAP fault. */
export function parseStsResponse(op: StsOperation, url: string, text: string): SamlToken {
  const bad = (reason: string, cause?: unknown): never => {
    throw new StsResponseError(op, url, reason, cause === undefined ? undefined : { cause });
  };
  let parsed: ReturnType<typeof parseXml>;
  try {
    parsed = parseXml(text);
  } catch (err) {
    return bad(`not well-formed XML (${err instanceof XmlSyntaxError ? err.message : "unreadable"})`, err);
  }
  const env = parsed.root;
  if (env.local !== "Envelope" || env.ns !== SOAPENV_NS) bad(`expected a SOAP 1.1 <Envelope>, found <${env.name}>`);
  const body = firstChild(env, SOAPENV_NS, "Body") ?? bad("the Envelope has no <Body>");
  const first = childElements(body)[0] ?? bad("the Body is empty");
  if (first.local === "Fault" && first.ns === SOAPENV_NS) {
    const code = firstElementText(first, "faultcode");
    const message = firstElementText(first, "faultstring");
    throw new StsFaultError(op, url, code.trim(), message.trim());
  }
  let rstr: XmlElement | undefined = first;
  if (first.ns === WST_NS && first.local === "RequestSecurityTokenResponseCollection") rstr = firstChild(first, WST_NS, "RequestSecurityTokenResponse");
  if (!rstr || rstr.ns !== WST_NS || rstr.local !== "RequestSecurityTokenResponse") {
    bad(`expected a WS-Trust RequestSecurityTokenResponse, found <${first.name}>`);
  }
  const requested = firstChild(rstr!, WST_NS, "RequestedSecurityToken") ?? bad("no <RequestedSecurityToken> in the response");
  const assertion = findAssertion(requested) ?? bad("the <RequestedSecurityToken> holds no SAML 2.0 <Assertion>");
  const life = firstChild(rstr!, WST_NS, "Lifetime");
  const when = (local: string): Date | undefined => {
    const el = life && firstChild(life, WSU_NS, local);
    if (!el) return undefined;
    const d = new Date(textContent(el).trim());
    return Number.isNaN(d.getTime()) ? bad(`<Lifetime><${local}> is not a date/time`) : d;
  };
  const created = when("Created");
  const expires = when("Expires");
  try {
    return SamlToken.parse(extractElement(parsed, assertion), { created, expires });
  } catch (err) {
    return bad((err as Error).message, err);
  }
}

function firstElementText(el: XmlElement, local: string): string {
  const hit = childElements(el).find((c) => c.local === local);
  return hit ? textContent(hit) : "";
}
