/**
 * `connect()` and the Client: one transport, one negotiated API version, one
 * call chain, one session. Generic over the generated `schemas` value, whose
 * phantom types give `serviceContent` its release's type; every `call` is
 * typed by the method descriptor passed to it.
 */
import type { SchemaRegistry } from "../schema.js";
import { inspect } from "node:util";
import type { LongPolicy } from "../codec/index.js";
import { mergeSchemaTables, registryFromTables, secretFieldTypes, type TableRegistry } from "../schema-tables.js";
import type { MethodSchema } from "../schema.js";
import type { Handler, TraceOptions } from "../soap/middleware.js";
import type { RetryOptions } from "../soap/retry.js";
import { createTransport, DEFAULT_TIMEOUT_MS, parseServerUrl, type HttpRequest, type Transport, type TransportResponse } from "../soap/transport.js";
import { SESSION_COOKIE } from "../soap/cookie.js";
import { compareVersions, negotiateVersion } from "../soap/versions.js";
import type { MoRef } from "../types.js";
import type { ApiCall } from "../session/api-call.js";
import * as builtin from "../session/builtin-methods.js";
import { RetrievePropertiesEx } from "../property/methods.js";
import { ClientClosedError, MethodFaultError, UnsupportedMethodError } from "../errors/client.js";
import { CodecError } from "../errors/codec.js";
import { HttpStatusError, NotXmlError } from "../errors/transport.js";
import { decodeValue } from "../codec/decode-response.js";
import { encodeValue } from "../codec/encode-request.js";
import { startKeepAlive, type KeepAlive } from "../session/keepalive.js";
import type { HeaderSealer } from "../codec/encode-request.js";
import { discoverStsUrl, type StsEndpoint } from "../sts/discover.js";
import { lookupStsUrl } from "../sts/lookup.js";
import { compose, trace, transportHandler, type SoapCall, type SoapResult } from "../soap/middleware.js";
import { TokenExpiredError } from "../errors/sts.js";
import { StsClient } from "../sts/sts-client.js";
import { SamlToken } from "../sts/token.js";
import { sealMessage, SigningKey } from "../sts/wsse.js";
import { X509Certificate, type KeyObject } from "node:crypto";
import { SessionCache, type CachedSession, type ResumeState, type SessionCacheEntry } from "../session/session-cache.js";
import { SessionState } from "../session/session-state.js";
import type {
  AnyDescriptor,
  BindingTables,
  CallOptions,
  CallRest,
  CallThis,
  ResultOf,
  ServiceContentOf,
} from "./descriptor.js";
import { offeredVersions } from "./known-versions.js";
import type { MethodGate } from "./version-gate.js";
import { addLayer, builtinStacks, resolvePipeline, type Layer, type PipelineOptions, type Stacks } from "./pipeline.js";

export interface ClientLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

export interface ConnectOptions<B extends BindingTables, V extends string = string> {
  /** `https://host/sdk`; the path defaults to `/sdk`. Credentials in the URL are ignored (pass `username`/`password`). */
  readonly url: string | URL;
  /** The generated `schemas` value of the release to speak. */
  readonly bindings: B;
  /** With `password`: log in as part of connecting. */
  readonly username?: string;
  readonly password?: string;
  /** Skip certificate verification (logged as a warning). Prefer `thumbprint` or `ca`. */
  readonly insecure?: boolean;
  /** SHA-256 of the server certificate, `AA:BB:…` or plain hex. */
  readonly thumbprint?: string;
  /** PEM CA certificate(s) to trust instead of Node's bundle. */
  readonly ca?: string | Uint8Array;
  /**
   * Pin the API version instead of negotiating it. Given as a literal
   * (`"7.0.3.0"`), it also types the client: methods, parameters and property
   * paths newer than it fail to compile, with a message naming the version they need.
   */
  readonly version?: V;
  /** Keepalive interval in ms (CurrentTime while logged in); default 10 minutes; `false` disables. */
  readonly keepAlive?: number | false;
  /** File of session cookies reused across runs (needs `username`/`password` or `auth`); `false` or absent disables. The cache holds no token. */
  readonly sessionCache?: string | false;
  /**
   * Deadline of each call in ms, from the call until its answer is decoded:
   * every retry, the backoff and any `Retry-After` wait between attempts, and
   * the replay after a re-login all fit in it. Default 300 000; 0 disables.
   * A call's own `{ timeout }` overrides it.
   */
  readonly timeout?: number;
  /** TCP + TLS connect deadline in ms. Default 10 000. */
  readonly connectTimeout?: number;
  /** Most sockets (and so calls in flight) to the server; more calls wait for one. Default 8. */
  readonly connections?: number;
  /** Transient-failure retry (see runtime/soap/retry.ts); `{ attempts: 1 }` disables. */
  readonly retry?: RetryOptions;
  /** Trace options: `log` writes redacted bodies (default when TSVMOMI_TRACE=1), `write` receives the lines. */
  readonly trace?: Pick<TraceOptions, "log" | "write" | "maxBodyBytes">;
  readonly longs?: LongPolicy;
  /**
   * Largest response body decoded, in bytes; a bigger one fails with a
   * CodecError TOO_LARGE while it streams in, before it is all read.
   * Default DEFAULT_MAX_BYTES (512 MiB, at most an eighth of the heap).
   */
  readonly maxResponseBytes?: number;
  /**
   * Most XML elements decoded from one response; more fail with CodecError
   * TOO_LARGE while streaming. Bounds the heap the decoded result takes
   * (dense small elements cost several times their bytes). Default
   * DEFAULT_MAX_ELEMENTS: a quarter of the heap at 160 bytes per element.
   */
  readonly maxResponseElements?: number;
  readonly logger?: ClientLogger;
  /**
   * Layers added to the call chain before the first call (so they see
   * connect's own calls and the login too); `client.use()` adds more later.
   * See "Middleware" in docs/RUNTIME.md.
   */
  readonly middleware?: readonly Layer[];
  readonly signal?: AbortSignal;
  /**
   * Another way to log in while connecting: `{ kind: "sso", … }` gets a SAML
   * token from vCenter's SSO token service and logs in with it (LoginByToken).
   * Exclusive with `username`/`password`.
   */
  readonly auth?: SsoAuth;
}

