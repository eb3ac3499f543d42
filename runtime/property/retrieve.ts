/**
 * Typed, paged RetrievePropertiesEx.
 *
 *   const vms = await retrieve(client, { container: rootFolder, type: "VirtualMachine" }, ["name", "summary.runtime.powerState"]);
 *   vms[0]["summary.runtime.powerState"]; // VirtualMachinePowerState | undefined
 *
 * Pages are requested with `maxObjects` and followed with
 * ContinueRetrievePropertiesEx (asked for ahead, as soon as a token shows
 * there is a next page). Objects stream out of the decoder as their elements
 * close, so a page goes out while the rest of its answer is still arriving and
 * one huge answer costs a consumer that keeps nothing no more memory than a
 * page. Whoever stops early (break, throw, abort)
 * leaves no token behind: CancelRetrievePropertiesEx runs in `finally`, and
 * a ContainerView made for the call is destroyed there too. A cleanup
 * failure never replaces the result or the error: an object that died with
 * a lost session (ManagedObjectNotFound after a re-login) is simply gone,
 * any other failure is logged through the client's logger. When the
 * client logged in again while paging and ContinueRetrievePropertiesEx then
 * faults (the token or the view died with the old session, as on vCenter),
 * the read starts over once, skipping objects already handed out.
 *
 * Missing properties are never dropped. A path the server could not read
 * appears in the object's `$missing` list with its fault (NoPermission,
 * InvalidProperty, …) and its key is absent. NotAuthenticated is the
 * exception: it means the session went away while the collector was
 * working, so the session is checked through the client's call chain (which
 * logs in again when it has to) and the affected objects are read once more.
 *
 * The untyped twins (`retrieveAny`, `retrievePagesAny`) are separate
 * functions rather than overloads on purpose: with an overload, a misspelled
 * literal path no longer yields TS2820's "Did you mean …" but "No overload
 * matches this call".
 */
import type { Client } from "../client/client.js";
import type { BindingTables, CallOptions } from "../client/descriptor.js";
import { isFault, MethodFaultError, SessionError } from "../errors/client.js";
import type { MoRef } from "../types.js";
import { createContainerView, type ViewHandle } from "../view/index.js";
import {
  CancelRetrievePropertiesEx,
  ContinueRetrievePropertiesEx,
  propertyServices,
  RetrievePropertiesEx,
  type MissingProperty,
  type ObjectContent,
  type ObjectSpec,
  type PropertyFilterSpec,
  type RetrieveResult,
} from "./methods.js";
import { CurrentTime } from "../session/builtin-methods.js";
import type { KindOf, PathsOf } from "./paths-of.js";
import type { MissingPropertyFault, RetrievedObject } from "./selection.js";
import type { PathGate } from "../client/version-gate.js";

export type { MissingPropertyFault } from "./selection.js";
import { viewContents } from "./traversal.js";
import { streamedCall, type StreamedAnswer } from "./streamed-call.js";
import { checkPathsAgainstBindings, nearestPath, type PathTables } from "./path-check.js";

/** Where the objects come from. */
export type RetrieveSource<T extends string> =
  /** These objects (grouped by type into one PropertySpec each). */
  | readonly MoRef<T>[]
  /** A ContainerView made for this call and destroyed after it; `recursive` defaults to true. */
  | { readonly container: MoRef; readonly type: T; readonly recursive?: boolean }
  /** The objects of an existing ContainerView or ListView (left alive). */
  | { readonly view: MoRef | ViewHandle; readonly type: T }
  /** An explicit traversal (see traversal.ts), selecting objects of `type`. */
  | { readonly type: T; readonly objectSet: readonly ObjectSpec[] };

export interface RetrieveOptions {
  /**
   * Objects per page: what the server is asked for (`RetrieveOptions.maxObjects`; it may send fewer)
   * and the most `retrievePages` hands out at once. Unset: the server's own paging, handed out in
   * pages of 100.
   */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
  /** Per-call deadline in ms for each request. */
  readonly timeout?: number;
  /**
   * Ask for the next page as soon as the server says there is one (default true), so its round
   * trip overlaps reading and handing out the current one. At most one page is asked for ahead,
   * held paused after its first items; `false` asks only once the current answer has ended.
   */
  readonly prefetch?: boolean;
  /**
   * Check each path against the bindings before sending (default true): a path
   * they say cannot exist throws a TypeError with the nearest valid path.
   * `false` sends it anyway, e.g. a property of a server newer than the bindings.
   */
  readonly checkPaths?: boolean;
}

