/**
 * `watch()`: a WaitForUpdatesEx loop on a private PropertyCollector that
 * keeps a local cache of the selected properties and yields one change set
 * per server update.
 *
 * Consistency:
 * - A truncated answer (vCenter's `truncated: true`, bounded by
 *   `maxObjectUpdates`) is followed at once by the next call; all answers up
 *   to the first untruncated one form one change set. The cache therefore
 *   only ever holds states at version boundaries the server closed.
 * - A change set is applied to a copy; the `cache` reference is swapped once
 *   it is whole. A snapshot read earlier keeps its state.
 * - When the session is lost the client logs in again by itself; the old
 *   session's collector is gone with it (ManagedObjectNotFound). The watch
 *   then builds a new collector and filter, reads everything afresh and
 *   yields a `resync` change set that replaces the cache whole, with a
 *   `leave` for each object that vanished meanwhile. Nothing is applied twice,
 *   since the resync does not build on the old state.
 * - An unreachable server (a vCenter restart) is waited out: the watch
 *   rebuilds with capped backoff for up to `outageBudgetMs` (10 minutes by
 *   default), then resyncs; past the budget it ends with WatchOutageError.
 * - Stopping (break, `close()`, dispose, the signal, an error) always cancels
 *   the wait and destroys the collector (which takes its filter along) and
 *   the container view, each with its own short deadline; failures there are
 *   logged, not thrown.
 */
import type { Client } from "../client/client.js";
import type { BindingTables } from "../client/descriptor.js";
import { moRefKey } from "../moref.js";
import {
  CollectorStateError,
  isFault,
  type MethodFaultError,
  ObjectGoneError,
  SessionError,
  WaitTimeoutError,
  WatchClosedError,
  WatchEndedError,
  WatchOutageError,
} from "../errors/client.js";
import { OutcomeUnknownError } from "../errors/transport.js";
import { abortableSleep, isTransient } from "../soap/retry.js";
import type { MoRef } from "../types.js";
import { CacheBuilder, type CacheSnapshot, type CachedObject, type ObjectChange } from "./cache.js";
import {
  CancelWaitForUpdates,
  CreateContainerView,
  CreateFilter,
  CreatePropertyCollector,
  DestroyPropertyCollector,
  DestroyView,
  propertyServices,
  WaitForUpdatesEx,
  type PropertyFilterSpec,
  type UpdateSet,
} from "./methods.js";
import type { KindOf, PathsOf } from "./paths-of.js";
import type { PathGate } from "../client/version-gate.js";
import { checkPathsAgainstBindings, type PathTables } from "./path-check.js";
import type { Selected } from "./selection.js";

// ---- types ----------------------------------------------------------------


/** Managed types that can be watched with these bindings. */
export type WatchType<B extends BindingTables> = keyof PathsOf<B> & string;

/** The path map of managed type `T`. */
export type WatchPaths<B extends BindingTables, T extends WatchType<B>> = PathsOf<B>[T];

/** Valid property paths of managed type `T`. */
export type WatchPath<B extends BindingTables, T extends WatchType<B>> = keyof WatchPaths<B, T> & string;

/** Cached values of the selected paths; a path whose property is unset is absent. */
export type WatchValues<B extends BindingTables, T extends WatchType<B>, P extends WatchPath<B, T>> = Partial<Selected<WatchPaths<B, T>, P>>;

export interface ContainerSource {
  /** A Folder, Datacenter, ComputeResource, ResourcePool or HostSystem. */
  readonly container: MoRef;
  /** Descend into child containers (default true). */
  readonly recursive?: boolean;
}

export interface WatchSpec<T extends string, P extends string> {
  /** Fixed objects, or every object of `type` under a container (tracked through a ContainerView, so new ones enter). */
  readonly from: readonly MoRef[] | ContainerSource;
  readonly type: T;
  readonly select: readonly P[];
}