/**
 * Log in through vCenter SSO: the STS issues a SAML token, then LoginByToken.
 * With `username`/`password` the token is a bearer token; with a certificate
 * and private key (a solution user) it is holder-of-key and every request
 * that presents it is signed with the key. When the session is lost, a fresh
 * token is issued the same way. The credentials stay in a closure.
 */
export interface SsoAuth {
  readonly kind: "sso";
  readonly username?: string;
  readonly password?: string;
  /** PEM certificate of the solution user (with `privateKey`), or pass `signingKey`. */
  readonly certificate?: string | Uint8Array;
  readonly privateKey?: string | Uint8Array | KeyObject;
  /** Passphrase of an encrypted private key. */
  readonly passphrase?: string;
  readonly signingKey?: SigningKey;
  /** The STS endpoint; default discovered (`client.discoverSts()`: setting, Lookup Service, else `/sts/STSService/<domain>` on the vCenter). */
  readonly stsUrl?: string | URL;
  /** SSO domain for the default STS path. Default `vsphere.local`. */
  readonly domain?: string;
  /** Token lifetime requested, in ms (the STS may cap it). Default 10 minutes. */
  readonly lifetime?: number;
  readonly renewable?: boolean;
  readonly delegatable?: boolean;
  /** TLS pin for an STS on another host; default: the vCenter's `thumbprint`/`ca`/`insecure`. */
  readonly stsThumbprint?: string;
  readonly stsCa?: string | Uint8Array;
}

/** What `loginByToken` needs for a holder-of-key token. */
export interface TokenLoginOptions extends AuthOptions {
  /** The key the token is bound to: the LoginByToken request is signed with it. */
  readonly signingKey?: SigningKey;
}

export interface UserSession {
  readonly _typeName: string;
  readonly key: string;
  readonly userName: string;
  readonly fullName?: string;
  readonly loginTime?: Date;
  readonly [field: string]: unknown;
}

export interface AuthOptions {
  readonly signal?: AbortSignal;
  readonly locale?: string;
}

const DEFAULT_KEEPALIVE_MS = 10 * 60_000;
const SERVICE_INSTANCE: MoRef<"ServiceInstance"> = Object.freeze({ type: "ServiceInstance", value: "ServiceInstance" });

function isNotAuthenticated(err: unknown): boolean {
  return err instanceof MethodFaultError && err.faultChain.includes("NotAuthenticated");
}

/**
 * A cached resume the server contradicts (a fault, an answer that is not the
 * expected SOAP) is dropped for the full connect; a network failure is not
 * retried that way, so a dead server fails once, within one timeout.
 */
function resumeRejected(err: unknown): boolean {
  return err instanceof MethodFaultError || err instanceof CodecError || err instanceof HttpStatusError || err instanceof NotXmlError;
}

/** Which bindings a cached resume belongs to: bindings offering other versions negotiate afresh. */
function bindingsTag(bindings: BindingTables): string {
  return `${bindings.namespace} ${offeredVersions(bindings).join(",")}`;
}

function sdkPath(url: URL): string {
  return url.pathname === "" || url.pathname === "/" ? "/sdk" : url.pathname.replace(/\/+$/, "");
}

interface ClientInit<B extends BindingTables, V extends string = string> {
  readonly url: URL;
  readonly transport: Transport;
  readonly registry: TableRegistry;
  readonly version: string;
  readonly options: ConnectOptions<B, V>;
  /** Set for a service client: the parent's session, shared (cookie and re-login). */
  readonly state?: SessionState;
  /** Set for a service client: the parent owns the transport and the session. */
  readonly borrowed?: boolean;
  /** SOAP header element carrying the session cookie on every call (pbm's `vcSessionCookie`). */
  readonly sessionHeader?: string;
}

/** Options of `Client.serviceClient`. */
export interface ServiceClientOptions<S extends BindingTables> {
  /** Endpoint path on the same server, e.g. `/pbm`. */
  readonly path: string;
  /**
   * The service's schema tables. This client's tables are merged in under
   * them (see `mergeSchemaTables`), because a dependent service's answers
   * carry vim25 types its own tables only reference.
   */
  readonly bindings: S;
  /** Version in the SOAPAction header (`urn:pbm/<version>`); default the bindings' apiVersion, else release. */
  readonly version?: string;
  /** SOAP header element that repeats the session cookie (`vcSessionCookie` for pbm, as vCenter wants it). */
  readonly sessionHeader?: string;
}