/** Present on a retrieved object only when the server reported missing properties for it. */
export interface MissingReport {
  readonly $missing?: readonly MissingPropertyFault[];
}

/** One object of a typed retrieve: `ref` names `T` or a subtype; values exact unless `$missing` is set. */
export type Retrieved<B extends BindingTables, T extends keyof PathsOf<B> & string, P extends keyof PathsOf<B>[T]> = RetrievedObject<
  KindOf<B, T>,
  PathsOf<B>[T],
  P
>;

export type RetrievedAny = { readonly ref: MoRef; readonly [path: string]: unknown } & MissingReport;

export interface RetrieveAnyOptions extends RetrieveOptions {
  /** Paths valid for the selected type; when given, a path outside it fails before anything is sent. */
  readonly knownPaths?: readonly string[];
}

type AnyClient = Client<BindingTables>;

export function retrievePages<B extends BindingTables, V extends string, T extends keyof PathsOf<B> & string, const P extends keyof PathsOf<B>[T] & string>(
  client: Client<B, V>,
  from: RetrieveSource<T>,
  select: readonly P[] & PathGate<B, V, T, P>,
  options: RetrieveOptions = {},
): AsyncIterable<Array<Retrieved<B, T, P>>> {
  return pages(client as unknown as AnyClient, from, select, options, "retrievePages") as AsyncIterable<Array<Retrieved<B, T, P>>>;
}

export async function retrieve<B extends BindingTables, V extends string, T extends keyof PathsOf<B> & string, const P extends keyof PathsOf<B>[T] & string>(
  client: Client<B, V>,
  from: RetrieveSource<T>,
  select: readonly P[] & PathGate<B, V, T, P>,
  options: RetrieveOptions = {},
): Promise<Array<Retrieved<B, T, P>>> {
  const out: Array<Retrieved<B, T, P>> = [];
  for await (const page of pages(client as unknown as AnyClient, from, select, options, "retrieve")) out.push(...(page as unknown as Array<Retrieved<B, T, P>>));
  return out;
}

/** `retrievePages` for paths known only at run time. */
export function retrievePagesAny(client: AnyClient, from: RetrieveSource<string>, select: readonly string[], options: RetrieveAnyOptions = {}): AsyncIterable<RetrievedAny[]> {
  checkKnownPaths("retrievePagesAny", from, select, options.knownPaths);
  return pages(client as AnyClient, from, select, options, "retrievePagesAny");
}

/** `retrieve` for paths known only at run time. */
export async function retrieveAny(client: AnyClient, from: RetrieveSource<string>, select: readonly string[], options: RetrieveAnyOptions = {}): Promise<RetrievedAny[]> {
  checkKnownPaths("retrieveAny", from, select, options.knownPaths);
  const out: RetrievedAny[] = [];
  for await (const page of pages(client as AnyClient, from, select, options, "retrieveAny")) out.push(...page);
  return out;
}

// ---- implementation -------------------------------------------------------

interface Plan {
  readonly spec: PropertyFilterSpec;
  readonly view?: ViewHandle;
}

function isViewHandle(v: unknown): v is ViewHandle {
  return typeof v === "object" && v !== null && "ref" in v && typeof (v as ViewHandle).destroy === "function";
}

function describeSource(from: unknown): string {
  try {
    return JSON.stringify(from)?.slice(0, 200) ?? String(from);
  } catch {
    return String(from);
  }
}

function checkSelect(method: string, select: readonly string[]): void {
  if (!Array.isArray(select)) throw new TypeError(`${method}: select must be an array of property paths like ["name"], got ${describeSource(select)}`);
  for (const p of select) {
    if (typeof p !== "string" || p === "" || p.startsWith(".") || p.endsWith(".")) {
      throw new TypeError(`${method}: property path must be a dotted name like "summary.runtime.powerState", got ${JSON.stringify(p)}`);
    }
  }
}

