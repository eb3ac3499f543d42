/**
 * `connect()` and the Client: one transport, one negotiated API version, one
 * call chain, one session. Generic over the generated `schemas` value, whose
 * phantom types give `serviceContent` its release's type; every `call` is
 * typed by the method descriptor passed to it.
 */
import type { SchemaRegistry } from "../schema.js";
import { inspect } from "node:util";
import type { LongPolicy } from "../codec/index.js";
import { registryFromTables, type TableRegistry } from "../schema-tables.js";
import type { MethodSchema } from "../schema.js";
import type { Handler, TraceOptions } from "../soap/middleware.js";
import type { RetryOptions } from "../soap/retry.js";
import { createTransport, type Transport } from "../soap/transport.js";
import { compareVersions, negotiateVersion } from "../soap/versions.js";
import type { MoRef } from "../types.js";
import type { ApiCall } from "../session/api-call.js";
import * as builtin from "../session/builtin-methods.js";
import { RetrievePropertiesEx } from "../property/methods.js";
import { ClientClosedError, MethodFaultError, UnsupportedMethodError } from "../errors/client.js";
import { startKeepAlive, type KeepAlive } from "../session/keepalive.js";
import { securityHeader } from "../session/saml.js";
import { SessionCache, sessionKey } from "../session/session-cache.js";
import { SessionState } from "../session/session-state.js";
import {
  type AnyDescriptor,
  type BindingTables,
  type CallOptions,
  type CallRest,
  type CallThis,
  type ResultOf,
  type ServiceContentOf,
} from "./descriptor.js";
import { offeredVersions } from "./known-versions.js";
import { addLayer, builtinStacks, resolvePipeline, type Layer, type PipelineOptions, type Stacks } from "./pipeline.js";

export interface ClientLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

export interface ConnectOptions<B extends BindingTables> {
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
  /** Pin the API version instead of negotiating it. */
  readonly version?: string;
  /** Keepalive interval in ms (CurrentTime while logged in); default 10 minutes; `false` disables. */
  readonly keepAlive?: number | false;
  /** File of session cookies reused across runs (needs `username`/`password`); `false` or absent disables. */
  readonly sessionCache?: string | false;
  /** Default per-call deadline in ms. Default 300 000. */
  readonly timeout?: number;
  /** TCP + TLS connect deadline in ms. Default 10 000. */
  readonly connectTimeout?: number;
  /** Transient-failure retry (see runtime/soap/retry.ts); `{ attempts: 1 }` disables. */
  readonly retry?: RetryOptions;
  /** Trace options: `log` writes redacted bodies (default when TSVMOMI_TRACE=1), `write` receives the lines. */
  readonly trace?: Pick<TraceOptions, "log" | "write" | "maxBodyBytes">;
  readonly longs?: LongPolicy;
  /**
   * Largest response body decoded, in bytes; a bigger one fails with a
   * CodecError TOO_LARGE while it streams in, before it is all read.
   * Default DEFAULT_MAX_BYTES (512 MiB).
   */
  readonly maxResponseBytes?: number;
  readonly logger?: ClientLogger;
  /**
   * Layers added to the call chain before the first call (so they see
   * connect's own calls and the login too); `client.use()` adds more later.
   * See "Middleware" in docs/RUNTIME.md.
   */
  readonly middleware?: readonly Layer[];
  readonly signal?: AbortSignal;
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

function sdkPath(url: URL): string {
  return url.pathname === "" || url.pathname === "/" ? "/sdk" : url.pathname.replace(/\/+$/, "");
}

interface ClientInit<B extends BindingTables> {
  readonly url: URL;
  readonly transport: Transport;
  readonly registry: TableRegistry;
  readonly version: string;
  readonly options: ConnectOptions<B>;
}

interface Sender {
  (method: MethodSchema, args: Record<string, unknown>, extra?: Partial<ApiCall>): Promise<unknown>;
}

export class Client<B extends BindingTables = BindingTables> {
  /** Negotiated (or pinned) vim25 API version, e.g. `"6.5"`, `"8.0.2.0"`. */
  readonly version: string;
  /** `https://host/sdk` without credentials. */
  readonly url: string;
  #serviceContent: ServiceContentOf<B> | undefined;
  readonly #transport: Transport;
  readonly #registry: TableRegistry;
  readonly #state = new SessionState();
  readonly #pipeline: PipelineOptions;
  readonly #stacks: Stacks;
  #handler: Handler<ApiCall, unknown>;
  readonly #logger: ClientLogger;
  readonly #keepAliveMs: number | false;
  #keepAlive: KeepAlive | undefined;
  #userSession: UserSession | undefined;
  #loggedIn = false;
  /** Set when the session is persisted in a cache: dispose then keeps it alive for the next run. */
  #persist: ((cookie: string | undefined) => Promise<void>) | undefined;
  #closed = false;