export interface WatchOptions {
  /** As RetrieveOptions.checkPaths: check `select` against the bindings first (default true). */
  readonly checkPaths?: boolean;
  /** Seconds one WaitForUpdatesEx may wait before returning empty (then it simply waits again). Default 60. */
  readonly maxWaitSeconds?: number;
  /** Cap on object updates per answer; the server then sets `truncated` and the watch asks again at once. */
  readonly maxObjectUpdates?: number;
  /** Report nested changes (`config.hardware.device[4000]`) instead of whole selected values. Default true. */
  readonly partialUpdates?: boolean;
  /** Aborting ends the iteration with the signal's reason (after cleaning up). */
  readonly signal?: AbortSignal;
  /** Deadline in ms for each cleanup call (CancelWaitForUpdates, DestroyPropertyCollector, DestroyView). Default 5000. */
  readonly cleanupTimeout?: number;
  /**
   * Resyncs allowed in a row without a successful update in between, when the
   * collector's state is lost for a reason other than an unreachable server
   * (InvalidCollectorVersion, a collector gone with its session). Default 3.
   */
  readonly maxResyncs?: number;
  /**
   * How long the server may stay unreachable (connections refused or reset,
   * 502/503/504, a re-login failing for those reasons) before the watch gives
   * up, in ms from the first failure after the last good change set. A
   * vCenter restart takes minutes. Default 600 000 (10 minutes). Meanwhile
   * the watch rebuilds with capped exponential backoff (`maxBackoffMs`), and
   * once the server answers it resyncs; at the end it throws a WatchOutageError
   * whose `cause` is the last failure.
   */
  readonly outageBudgetMs?: number;
  /** Cap of the backoff between rebuild attempts during an outage. Default 15 000. */
  readonly maxBackoffMs?: number;
  readonly logger?: { warn(message: string): void; debug?(message: string): void };
}

export interface ChangeSet<T extends string = string, V = Record<string, unknown>> {
  /** `initial`: the first full read; `update`: changes since the previous set; `resync`: a full read that replaced the cache after the collector was lost. */
  readonly kind: "initial" | "update" | "resync";
  /** The collector version after this set (opaque; starts over after a resync). */
  readonly version: string;
  readonly objects: readonly ObjectChange<T, V>[];
  /** The cache as of this change set. */
  readonly cache: CacheSnapshot<T, V>;
}

export interface Watch<T extends string = string, V = Record<string, unknown>> extends AsyncIterable<ChangeSet<T, V>>, AsyncDisposable {
  /** The current snapshot, keyed by `moRefKey(ref)`; replaced whole after each change set. */
  readonly cache: CacheSnapshot<T, V>;
  /** The private PropertyCollector currently in use (a new one after a resync); undefined once closed. For diagnostics. */
  readonly collector: MoRef<"PropertyCollector"> | undefined;
  /** Stops the watch and cleans up on the server; idempotent. An iteration in progress ends without error. */
  close(): Promise<void>;
}

// ---- implementation --------------------------------------------------------

const DEFAULT_MAX_WAIT_SECONDS = 60;
const DEFAULT_CLEANUP_MS = 5_000;
/** Slack on top of maxWaitSeconds before the HTTP call itself gives up. */
const WAIT_SLACK_MS = 30_000;

/** Default outage budget: a vCenter restart takes minutes. */
export const DEFAULT_OUTAGE_BUDGET_MS = 10 * 60_000;
const REBUILD_BASE_DELAY_MS = 250;
const DEFAULT_MAX_BACKOFF_MS = 15_000;
/** Rebuild attempts that fail for reasons other than an outage (a lost collector again) before the watch gives up. */
const REBUILD_ATTEMPTS = 10;

/**
 * A transport failure that may pass: directly, as the unknown outcome of an
 * unsafe call, or as the reason a re-login failed. What the client's own
 * retries did not absorb, the watch absorbs by resyncing with backoff.
 */
function mayPass(err: unknown): boolean {
  if (isTransient(err)) return true;
  if (err instanceof OutcomeUnknownError) return isTransient(err.cause);
  if (err instanceof SessionError) return mayPass(err.cause);
  return false;
}

interface ServerSide {
  readonly collector: MoRef<"PropertyCollector">;
  readonly view: MoRef | undefined;
}

class WatchImpl implements Watch {
  /** When the current outage began (first transient failure since the last good change set). */
  #outageSince: number | undefined;
  #cache: CacheSnapshot = new Map();
  #version = "";
  #server: ServerSide | undefined;
  #pendingResync = false;
  #iterating = false;
  #cleanup: Promise<void> | undefined;
  readonly #abort = new AbortController();
  readonly #closed = { value: false };
  readonly #selected: readonly string[];