/** Validates the source and builds the filter spec; creates a ContainerView when asked to (after all checks pass). */
async function plan(client: AnyClient, method: string, from: RetrieveSource<string>, select: readonly string[], checkPaths: boolean, signal?: AbortSignal): Promise<Plan | undefined> {
  checkSelect(method, select);
  if (checkPaths) checkAgainstBindings(client, method, from, select);
  const pathSet = [...new Set(select)];
  if (Array.isArray(from)) {
    if (from.length === 0) return undefined;
    const types = new Set<string>();
    for (const r of from as readonly MoRef[]) {
      if (typeof r?.type !== "string" || typeof r.value !== "string") throw new TypeError(`${method}: expected MoRefs { type, value }, got ${describeSource(r)}`);
      types.add(r.type);
    }
    return { spec: { propSet: [...types].map((type) => ({ type, pathSet })), objectSet: (from as readonly MoRef[]).map((obj) => ({ obj, skip: false })) } };
  }
  const src = from as Partial<{ container: MoRef; view: MoRef | ViewHandle; objectSet: readonly ObjectSpec[]; type: string; recursive: boolean }>;
  if (typeof src !== "object" || src === null || typeof src.type !== "string" || src.type === "") {
    throw new TypeError(`${method}: expected MoRef[], { container, type }, { view, type } or { type, objectSet }, got ${describeSource(from)}`);
  }
  const propSet = [{ type: src.type, pathSet }];
  if (src.objectSet !== undefined) {
    if (!Array.isArray(src.objectSet)) throw new TypeError(`${method}: objectSet must be an array of ObjectSpec, got ${describeSource(src.objectSet)}`);
    return { spec: { propSet, objectSet: src.objectSet } };
  }
  if (src.view !== undefined) {
    const ref = isViewHandle(src.view) ? src.view.ref : src.view;
    return { spec: { propSet, objectSet: [viewContents(ref)] } };
  }
  if (src.container !== undefined) {
    const view = await createContainerView(client, src.container, [src.type], src.recursive ?? true, signal ? { signal } : {});
    return { spec: { propSet, objectSet: [viewContents(view.ref)] }, view };
  }
  throw new TypeError(`${method}: expected MoRef[], { container, type }, { view, type } or { type, objectSet }, got ${describeSource(from)}`);
}

function isNotAuthenticated(m: MissingProperty): boolean {
  return m.fault?.fault?._typeName === "NotAuthenticated";
}

function toObject(o: ObjectContent): RetrievedAny {
  const out: Record<string, unknown> = { ref: o.obj };
  for (const p of o.propSet ?? []) out[p.name] = p.val;
  const missing = o.missingSet ?? [];
  if (missing.length > 0) {
    out.$missing = missing.map((m): MissingPropertyFault => ({
      path: m.path,
      fault: (m.fault?.fault ?? { _typeName: "MethodFault" }) as MissingPropertyFault["fault"],
      ...(m.fault?.localizedMessage ? { message: m.fault.localizedMessage } : {}),
    }));
  }
  return out as RetrievedAny;
}

/**
 * Objects per page when the caller sets no `pageSize`: what vCenter sends per
 * page. A server answering everything at once (vcsim, or a `maxObjects` the
 * server ignores) is still handed out in pages of this size as it decodes.
 */
const DEFAULT_PAGE = 100;

/**
 * The retrieve itself. Each server answer streams (CallOptions.stream): its
 * objects are handed out in pages of `pageSize` as their elements close, so a
 * consumer that keeps nothing holds one page, whatever the server sends in
 * one answer; the page that ends an answer goes out at once rather than wait
 * for the next round trip.
 */