/** Plain HTTP on the client's connection, with the session cookie: see `Client.request`. */
export type ClientHttpRequest = HttpRequest;
export type ClientHttpResponse = TransportResponse;

type Sender = (method: MethodSchema, args: Record<string, unknown>, extra?: Partial<Omit<ApiCall, "stream">> & Pick<CallOptions, "stream">) => Promise<unknown>;

export class Client<B extends BindingTables = BindingTables, V extends string = string> {
  /** Negotiated (or pinned) vim25 API version, e.g. `"6.5"`, `"8.0.2.0"`. */
  readonly version: string;
  /** `https://host/sdk` without credentials. */
  readonly url: string;
  #serviceContent: ServiceContentOf<B> | undefined;
  readonly #transport: Transport;
  readonly #registry: TableRegistry;
  readonly #state: SessionState;
  readonly #borrowed: boolean;
  readonly #pipeline: PipelineOptions;
  readonly #stacks: Stacks;
  #handler: Handler<ApiCall, unknown>;
  readonly #logger: ClientLogger;
  readonly #keepAliveMs: number | false;
  readonly #timeoutMs: number;
  #keepAlive: KeepAlive | undefined;
  #userSession: UserSession | undefined;
  #loggedIn = false;
  /** Set when the session is persisted in a cache: dispose then keeps it alive for the next run. */
  #persist: ((cookie: string | undefined) => Promise<void>) | undefined;
  #closed = false;
  readonly #options: ConnectOptions<B>;
  /** STS clients by URL and TLS pin, closed with this client. */
  readonly #sts = new Map<string, StsClient>();

  /** Use `connect()`. */
  constructor(init: ClientInit<B, V>) {
    this.version = init.version;
    this.url = `${init.url.origin}${sdkPath(init.url)}`;
    this.#transport = init.transport;
    this.#registry = init.registry;
    this.#state = init.state ?? new SessionState();
    this.#borrowed = init.borrowed ?? false;
    this.#options = init.options;
    this.#logger = init.options.logger ?? { warn: (m) => process.emitWarning(m, { code: "TSVMOMI_CLIENT" }) };
    this.#keepAliveMs = init.options.keepAlive ?? DEFAULT_KEEPALIVE_MS;
    this.#timeoutMs = init.options.timeout ?? DEFAULT_TIMEOUT_MS;
    const state = this.#state;
    this.#pipeline = {
      registry: init.registry,
      transport: init.transport,
      state,
      soapAction: `${init.registry.namespace}/${init.version}`,
      path: sdkPath(init.url),
      ...(init.options.retry ? { retry: init.options.retry } : {}),
      trace: {
        ...init.options.trace,
        // The bare form too: a service client's `vcSessionCookie` header carries the value without its quotes.
        secrets: () => [state.cookie, state.cookie?.replace(/^"(.*)"$/, "$1")],
        // What the bindings flag secret, redacted where it occurs (typed from each call's schema).
        secretFields: () => secretFieldTypes(init.registry),
      },
      ...(init.options.longs ? { longs: init.options.longs } : {}),
      ...(init.options.maxResponseBytes !== undefined ? { maxBytes: init.options.maxResponseBytes } : {}),
      ...(init.sessionHeader ? { sessionHeader: init.sessionHeader } : {}),
      ...(init.options.maxResponseElements !== undefined ? { maxElements: init.options.maxResponseElements } : {}),
      isNotAuthenticated,
    };
    this.#stacks = builtinStacks(this.#pipeline);
    for (const layer of init.options.middleware ?? []) addLayer(this.#stacks, layer);
    this.#handler = resolvePipeline(this.#pipeline, this.#stacks);
  }