  constructor(
    readonly client: Client<BindingTables>,
    readonly spec: WatchSpec<string, string>,
    readonly opts: WatchOptions,
  ) {
    this.#selected = [...spec.select];
    const outer = opts.signal;
    if (outer) {
      if (outer.aborted) this.#abort.abort(outer.reason);
      else outer.addEventListener("abort", () => this.#abort.abort(outer.reason), { once: true, signal: this.#abort.signal });
    }
  }

  get cache(): CacheSnapshot {
    return this.#cache;
  }

  get collector(): MoRef<"PropertyCollector"> | undefined {
    return this.#server?.collector;
  }

  async start(): Promise<void> {
    try {
      this.#server = await this.#setUp();
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** A private collector (so waits and versions are ours alone), the view for a container source, then the filter. */
  async #setUp(): Promise<ServerSide> {
    const { propertyCollector, viewManager } = propertyServices(this.client, "watch");
    const signal = this.#abort.signal;
    const collector = await this.client.call(CreatePropertyCollector, propertyCollector, {}, { signal });
    let view: MoRef | undefined;
    try {
      const from = this.spec.from;
      let objectSet: PropertyFilterSpec["objectSet"];
      if (Array.isArray(from)) {
        objectSet = (from as readonly MoRef[]).map((obj) => ({ obj, skip: false }));
      } else {
        const src = from as ContainerSource;
        if (!viewManager) throw new TypeError("watch: the server has no ViewManager, so a container cannot be watched");
        view = await this.client.call(
          CreateContainerView,
          viewManager,
          { container: src.container, type: [this.spec.type], recursive: src.recursive ?? true },
          { signal },
        );
        objectSet = [
          { obj: view, skip: true, selectSet: [{ _typeName: "TraversalSpec", name: "watchView", type: "ContainerView", path: "view", skip: false }] },
        ];
      }
      await this.client.call(
        CreateFilter,
        collector,
        { spec: { propSet: [{ type: this.spec.type, pathSet: this.#selected }], objectSet }, partialUpdates: this.opts.partialUpdates ?? true },
        { signal },
      );
      return { collector, view };
    } catch (err) {
      await this.#destroy({ collector, view }, false);
      throw err;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<ChangeSet> {
    if (this.#iterating) throw new TypeError("watch: a watch can be iterated only once (its versions move on); open another watch");
    this.#iterating = true;
    return this.#run();
  }

  async *#run(): AsyncGenerator<ChangeSet> {
    let resyncsInARow = 0;
    try {
      for (;;) {
        if (this.#closed.value) return;
        let set: ChangeSet | undefined;
        try {
          set = await this.#nextChangeSet();
        } catch (err) {
          if (this.#closed.value) return;
          if (this.#abort.signal.aborted) throw this.#abort.signal.reason;
          // A failed re-login means the session, and the collector with it, is gone.
          const lost = this.#lostCollector(err) || (err instanceof SessionError && mayPass(err));
          const outage = mayPass(err);
          if (!lost && !this.#stateUnknown(err) && !outage) throw err;
          if (outage) this.#checkOutage(err);
          else if (++resyncsInARow > (this.opts.maxResyncs ?? 3)) throw err;
          this.opts.logger?.debug?.(`watch: collector ${lost ? "lost" : outage ? "unreachable" : "state unknown"} (${(err as Error).message}); building a new one and resyncing`);
          const old = this.#server;
          this.#server = undefined;
          // A collector whose state is unknown still exists; it must not outlive the resync.
          if (!lost && !outage && old) await this.#destroy(old, false);
          this.#server = await this.#rebuild();
          this.#version = "";
          this.#pendingResync = true;
          continue;
        }
        this.#outageSince = undefined;
        if (!set) continue;
        resyncsInARow = 0;
        yield set;
      }
    } catch (err) {
      if (this.#closed.value && (err instanceof WatchClosedError || this.#abort.signal.aborted)) return;
      throw err;
    } finally {
      await this.close();
    }
  }

  /** Our collector, filter or view no longer exists on the server: the session that owned them ended. */
  #lostCollector(err: unknown): boolean {
    if (!isFault(err, "ManagedObjectNotFound")) return false;
    const obj = (err as MethodFaultError).fault?.obj as MoRef | undefined;
    const s = this.#server;
    if (!obj || !s) return true;
    return obj.value === s.collector.value || (s.view !== undefined && obj.value === s.view.value) || obj.type === "PropertyFilter";
  }

  /**
   * The server answered in a way that leaves the collector's version unknown:
   * InvalidCollectorVersion (the version was lost, e.g. a truncated answer's
   * version replayed after a transport retry), or a truncated answer followed
   * by an empty one.
   */
  #stateUnknown(err: unknown): boolean {
    return err instanceof CollectorStateError || isFault(err, "InvalidCollectorVersion");
  }

  /**
   * #setUp for a resync, retried with backoff on transient transport
   * failures: a watch left running for weeks must not die because a
   * connection dropped while it was rebuilding. A create whose outcome is
   * unknown may leave one collector or view behind in the session; that is
   * logged, and it goes away with the session.
   */
  async #rebuild(): Promise<ServerSide> {
    const cap = this.opts.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
    let other = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#setUp();
      } catch (err) {
        if (this.#closed.value || this.#abort.signal.aborted) throw err;
        if (mayPass(err)) this.#checkOutage(err);
        else if (!this.#lostCollector(err) || ++other >= REBUILD_ATTEMPTS) throw err;
        if (err instanceof OutcomeUnknownError) {
          this.opts.logger?.warn(`watch: ${err.message}; rebuilding again (an orphaned collector or view may remain until the session ends)`);
        }
        await abortableSleep(Math.min(cap, REBUILD_BASE_DELAY_MS * 2 ** Math.min(attempt - 1, 20)), this.#abort.signal);
      }
    }
  }

  /** Starts the outage clock at the first failure, and ends the watch once it ran past the budget. */
  #checkOutage(err: unknown): void {
    const now = Date.now();
    this.#outageSince ??= now;
    const budget = this.opts.outageBudgetMs ?? DEFAULT_OUTAGE_BUDGET_MS;
    if (now - this.#outageSince > budget) throw new WatchOutageError(now - this.#outageSince, budget, err);
  }

  /** Waits for the next whole change set; undefined when the wait timed out empty. */
  async #nextChangeSet(): Promise<ChangeSet | undefined> {
    const server = this.#server;
    if (!server) throw new WatchClosedError();
    const resync = this.#pendingResync;
    const initial = this.#version === "";
    const builder = new CacheBuilder(initial ? undefined : this.#cache, this.#selected);
    let version = this.#version;
    let any = false;
    for (;;) {
      const maxWaitSeconds = this.opts.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
      const options = { maxWaitSeconds, ...(this.opts.maxObjectUpdates !== undefined ? { maxObjectUpdates: this.opts.maxObjectUpdates } : {}) };
      const result: UpdateSet | undefined = await this.client.call(
        WaitForUpdatesEx,
        server.collector,
        { version, options },
        { signal: this.#abort.signal, timeout: maxWaitSeconds * 1000 + WAIT_SLACK_MS },
      );
      if (this.#closed.value) throw new WatchClosedError();
      if (!result) {
        // Empty on timeout. The first read never ends empty without a version to continue from, so just ask again.
        if (any) throw new CollectorStateError("watch: the server sent a truncated update and then nothing; the collector state is unknown");
        if (!initial) return undefined;
        continue;
      }
      any = true;
      version = result.version;
      for (const fu of result.filterSet ?? []) for (const ou of fu.objectSet ?? []) builder.apply(ou);
      if (!result.truncated) break;
    }
    if (resync) builder.leaveMissing(this.#cache);
    const { snapshot, objects } = builder.finish();
    this.#cache = snapshot;
    this.#version = version;
    this.#pendingResync = false;
    return { kind: resync ? "resync" : initial ? "initial" : "update", version, objects, cache: snapshot };
  }

  close(): Promise<void> {
    if (!this.#cleanup) {
      this.#closed.value = true;
      this.#abort.abort(new WatchClosedError());
      const server = this.#server;
      this.#server = undefined;
      this.#cleanup = server ? this.#destroy(server, true) : Promise.resolve();
    }
    return this.#cleanup;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Best-effort server cleanup: never throws, never waits long, never uses the (possibly aborted) watch signal. */
  async #destroy(server: ServerSide, cancelWait: boolean): Promise<void> {
    const timeout = this.opts.cleanupTimeout ?? DEFAULT_CLEANUP_MS;
    const attempt = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        // After a session loss the objects are already gone; that is the expected outcome, not a leak.
        if (isFault(err, "ManagedObjectNotFound")) return;
        this.opts.logger?.warn(`watch: ${what} failed during cleanup: ${(err as Error)?.message ?? String(err)}`);
      }
    };
    if (cancelWait) await attempt("CancelWaitForUpdates", () => this.client.call(CancelWaitForUpdates, server.collector, {}, { timeout }));
    await attempt("DestroyPropertyCollector", () => this.client.call(DestroyPropertyCollector, server.collector, {}, { timeout }));
    const view = server.view;
    if (view) await attempt("DestroyView", () => this.client.call(DestroyView, view as MoRef<"ContainerView">, {}, { timeout }));
  }
}

/**
 * Watches `spec.select` of the objects in `spec.from`. Resolves once the
 * collector and its filter exist on the server; iterate it for change sets
 * (the first is `initial`, with every object) and read `watch.cache` any time.
 *
 *   await using w = await watch(client, { from: { container: rootFolder }, type: "VirtualMachine", select: ["summary.runtime.powerState"] });
 *   for await (const set of w) for (const o of set.objects) console.log(o.kind, o.ref.value, o.values?.["summary.runtime.powerState"]);
 */
export async function watch<B extends BindingTables, V extends string, T extends WatchType<B>, const P extends WatchPath<B, T>>(
  client: Client<B, V>,
  spec: WatchSpec<T, P> & { readonly select: PathGate<B, V, T, P> },
  opts: WatchOptions = {},
): Promise<Watch<KindOf<B, T>, WatchValues<B, T, P>>> {
  checkSpec(spec);
  // A client without a registry (a test double, a hand-built client) has nothing to check the paths against.
  const registry = client.schemaRegistry as ({ tables?: PathTables } & Client["schemaRegistry"]) | undefined;
  if (registry?.tables && opts.checkPaths !== false) checkPathsAgainstBindings("watch", registry, [spec.type], spec.select);
  opts.signal?.throwIfAborted();
  const w = new WatchImpl(client as unknown as Client<BindingTables>, spec, opts);
  await w.start();
  return w as unknown as Watch<KindOf<B, T>, WatchValues<B, T, P>>;
}

function checkSpec(spec: WatchSpec<string, string>): void {
  if (!spec || typeof spec !== "object") throw new TypeError("watch: expected a spec { from, type, select }");
  if (typeof spec.type !== "string" || spec.type === "") throw new TypeError(`watch: spec.type must be a managed type name like "VirtualMachine", got ${JSON.stringify(spec.type)}`);
  if (!Array.isArray(spec.select) || spec.select.length === 0 || !spec.select.every((p) => typeof p === "string" && p !== "")) {
    throw new TypeError(`watch: spec.select must be a non-empty array of property paths, got ${JSON.stringify(spec.select)}`);
  }
  const from = spec.from as unknown;
  if (Array.isArray(from)) {
    for (const r of from) moRefKey(r as MoRef); // throws a clear TypeError on a non-reference
  } else if (!from || typeof from !== "object" || !(from as ContainerSource).container) {
    throw new TypeError("watch: spec.from must be an array of MoRefs or { container, recursive? }");
  }
}

// ---- waitForProperties -------------------------------------------------------

export interface WaitForPropertiesOptions {
  readonly signal?: AbortSignal;
  /** Overall deadline in ms; rejects with WaitTimeoutError. */
  readonly timeout?: number;
  /** Per-wait seconds on the server (see WatchOptions.maxWaitSeconds). */
  readonly maxWaitSeconds?: number;
  readonly logger?: WatchOptions["logger"];
}

/**
 * Resolves with the selected values of `ref` as soon as `predicate` holds for
 * them (checked on the initial read and after every change set). Rejects if
 * the object is deleted, on timeout, or when the signal aborts.
 */
export async function waitForProperties<B extends BindingTables, V extends string, T extends WatchType<B>, const P extends WatchPath<B, T>>(
  client: Client<B, V>,
  ref: MoRef<T>,
  select: readonly P[] & PathGate<B, V, T, P>,
  predicate: (values: WatchValues<B, T, P>) => boolean,
  opts: WaitForPropertiesOptions = {},
): Promise<WatchValues<B, T, P>> {
  const signals = [opts.signal, opts.timeout !== undefined ? AbortSignal.timeout(opts.timeout) : undefined].filter((s): s is AbortSignal => !!s);
  const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
  const key = moRefKey(ref);
  const where = `${ref.type}:${ref.value}`;
  try {
    await using w = await watch(client, { from: [ref], type: ref.type, select }, {
      ...(signal ? { signal } : {}),
      ...(opts.maxWaitSeconds !== undefined ? { maxWaitSeconds: opts.maxWaitSeconds } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    for await (const set of w) {
      const obj = set.cache.get(key) as CachedObject<T, WatchValues<B, T, P>> | undefined;
      if (!obj) {
        const left = set.objects.some((o) => o.kind === "leave");
        throw new ObjectGoneError("waitForProperties", ref, left ? "the object was deleted" : "the object does not exist");
      }
      if (predicate(obj.values as WatchValues<B, T, P>)) return obj.values as WatchValues<B, T, P>;
    }
    throw new WatchEndedError("waitForProperties", ref, "the watch ended");
  } catch (err) {
    if (opts.timeout !== undefined && !opts.signal?.aborted && signal?.aborted) {
      throw new WaitTimeoutError(`waitForProperties(${where}): ${select.join(", ")} did not satisfy the predicate within ${opts.timeout} ms`, opts.timeout);
    }
    throw err;
  }
}