async function* pages(client: AnyClient, from: RetrieveSource<string>, select: readonly string[], options: RetrieveOptions, method: string): AsyncGenerator<RetrievedAny[]> {
  const { pageSize, signal } = options;
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1)) {
    throw new TypeError(`${method}: pageSize must be a positive integer, got ${String(pageSize)}`);
  }
  const pc = propertyServices(client, method).propertyCollector;
  signal?.throwIfAborted();
  const callOptions: CallOptions = { ...(signal ? { signal } : {}), ...(options.timeout !== undefined ? { timeout: options.timeout } : {}) };
  const target = pageSize ?? DEFAULT_PAGE;
  /**
   * Objects already handed out, so a restart after a session loss does not repeat them: their
   * values by type, the one thing kept per object (no `type:value` key strings to build and hold).
   */
  const delivered = new Map<string, Set<string>>();
  const fresh = (o: RetrievedAny): boolean => {
    let values = delivered.get(o.ref.type);
    if (values === undefined) {
      values = new Set();
      delivered.set(o.ref.type, values);
    }
    if (values.has(o.ref.value)) return false;
    values.add(o.ref.value);
    return true;
  };
  for (let restart = 0; ; restart++) {
    const session = client.userSession?.key;
    const planned = await plan(client, method, from, select, options.checkPaths !== false, signal);
    if (!planned) return;
    /** The token the server still holds for us; cleared once the last page arrived. */
    let token: string | undefined;
    let completed = false;
    let again = false;
    let answer: StreamedAnswer<RetrieveResult | undefined> | undefined;
    /**
     * The next page, asked for as soon as this answer's token says there is one (it precedes the
     * objects), so its round trip overlaps reading and handing out this one. It waits, paused after
     * its first items, until this answer is done: pages still go out in order.
     */
    let ahead: StreamedAnswer<RetrieveResult | undefined> | undefined;
    try {
      const open = (sent: string | undefined) =>
        streamedCall<RetrieveResult | undefined>(({ signal: callSignal, onItems }) => {
          const opts: CallOptions = { ...callOptions, signal: callSignal, stream: { field: "objects", onItems } };
          return sent === undefined
            ? client.call(RetrievePropertiesEx, pc, { specSet: [planned.spec], options: pageSize !== undefined ? { maxObjects: pageSize } : {} }, opts)
            : client.call(ContinueRetrievePropertiesEx, pc, { token: sent }, opts);
        }, signal);
      answer = open(undefined);
      for (let first = true; ; first = false) {
        let buffered: ObjectContent[] = [];
        let result: RetrieveResult | undefined;
        try {
          for (;;) {
            const step = await answer.next();
            if (step.done) {
              result = step.value;
              break;
            }
            // RetrieveResult's token precedes its objects: once objects arrive, an answer without one is the last page.
            token = (step.value.parent as RetrieveResult | undefined)?.token;
            if (token !== undefined && ahead === undefined && options.prefetch !== false) ahead = open(token);
            for (const o of step.value.items as ObjectContent[]) buffered.push(o);
            while (buffered.length >= target) {
              const page = (await recoverNotAuthenticated(client, pc, planned.spec, buffered.splice(0, target), callOptions, method)).filter(fresh);
              if (page.length > 0) yield page;
            }
          }
        } catch (err) {
          await ahead?.return();
          ahead = undefined;
          // The client logged in again meanwhile, and the token (or the view) died with the old
          // session, as on vCenter: read again from the start, skipping what was already handed out.
          if (first || restart > 0 || client.userSession?.key === session || !(err instanceof MethodFaultError)) {
            // What decoded intact before the failure still goes out (a short page), then the error;
            // not after the caller's own abort, which means "no more".
            const rest = signal?.aborted ? [] : buffered.filter((o) => !o.missingSet?.some(isNotAuthenticated)).map(toObject).filter(fresh);
            buffered = [];
            if (rest.length > 0) yield rest;
            throw err;
          }
          client.logger.debug?.(`${method}: the session changed while paging (${err.message}); reading again`);
          token = undefined;
          again = true;
          break;
        } finally {
          await answer.return();
        }
        token = result?.token;
        if (token !== undefined && ahead === undefined) ahead = open(token);
        // A client that does not stream (a test double) returns the objects in the result.
        if (result?.objects?.length) buffered = buffered.concat(result.objects);
        const last = (await recoverNotAuthenticated(client, pc, planned.spec, buffered, callOptions, method)).filter(fresh);
        buffered = [];
        for (let at = 0; at < last.length; at += target) yield last.slice(at, at + target);
        if (token === undefined || ahead === undefined) break;
        signal?.throwIfAborted();
        answer = ahead;
        ahead = undefined;
      }
      token = undefined;
      completed = !again;
    } finally {
      // A call still open (a break inside a page, a page asked for ahead) stops before the cleanup calls go out.
      await answer?.return();
      await ahead?.return();
      // Without the caller's signal: it may be the very thing that aborted, and cleanup must still go out.
      const cleanup: Array<[string, Promise<unknown>]> = [];
      if (token !== undefined) cleanup.push(["CancelRetrievePropertiesEx", client.call(CancelRetrievePropertiesEx, pc, { token })]);
      if (planned.view) cleanup.push([`DestroyView ${planned.view.ref.value}`, planned.view.destroy()]);
      const settled = await Promise.allSettled(cleanup.map(([, p]) => p));
      settled.forEach((st, i) => {
        // An object that died with a lost session (the client logged in again meanwhile) is already gone: not an error.
        if (st.status === "fulfilled" || isFault(st.reason, "ManagedObjectNotFound")) return;
        // A cleanup failure never replaces the result (or the error) of the retrieve itself; it is reported on the side.
        client.logger.warn(`${method}: ${cleanup[i]![0]} failed during cleanup (${completed || again ? "the results were kept" : "the retrieve had already stopped"}): ${(st.reason as Error)?.message ?? String(st.reason)}`);
      });
    }
    if (!again) return;
  }
}