  /**
   * Adds a layer to the call chain: `step: "call"` (method calls, before
   * encoding) or `"wire"` (SOAP requests), outermost unless `before`/`after`
   * names an entry ("session", "retry"; "trace", "cookie"). Calls already
   * under way keep the chain they started with.
   */
  use(layer: Layer): this {
    addLayer(this.#stacks, layer);
    this.#handler = resolvePipeline(this.#pipeline, this.#stacks);
    return this;
  }

  /** Entry names of each step, outermost first. */
  get middleware(): { readonly call: readonly string[]; readonly wire: readonly string[] } {
    return { call: this.#stacks.call.names(), wire: this.#stacks.wire.names() };
  }

  /** The ServiceInstance's content, fetched at connect. */
  get serviceContent(): ServiceContentOf<B> {
    return this.#serviceContent!;
  }

  /** The root object every session starts from (`ServiceInstance:ServiceInstance`), e.g. for CurrentTime. */
  get serviceInstance(): MoRef<"ServiceInstance"> {
    return SERVICE_INSTANCE;
  }

  /**
   * The schema registry built from the bindings. For layers built on the client
   * (tasks, watches) that decode or classify values the way `call` does.
   */
  get schemaRegistry(): SchemaRegistry {
    return this.#registry;
  }

  /** The session from the last login; undefined when not logged in (or reusing a cached session). */
  get userSession(): UserSession | undefined {
    return this.#userSession;
  }

  /** Where the client's warnings go (`logger` of connect, default process.emitWarning); layers built on the client report side failures here. */
  get logger(): ClientLogger {
    return this.#logger;
  }

  get loggedIn(): boolean {
    return this.#loggedIn;
  }

  /**
   * Calls a method: `client.call(Folder.CreateFolder, rootFolder, { name: "x" })`.
   * On a client pinned to an API version, a method or parameter newer than it
   * does not compile (`MethodGate`, `PinnedParams`).
   */
  async call<D extends AnyDescriptor>(descriptor: D & MethodGate<D, B, V>, thisRef: CallThis<D>, ...rest: CallRest<D, B, V>): Promise<ResultOf<D>> {
    const [params, options] = rest as [Record<string, unknown> | undefined, CallOptions | undefined];
    const name = descriptor?.name;
    if (typeof name !== "string" || !Array.isArray(descriptor.params)) {
      throw new TypeError(`call: expected a method descriptor (e.g. Folder.CreateFolder), got ${inspect(descriptor, { depth: 0 })}`);
    }
    const ref = thisRef as MoRef | undefined;
    if (typeof ref?.type !== "string" || typeof ref.value !== "string") {
      throw new TypeError(`${name}: expected the managed object to call it on as { type, value }, got ${inspect(thisRef, { depth: 0 })}`);
    }
    if (descriptor.since !== undefined && compareVersions(descriptor.since, this.version) > 0) {
      throw new UnsupportedMethodError(name, descriptor.since, this.version);
    }
    if (params !== undefined && (typeof params !== "object" || params === null || Array.isArray(params))) {
      throw new TypeError(`${name}: parameters must be an object keyed by parameter name, got ${inspect(params, { depth: 0 })}`);
    }
    if (options?.stream !== undefined && typeof options.stream?.onItems !== "function") {
      throw new TypeError(`${name}: options.stream needs an onItems(items, parent) function, got ${inspect(options.stream, { depth: 0 })}`);
    }
    return (await this.#send(descriptor, { ...params, _this: thisRef }, options)) as ResultOf<D>;
  }

  readonly #send: Sender = (method, args, extra = {}) => {
    if (this.#closed) return Promise.reject(new ClientClosedError(method.name));
    // One deadline for the whole call: every attempt, the backoff between them, a re-login's replay.
    const ms = extra.timeout ?? this.#timeoutMs;
    return this.#handler({
      schema: method,
      method: method.name,
      args,
      safe: method.safe,
      ...(extra.signal ? { signal: extra.signal } : {}),
      ...(ms > 0 ? { deadline: { at: Date.now() + ms, ms } } : { timeout: 0 }),
      ...(extra.soapHeaders ? { soapHeaders: extra.soapHeaders } : {}),
      ...(extra.recover === false ? { recover: false } : {}),
      ...(extra.stream ? { stream: { ...(extra.stream.field !== undefined ? { field: extra.stream.field } : {}), onItems: extra.stream.onItems, started: false } } : {}),
    });
  };

  /**
   * A plain HTTP(S) request on this client's connection pool (same TLS policy:
   * thumbprint, CA or insecure) carrying the session cookie: for the non-SOAP
   * endpoints such as the datastore file service `/folder/<path>?dcPath=...&dsName=...`.
   * A non-2xx status throws HttpStatusError; an aborted signal rejects with its reason.
   * The body streams; consume or `discard()` it.
   */
  async request(req: ClientHttpRequest): Promise<ClientHttpResponse> {
    if (this.#closed) throw new ClientClosedError(`${req?.verb} ${req?.path}`);
    if (typeof req?.path !== "string" || !req.path.startsWith("/")) throw new TypeError(`request: path must start with "/", got ${inspect(req?.path)}`);
    if (!this.#transport.request) throw new TypeError("request: this client's transport sends SOAP only");
    const cookie = this.#state.cookie;
    return this.#transport.request({ ...req, headers: { ...req.headers, ...(cookie !== undefined ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {}) } });
  }

  /**
   * A client for another SOAP endpoint of the same server sharing this
   * client's session, as govmomi's `NewServiceClient` does for pbm: the same
   * connection pool and TLS policy, the same cookie (a re-login by either is
   * seen by both), its own bindings, path and namespace. Closing or disposing
   * it releases nothing of this client's; closing this client ends both.
   */
  serviceClient<S extends BindingTables>(opts: ServiceClientOptions<S>): Client<S> {
    if (this.#closed) throw new ClientClosedError("serviceClient");
    if (!opts || typeof opts.path !== "string" || !opts.path.startsWith("/")) throw new TypeError(`serviceClient: path must start with "/", got ${inspect(opts?.path)}`);
    const bindings = opts.bindings;
    if (!bindings || typeof bindings.types !== "object" || typeof bindings.namespace !== "string") {
      throw new TypeError("serviceClient: `bindings` must be schema tables { namespace, types, enums }");
    }
    const url = new URL(this.url);
    url.pathname = opts.path;
    const version = opts.version ?? bindings.apiVersion ?? bindings.release ?? this.version;
    return new Client<S>({
      url,
      transport: this.#transport,
      registry: registryFromTables(mergeSchemaTables(bindings, this.#registry.tables)),
      version,
      options: { ...(this.#options as unknown as ConnectOptions<S>), bindings },
      state: this.#state,
      borrowed: true,
      ...(opts.sessionHeader ? { sessionHeader: opts.sessionHeader } : {}),
    });
  }

  /** Logs in with a user name and password; later NotAuthenticated faults log in again with them. */
  async login(userName: string, password: string, options: AuthOptions = {}): Promise<UserSession> {
    if (typeof userName !== "string" || typeof password !== "string") throw new TypeError("login: userName and password must be strings");
    const once = (signal?: AbortSignal) =>
      this.#authenticate(builtin.Login, { userName, password, ...(options.locale ? { locale: options.locale } : {}) }, undefined, signal);
    const session = await once(options.signal);
    this.#state.arm(async () => void (await once()));
    return session;
  }

  /**
   * Logs in with a SAML token from the vCenter STS (a SamlToken, or the whole
   * `<saml2:Assertion>` element as issued). A holder-of-key token needs
   * `signingKey`: the request is then signed with it, as vCenter requires.
   * The token is kept (in a closure) to log in again while it stays valid;
   * an expired token fails with TokenExpiredError before anything is sent.
   */
  async loginByToken(samlToken: string | SamlToken, options: TokenLoginOptions = {}): Promise<UserSession> {
    const token = typeof samlToken === "string" ? parseTokenArg(samlToken) : samlToken;
    if (!(token instanceof SamlToken)) throw new TypeError("loginByToken: expected a SamlToken or the <saml2:Assertion> XML string");
    const key = options.signingKey;
    const once = (signal?: AbortSignal) => this.#loginWithToken(token, key, options.locale, signal);
    const session = await once(options.signal);
    this.#state.arm(async () => void (await once()));
    return session;
  }

  #loginWithToken(token: SamlToken, key: SigningKey | undefined, locale: string | undefined, signal?: AbortSignal): Promise<UserSession> {
    const now = new Date();
    if (token.expiredAt(now)) return Promise.reject(new TokenExpiredError("LoginByToken", token.expires!, now));
    const assertion = token.toXml();
    const seal: HeaderSealer = (payload, envelope) =>
      sealMessage(payload, { ...envelope, assertion, ...(key ? { sign: { key, reference: { kind: "token" as const, token } } } : {}) });
    return this.#authenticate(builtin.LoginByToken, locale ? { locale } : {}, seal, signal);
  }

  /**
   * Logs in through vCenter SSO (see SsoAuth): issues a token at the STS,
   * then LoginByToken. A lost session is restored by issuing a fresh token
   * the same way (one shared re-login for all waiting calls).
   */
  async loginBySso(auth: SsoAuth, options: AuthOptions = {}): Promise<UserSession> {
    const once = await this.#ssoLogin(auth, options.signal);
    const session = await once(options.signal);
    this.#state.arm(async () => void (await once()));
    return session;
  }

  /** Validates the SSO options and returns the issue-then-login step, reused by re-login. */
  async #ssoLogin(auth: SsoAuth, signal?: AbortSignal): Promise<(signal?: AbortSignal) => Promise<UserSession>> {
    if (auth?.kind !== "sso") throw new TypeError('loginBySso: expected { kind: "sso", … }');
    const { username, password } = auth;
    if ((username === undefined) !== (password === undefined)) throw new TypeError("SSO login: pass both `username` and `password`, or neither");
    let key = auth.signingKey;
    if (!key && (auth.certificate !== undefined || auth.privateKey !== undefined)) {
      if (auth.certificate === undefined || auth.privateKey === undefined) throw new TypeError("SSO login: pass both `certificate` and `privateKey`");
      key = SigningKey.from(auth.certificate, auth.privateKey, auth.passphrase);
    }
    if (!key && username === undefined) throw new TypeError("SSO login: pass `username`/`password` (bearer token) or `certificate`/`privateKey` (holder-of-key token)");
    const sts = await this.stsClient({ ...(auth.stsUrl !== undefined ? { url: auth.stsUrl } : {}), ...(auth.domain ? { domain: auth.domain } : {}), ...(auth.stsThumbprint ? { thumbprint: auth.stsThumbprint } : {}), ...(auth.stsCa ? { ca: auth.stsCa } : {}), ...(signal ? { signal } : {}) });
    return async (signal) => {
      const token = await sts.issue({
        ...(username !== undefined ? { username, password: password! } : {}),
        ...(key ? { signingKey: key } : {}),
        ...(auth.lifetime !== undefined ? { lifetime: auth.lifetime } : {}),
        ...(auth.renewable !== undefined ? { renewable: auth.renewable } : {}),
        ...(auth.delegatable !== undefined ? { delegatable: auth.delegatable } : {}),
        ...(signal ? { signal } : {}),
      });
      return this.#loginWithToken(token, key, undefined, signal);
    };
  }

  /**
   * Where this vCenter's SSO token service is: its `config.vpxd.sso.sts.uri`
   * setting (readable once logged in), else the Lookup Service's registration,
   * else the well-known path on its host.
   */
  async discoverSts(options: { domain?: string; signal?: AbortSignal } = {}): Promise<StsEndpoint> {
    const om = (this.#serviceContent as { setting?: MoRef } | undefined)?.setting;
    return discoverStsUrl(
      this.url,
      async (name) => {
        if (!om) return undefined;
        const r = await this.#send(builtin.QueryOptions, { _this: om, name }, { recover: false, ...(options.signal ? { signal: options.signal } : {}) });
        return r as Array<{ key?: unknown; value?: unknown }> | undefined;
      },
      {
        ...(options.domain ? { domain: options.domain } : {}),
        onFallback: (why) => this.#logger.debug?.(`SSO: ${why}`),
        // The Lookup Service shares the vCenter's origin; traced like every request, without the session cookie.
        lookup: () => lookupStsUrl(compose<SoapCall, SoapResult>(trace(this.#options.trace))(transportHandler(this.#transport)), options.signal),
      },
    );
  }

  /**
   * An STS client for this vCenter's token service (discovered unless `url`
   * is given), speaking TLS like this client unless `thumbprint`/`ca` say
   * otherwise. Cached per URL and closed with the client.
   */
  async stsClient(options: { url?: string | URL; domain?: string; thumbprint?: string; ca?: string | Uint8Array; signal?: AbortSignal } = {}): Promise<StsClient> {
    const url = options.url !== undefined ? new URL(options.url).href : (await this.discoverSts({ ...(options.domain ? { domain: options.domain } : {}), ...(options.signal ? { signal: options.signal } : {}) })).url;
    if (this.#closed) throw new ClientClosedError("stsClient");
    const o = this.#options;
    const pinned = options.thumbprint !== undefined || options.ca !== undefined;
    // TLS settings mean nothing to a plain-http STS (a test double, a local proxy); a pin would refuse it.
    const tls = new URL(url).protocol === "https:";
    const ca = !tls ? undefined : pinned ? options.ca : o.ca;
    const thumbprint = !tls ? undefined : pinned ? options.thumbprint : o.thumbprint;
    const cacheKey = `${url} ${thumbprint ?? ""} ${pinned && ca !== undefined ? "ca" : ""}`;
    const cached = this.#sts.get(cacheKey);
    if (cached) return cached;
    const sts = new StsClient({
      url,
      ...(tls && !pinned && o.insecure !== undefined ? { insecure: o.insecure } : {}),
      ...(thumbprint !== undefined ? { thumbprint } : {}),
      ...(ca !== undefined ? { ca: typeof ca === "string" ? ca : Buffer.from(ca) } : {}),
      ...(o.connectTimeout !== undefined ? { connectTimeout: o.connectTimeout } : {}),
      ...(o.trace ? { trace: o.trace } : {}),
      ...(o.logger ? { logger: o.logger } : {}),
    });
    this.#sts.set(cacheKey, sts);
    return sts;
  }

  async #authenticate(method: MethodSchema, args: Record<string, unknown>, soapHeaders: string | HeaderSealer | undefined, signal?: AbortSignal): Promise<UserSession> {
    const sm = this.#sessionManager(method.name);
    const session = (await this.#send(method, { _this: sm, ...args }, { recover: false, ...(signal ? { signal } : {}), ...(soapHeaders ? { soapHeaders } : {}) })) as UserSession;
    this.#userSession = session;
    this.#loggedIn = true;
    this.#logger.debug?.(`${method.name}: logged in to ${this.url} as ${session.userName}`);
    await this.#persist?.(this.#state.cookie);
    this.#startKeepAlive();
    return session;
  }

  #sessionManager(method: string): MoRef {
    const sm = (this.#serviceContent as { sessionManager?: MoRef } | undefined)?.sessionManager;
    if (!sm) throw new TypeError(`${method}: the server's ServiceContent has no sessionManager`);
    return sm;
  }

  /** Ends the session on the server and forgets the credentials. A no-op when not logged in. */
  async logout(options: { signal?: AbortSignal } = {}): Promise<void> {
    this.#keepAlive?.stop();
    this.#keepAlive = undefined;
    this.#state.disarm();
    if (!this.#loggedIn) return;
    this.#loggedIn = false;
    this.#userSession = undefined;
    try {
      await this.#send(builtin.Logout, { _this: this.#sessionManager("Logout") }, { recover: false, ...(options.signal ? { signal: options.signal } : {}) });
    } finally {
      this.#state.setCookie(undefined);
      await this.#persist?.(undefined);
    }
  }

  /** Closes the sockets; does not log out (see `[Symbol.asyncDispose]`). Idempotent. */
  async close(): Promise<void> {
    this.#keepAlive?.stop();
    this.#keepAlive = undefined;
    this.#closed = true;
    const sts = [...this.#sts.values()];
    this.#sts.clear();
    await Promise.allSettled(sts.map((c) => c.close()));
    if (!this.#borrowed) await this.#transport.close();
  }

  /**
   * `await using client = await connect(...)`: logs out if this client logged
   * in (unless the session is kept in a session cache for the next run), then
   * closes the sockets. A failed logout is logged, not thrown.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#loggedIn && !this.#persist && !this.#closed) {
      await this.logout().catch((err: unknown) => this.#logger.warn(`logout on dispose failed: ${(err as Error)?.message ?? String(err)}`));
    }
    await this.close();
  }

  #startKeepAlive(): void {
    if (this.#keepAliveMs === false || this.#keepAlive || this.#closed) return;
    this.#keepAlive = startKeepAlive(this.#keepAliveMs, () => this.#send(builtin.CurrentTime, { _this: SERVICE_INSTANCE }), (m) => this.#logger.warn(m));
  }

  /** Adopts a cached cookie if the server still knows its session (SessionManager.currentSession is set). */
  async #adoptCookie(cookie: string, signal?: AbortSignal): Promise<boolean> {
    this.#state.setCookie(cookie);
    const sc = this.#serviceContent as { propertyCollector?: MoRef; sessionManager?: MoRef };
    let valid = false;
    try {
      const result = (await this.#send(
        RetrievePropertiesEx,
        {
          _this: sc.propertyCollector,
          specSet: [{ propSet: [{ type: "SessionManager", pathSet: ["currentSession"] }], objectSet: [{ obj: sc.sessionManager }] }],
          options: {},
        },
        { recover: false, ...(signal ? { signal } : {}) },
      )) as { objects?: Array<{ propSet?: Array<{ name: string; val?: unknown }> }> } | undefined;
      const current = result?.objects?.[0]?.propSet?.find((p) => p.name === "currentSession")?.val as UserSession | undefined;
      if (current && typeof current === "object") {
        valid = true;
        this.#userSession = current;
      }
    } catch (err) {
      if (!isNotAuthenticated(err)) throw err;
    }
    if (!valid) this.#state.setCookie(undefined);
    return valid;
  }

  toJSON(): Record<string, unknown> {
    return { url: this.url, version: this.version, loggedIn: this.#loggedIn, closed: this.#closed };
  }

  [inspect.custom](): string {
    return `Client { url: ${JSON.stringify(this.url)}, version: ${JSON.stringify(this.version)}, loggedIn: ${this.#loggedIn}${this.#closed ? ", closed" : ""} }`;
  }

  /** What a later connect needs to skip version negotiation and RetrieveServiceContent (see session-cache.ts). */
  #resumeState(): ResumeState | undefined {
    if (!this.#serviceContent) return undefined;
    try {
      return { version: this.version, bindings: bindingsTag(this.#options.bindings), serviceContent: encodeValue(this.#registry, "returnval", "ServiceContent", this.#serviceContent) };
    } catch {
      return undefined; // not encodable with these bindings: the next run connects in full
    }
  }

  /**
   * @internal connect's shortcut with a cached session that carries a resume
   * state: the cached version and ServiceContent, then only the session check.
   * Undefined when the resume does not fit these options or the server
   * contradicts it, "expired" when the server no longer knows the session;
   * connect then starts over in full on the same transport.
   */
  static async _resume<B extends BindingTables, V extends string>(
    init: { url: URL; transport: Transport; registry: TableRegistry; options: ConnectOptions<B, V> },
    cache: SessionCacheEntry,
    cached: CachedSession & { resume: ResumeState },
  ): Promise<Client<B, V> | "expired" | undefined> {
    const { options: opts } = init;
    const { resume } = cached;
    if (resume.bindings !== bindingsTag(opts.bindings) || (opts.version !== undefined && opts.version !== resume.version)) return undefined;
    const client = new Client<B, V>({ ...init, version: resume.version as V });
    try {
      client.#serviceContent = decodeValue(client.#registry, "ServiceContent", resume.serviceContent) as ServiceContentOf<B>;
    } catch {
      return undefined;
    }
    const signal = opts.signal;
    let valid: boolean;
    try {
      valid = await client.#adoptCookie(cached.cookie, signal);
    } catch (err) {
      if (resumeRejected(err)) return undefined;
      throw err;
    }
    if (!valid) return "expired";
    client.#logger.debug?.(`reusing the cached session, API version ${resume.version} and service content for ${client.url}`);
    client.#reuseSession(cache, client.#relogin(opts));
    return client;
  }

  /**
   * How this client restores its session: Login with the password, or a new
   * SSO token, whose token service is looked up on first use (a reused cached
   * session may never need it). Undefined without credentials.
   */
  #relogin(opts: ConnectOptions<B, V>): ((signal?: AbortSignal) => Promise<UserSession>) | undefined {
    const { username, password, auth } = opts;
    if (auth) {
      let sso: Promise<(signal?: AbortSignal) => Promise<UserSession>> | undefined;
      return async (s) => {
        sso ??= this.#ssoLogin(auth, s).catch((err: unknown) => {
          sso = undefined;
          throw err;
        });
        return (await sso)(s);
      };
    }
    if (username !== undefined && password !== undefined) return (s) => this.#authenticate(builtin.Login, { userName: username, password }, undefined, s);
    return undefined;
  }

  /** Takes a cached session as this client's: kept in the cache, restorable with the credentials, kept alive. */
  #reuseSession(cache: SessionCacheEntry, relogin: ((signal?: AbortSignal) => Promise<UserSession>) | undefined): void {
    this.#loggedIn = true;
    this.#persist = (c) => cache.set(c, this.#resumeState());
    // Credentials stay armed so the reused session can still be restored when it expires.
    if (relogin) this.#state.arm(async () => void (await relogin()));
    this.#startKeepAlive();
  }

  /** @internal connect's second half: service content, then a cached or fresh session. */
  static async _start<B extends BindingTables, V extends string>(
    client: Client<B, V>,
    opts: ConnectOptions<B, V>,
    cache: SessionCacheEntry | undefined,
    /** The cached cookie to try; connect() comes here only without a usable resume state. */
    cookie: string | undefined,
  ): Promise<void> {
    const signal = opts.signal;
    client.#serviceContent = (await client.#send(builtin.RetrieveServiceContent, { _this: SERVICE_INSTANCE }, signal ? { signal } : {})) as ServiceContentOf<B>;
    const relogin = client.#relogin(opts);
    if (!relogin) return;
    if (cache) {
      if (cookie !== undefined && (await client.#adoptCookie(cookie, signal))) {
        client.#logger.debug?.(`reusing the cached session for ${client.url}`);
        client.#reuseSession(cache, relogin);
        // There was no usable resume state (none, other bindings, refused): this connect's is written for the next run.
        await cache.set(cookie, client.#resumeState()).catch((err: unknown) => client.#logger.warn(`session cache: ${(err as Error).message}`));
        return;
      }
      client.#persist = (c) => cache.set(c, client.#resumeState());
    }
    await relogin(signal);
    client.#state.arm(async () => void (await relogin()));
  }
}

function parseTokenArg(xml: string): SamlToken {
  try {
    return SamlToken.parse(xml);
  } catch (err) {
    throw new TypeError(`loginByToken: ${(err as Error).message}`);
  }
}

/**
 * The session cache identity of an SSO login: the user name, or the
 * certificate's fingerprint (public) for a solution user. Never a password or a token.
 */
function ssoCacheIdentity(auth: SsoAuth): string {
  if (auth.username !== undefined) return `sso:${auth.username}`;
  let cert = auth.signingKey?.certificate;
  try {
    cert ??= auth.certificate !== undefined ? new X509Certificate(typeof auth.certificate === "string" ? auth.certificate : Buffer.from(auth.certificate)) : undefined;
  } catch {
    // An unreadable certificate fails with StsKeyError when the login reads it; it only keys the cache here.
  }
  return `sso-cert:${cert?.fingerprint256 ?? ""}`;
}

/** Connects (negotiating the API version), fetches the service content and, given credentials, logs in. */
export async function connect<B extends BindingTables, V extends string = string>(opts: ConnectOptions<B, V>): Promise<Client<B, V>> {
  if (!opts || typeof opts !== "object") throw new TypeError("connect: expected an options object { url, bindings, … }");
  const url = parseServerUrl(opts.url, "connect", opts);
  url.username = "";
  url.password = "";
  const bindings = opts.bindings;
  if (!bindings || typeof bindings.types !== "object" || typeof bindings.namespace !== "string") {
    throw new TypeError("connect: `bindings` must be the generated `schemas` value (import { schemas } from \"…/vim25-<release>/index.js\")");
  }
  if ((opts.username === undefined) !== (opts.password === undefined)) {
    throw new TypeError("connect: pass both `username` and `password`, or neither");
  }
  if (opts.auth !== undefined && (opts.username !== undefined || typeof opts.auth !== "object" || opts.auth.kind !== "sso")) {
    throw new TypeError('connect: `auth` must be { kind: "sso", … } and replaces `username`/`password` (pass credentials inside it)');
  }
  opts.signal?.throwIfAborted();

  let cache: SessionCacheEntry | undefined;
  let cached: CachedSession | undefined;
  const identity = opts.auth ? ssoCacheIdentity(opts.auth) : opts.username !== undefined && opts.password !== undefined ? opts.username : undefined;
  if (opts.sessionCache && identity !== undefined) {
    const warn = opts.logger ? (m: string) => opts.logger!.warn(m) : undefined;
    const store = new SessionCache(opts.sessionCache, warn);
    cache = store.entry({ url: url.href, username: identity, thumbprint: opts.thumbprint });
    // Read before any traffic: a directory or a loose-permission file fails here.
    cached = await cache.getSession();
  }

  const logger = opts.logger;
  const transport = createTransport({
    url,
    ...(opts.insecure !== undefined ? { insecure: opts.insecure } : {}),
    ...(opts.thumbprint !== undefined ? { thumbprint: opts.thumbprint } : {}),
    ...(opts.ca !== undefined ? { ca: typeof opts.ca === "string" ? opts.ca : Buffer.from(opts.ca) } : {}),
    ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
    ...(opts.connectTimeout !== undefined ? { connectTimeout: opts.connectTimeout } : {}),
    ...(opts.connections !== undefined ? { connections: opts.connections } : {}),
    ...(logger ? { logger } : {}),
  });
  try {
    if (cache && cached?.resume) {
      const resumed = await Client._resume<B, V>({ url, transport, registry: registryFromTables(bindings), options: opts }, cache, { ...cached, resume: cached.resume });
      if (resumed instanceof Client) return resumed;
      // The full connect tries the cookie again unless the server already said it no longer knows it, and
      // rewrites the entry's resume state when it was refused.
      if (resumed === "expired") cached = undefined;
    }
    const negotiated = await negotiateVersion(transport, {
      known: offeredVersions(bindings),
      namespace: bindings.namespace,
      path: `${sdkPath(url)}/vimServiceVersions.xml`,
      ...(opts.version !== undefined ? { pin: opts.version } : {}),
      ...(opts.maxResponseBytes !== undefined ? { maxBytes: opts.maxResponseBytes } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(logger ? { logger } : {}),
    });
    logger?.debug?.(`speaking ${negotiated.soapAction} (${negotiated.source})`);
    const client = new Client<B, V>({ url, transport, registry: registryFromTables(bindings), version: negotiated.version, options: opts });
    try {
      await Client._start(client, opts, cache, cached?.cookie);
    } catch (err) {
      // Closes the STS connections a failed SSO login opened, too.
      await client.close().catch(() => undefined);
      throw err;
    }
    return client;
  } catch (err) {
    await transport.close().catch(() => undefined);
    throw err;
  }
}