  /** Use `connect()`. */
  constructor(init: ClientInit<B>) {
    this.version = init.version;
    this.url = `${init.url.origin}${sdkPath(init.url)}`;
    this.#transport = init.transport;
    this.#registry = init.registry;
    this.#logger = init.options.logger ?? { warn: (m) => process.emitWarning(m, { code: "TSVMOMI_CLIENT" }) };
    this.#keepAliveMs = init.options.keepAlive ?? DEFAULT_KEEPALIVE_MS;
    const state = this.#state;
    this.#pipeline = {
      registry: init.registry,
      transport: init.transport,
      state,
      soapAction: `${init.registry.namespace}/${init.version}`,
      path: sdkPath(init.url),
      ...(init.options.retry ? { retry: init.options.retry } : {}),
      trace: { ...init.options.trace, secrets: () => [state.cookie] },
      ...(init.options.longs ? { longs: init.options.longs } : {}),
      ...(init.options.maxResponseBytes !== undefined ? { maxBytes: init.options.maxResponseBytes } : {}),
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

  get loggedIn(): boolean {
    return this.#loggedIn;
  }

  /** Calls a method: `client.call(Folder.CreateFolder, rootFolder, { name: "x" })`. */
  async call<D extends AnyDescriptor>(descriptor: D, thisRef: CallThis<D>, ...rest: CallRest<D>): Promise<ResultOf<D>> {
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
    return (await this.#send(descriptor, { ...params, _this: thisRef }, options)) as ResultOf<D>;
  }

  readonly #send: Sender = (method, args, extra = {}) => {
    if (this.#closed) return Promise.reject(new ClientClosedError(method.name));
    return this.#handler({
      schema: method,
      method: method.name,
      args,
      safe: method.safe,
      ...(extra.signal ? { signal: extra.signal } : {}),
      ...(extra.timeout !== undefined ? { timeout: extra.timeout } : {}),
      ...(extra.soapHeaders ? { soapHeaders: extra.soapHeaders } : {}),
      ...(extra.recover === false ? { recover: false } : {}),
    });
  };

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
   * Logs in with a SAML bearer token from the vCenter STS (the whole
   * `<saml2:Assertion>` element). The token is kept to log in again while it
   * stays valid; holder-of-key tokens are not supported.
   */
  async loginByToken(samlToken: string, options: AuthOptions = {}): Promise<UserSession> {
    const header = () => securityHeader(samlToken);
    header(); // validate before sending anything
    const once = (signal?: AbortSignal) =>
      this.#authenticate(builtin.LoginByToken, options.locale ? { locale: options.locale } : {}, header(), signal);
    const session = await once(options.signal);
    this.#state.arm(async () => void (await once()));
    return session;
  }

  async #authenticate(method: MethodSchema, args: Record<string, unknown>, soapHeaders: string | undefined, signal?: AbortSignal): Promise<UserSession> {
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
    await this.#transport.close();
  }

  /**
   * `await using client = await connect(…)`: logs out if this client logged
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

  /** @internal connect's second half: service content, then a cached or fresh session. */
  static async _start<B extends BindingTables>(client: Client<B>, opts: ConnectOptions<B>, cache: { store: SessionCache; key: string } | undefined): Promise<void> {
    const signal = opts.signal;
    client.#serviceContent = (await client.#send(builtin.RetrieveServiceContent, { _this: SERVICE_INSTANCE }, signal ? { signal } : {})) as ServiceContentOf<B>;
    const { username, password } = opts;
    if (username === undefined || password === undefined) return;
    if (cache) {
      const cookie = await cache.store.get(cache.key);
      if (cookie !== undefined && (await client.#adoptCookie(cookie, signal))) {
        client.#logger.debug?.(`reusing the cached session for ${client.url}`);
        client.#loggedIn = true;
        client.#persist = (c) => cache.store.set(cache.key, c);
        // Credentials stay armed so the reused session can still be restored when it expires.
        client.#state.arm(async () => {
          await client.#authenticate(builtin.Login, { userName: username, password }, undefined);
        });
        client.#startKeepAlive();
        return;
      }
      client.#persist = (c) => cache.store.set(cache.key, c);
    }
    await client.login(username, password, signal ? { signal } : {});
  }
}

/** Connects (negotiating the API version), fetches the service content and, given credentials, logs in. */
export async function connect<B extends BindingTables>(opts: ConnectOptions<B>): Promise<Client<B>> {
  if (!opts || typeof opts !== "object") throw new TypeError("connect: expected an options object { url, bindings, … }");
  const url = new URL(opts.url);
  url.username = "";
  url.password = "";
  const bindings = opts.bindings;
  if (!bindings || typeof bindings.types !== "object" || typeof bindings.namespace !== "string") {
    throw new TypeError("connect: `bindings` must be the generated `schemas` value (import { schemas } from \"…/vim25-<release>/index.js\")");
  }
  if ((opts.username === undefined) !== (opts.password === undefined)) {
    throw new TypeError("connect: pass both `username` and `password`, or neither");
  }
  opts.signal?.throwIfAborted();

  let cache: { store: SessionCache; key: string } | undefined;
  if (opts.sessionCache && opts.username !== undefined && opts.password !== undefined) {
    const store = new SessionCache(opts.sessionCache);
    await store.check(); // a loose-permission file fails before any traffic
    cache = { store, key: sessionKey({ url: url.href, username: opts.username, password: opts.password, thumbprint: opts.thumbprint }) };
  }

  const logger = opts.logger;
  const transport = createTransport({
    url,
    ...(opts.insecure !== undefined ? { insecure: opts.insecure } : {}),
    ...(opts.thumbprint !== undefined ? { thumbprint: opts.thumbprint } : {}),
    ...(opts.ca !== undefined ? { ca: typeof opts.ca === "string" ? opts.ca : Buffer.from(opts.ca) } : {}),
    ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
    ...(opts.connectTimeout !== undefined ? { connectTimeout: opts.connectTimeout } : {}),
    ...(logger ? { logger } : {}),
  });
  try {
    const negotiated = await negotiateVersion(transport, {
      known: offeredVersions(bindings),
      namespace: bindings.namespace,
      path: `${sdkPath(url)}/vimServiceVersions.xml`,
      ...(opts.version !== undefined ? { pin: opts.version } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(logger ? { logger } : {}),
    });
    logger?.debug?.(`speaking ${negotiated.soapAction} (${negotiated.source})`);
    const client = new Client<B>({ url, transport, registry: registryFromTables(bindings), version: negotiated.version, options: opts });
    await Client._start(client, opts, cache);
    return client;
  } catch (err) {
    await transport.close().catch(() => undefined);
    throw err;
  }
}