/**
 * A missingSet NotAuthenticated means the session died: the PropertyCollector
 * answers an unauthenticated retrieve per property instead of faulting, so
 * the session layer never sees it. CurrentTime does fault at method level on
 * a dead session, and the session layer turns that into its one shared
 * re-login; then the affected objects are read again, once.
 */
async function recoverNotAuthenticated(
  client: AnyClient,
  pc: MoRef<"PropertyCollector">,
  spec: PropertyFilterSpec,
  objects: readonly ObjectContent[],
  callOptions: CallOptions,
  method: string,
): Promise<RetrievedAny[]> {
  const hit = objects.filter((o) => o.missingSet?.some(isNotAuthenticated));
  if (hit.length === 0) return objects.map(toObject);
  await client.call(CurrentTime, client.serviceInstance, {}, callOptions);
  const again = await client.call(
    RetrievePropertiesEx,
    pc,
    { specSet: [{ propSet: spec.propSet, objectSet: hit.map((o) => ({ obj: o.obj, skip: false })) }], options: {} },
    callOptions,
  );
  const fresh = new Map((again?.objects ?? []).map((o) => [`${o.obj.type}:${o.obj.value}`, o]));
  return objects.map((o) => {
    if (!o.missingSet?.some(isNotAuthenticated)) return toObject(o);
    const redo = fresh.get(`${o.obj.type}:${o.obj.value}`);
    if (!redo) return toObject({ ...o, missingSet: o.missingSet.filter((m) => !isNotAuthenticated(m)) }); // gone meanwhile
    if (redo.missingSet?.some(isNotAuthenticated)) {
      throw new SessionError(`${method}: the server still reports NotAuthenticated for ${o.obj.type}:${o.obj.value} after checking the session; not retrying further`, { method });
    }
    return toObject(redo);
  });
}

// ---- untyped path checks --------------------------------------------------

export { invalidPropertyPath, nearestPath } from "./path-check.js";

function checkKnownPaths(method: string, from: RetrieveSource<string>, select: readonly string[], known: readonly string[] | undefined): void {
  if (!known) return;
  checkSelect(method, select);
  const set = new Set(known);
  const type = Array.isArray(from) ? [...new Set((from as readonly MoRef[]).map((r) => r.type))].join("/") : (from as { type: string }).type;
  for (const p of select) {
    if (set.has(p)) continue;
    const near = nearestPath(p, known);
    throw new TypeError(`${method}: "${p}" is not a property path of ${type}${near ? `; nearest valid path: "${near}"` : ""}`);
  }
}

/**
 * On by default, for every retrieve: a path the client's bindings say cannot
 * exist on the selected type fails here, with the nearest valid path, rather
 * than coming back as InvalidProperty in `$missing` (see path-check.ts).
 */
function checkAgainstBindings(client: AnyClient, method: string, from: RetrieveSource<string>, select: readonly string[]): void {
  const registry = client.schemaRegistry as { tables?: PathTables } & AnyClient["schemaRegistry"];
  if (!registry.tables) return;
  const types = Array.isArray(from) ? [...new Set((from as readonly MoRef[]).map((r) => r?.type).filter((t): t is string => typeof t === "string"))] : [(from as { type: string }).type];
  checkPathsAgainstBindings(method, registry, types, select);
}
