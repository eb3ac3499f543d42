/**
 * A test-only HTTP(S) proxy on 127.0.0.1 in front of vcsim that re-pages and
 * truncates vcsim's real responses the way vCenter does — and nothing more.
 *
 * Why it exists: govmomi's simulator (0.24.2) answers RetrievePropertiesEx
 * with every object at once (no token; ContinueRetrievePropertiesEx is
 * MethodNotFound) and never truncates WaitForUpdatesEx. vCenter does both,
 * and client code that never saw a token or `truncated` is untested code.
 *
 * What it does, exactly:
 * - RetrievePropertiesEx: forwarded; when the answer holds more objects than
 *   min(pageSize, options.maxObjects), the first page is returned with a
 *   `<token>` as soon as that many objects (plus one) have arrived, and the
 *   rest is held in memory as it arrives, bound to the session cookie.
 * - ContinueRetrievePropertiesEx(token): answered from memory (after waiting
 *   for objects still arriving), never forwarded; the last page has no token. CancelRetrievePropertiesEx(token)
 *   drops what is held. An unknown token (or one of another session) gets the
 *   InvalidArgument fault vCenter sends.
 * - WaitForUpdatesEx: forwarded; when the UpdateSet carries more ObjectUpdates
 *   than min(options.maxObjectUpdates, maxObjectUpdates option), it is cut,
 *   marked `<truncated>true</truncated>` and given a synthetic version. The
 *   next WaitForUpdatesEx with that version is answered from memory (again
 *   truncated if needed); the last piece carries vcsim's real version.
 * - Everything else is passed through byte for byte.
 *
 * One test hook goes beyond that, and is only active when a test arms it:
 * `injectNotAuthenticated` rewrites the next RetrievePropertiesEx answer(s)
 * about objects of one type so their properties come back as NotAuthenticated
 * missingSet entries (what vCenter sends when the session dies while the
 * collector works), optionally running a callback first (e.g. to terminate
 * the session for real).
 *
 * The pieces are cut from vcsim's own XML (retrieve pages as byte ranges of its
 * answer) and re-wrapped in vcsim's own envelope, so the namespace declarations on the envelope (xsd:, xsi:) that
 * the values rely on stay in scope. It is not a vCenter emulator: it does not
 * expire tokens, and tokens are not scoped to a PropertyCollector.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { ChunkList, ReturnvalScanner } from "./returnval-scanner.js";
import { bodyElement, childElements, elementBytes, escapeXml, innerOf, scalar, splitAround, type Slice } from "./xml-slices.js";

export interface VcenterProxyOptions {
  /** vcsim's SDK URL (`https://127.0.0.1:PORT/sdk` or `http://…`). */
  readonly upstream: string;
  /** PEM to trust for an https upstream; without it the upstream certificate is not checked (it is a local simulator). */
  readonly upstreamCa?: string;
  /** Objects per RetrievePropertiesEx page (default 100); a smaller `options.maxObjects` wins. */
  readonly pageSize?: number;
  /** Cap on ObjectUpdates per WaitForUpdatesEx answer even when the client sets no `maxObjectUpdates`. */
  readonly maxObjectUpdates?: number;
  /** Serve https with this certificate instead of plain http. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export interface ProxyCounters {
  /** RetrievePropertiesEx answers that were cut into pages. */
  pagedRetrieves: number;
  /** Pages served in total: first pages of cut answers plus every ContinueRetrievePropertiesEx page. */
  pagesServed: number;
  continues: number;
  cancels: number;
  /** Continue/Cancel calls answered with InvalidArgument. */
  unknownTokens: number;
  /** WaitForUpdatesEx answers marked truncated. */
  truncations: number;
  /** WaitForUpdatesEx answered from held updates without asking vcsim. */
  heldUpdateAnswers: number;
  /** Paged RetrievePropertiesEx answers whose first page went out before vcsim's whole answer was read. */
  earlyPages: number;
  /** Requests seen per SOAP method (including ones answered by the proxy). */
  readonly methods: Map<string, number>;
  /** The proxy's own time finding the objects of paged RetrievePropertiesEx answers and cutting pages, ms. */
  cutMs: number;
  /** Time answering ContinueRetrievePropertiesEx, from the request read to the page handed to the socket (including any wait for the simulator's objects), ms. */
  continueMs: number;
}

export interface NotAuthenticatedInjection {
  /** Only answers holding objects of this type are rewritten. */
  readonly type: string;
  /** How many answers to rewrite (default 1). */
  readonly times?: number;
  /** Runs before the rewritten answer is sent. */
  readonly before?: () => Promise<void>;
}

export interface VcenterProxy {
  /** `http(s)://127.0.0.1:PORT/sdk`: give this to connect(). */
  readonly url: string;
  readonly counters: ProxyCounters;
  /** Retrieve tokens currently held (0 once every paged retrieve was read to the end or cancelled). */
  heldTokens(): number;
  /** Truncated update remainders currently held. */
  heldUpdateSets(): number;
  /** Test hook (see the header): the next matching RetrievePropertiesEx answers report NotAuthenticated for every property. */
  injectNotAuthenticated(injection: NotAuthenticatedInjection): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface HeldPages {
  readonly session: string;
  readonly head: string;
  readonly tail: string;
  /**
   * Every object of the cut answer read so far, as bytes: views into vcsim's body (or re-encoded
   * rewritten objects), so a page is copied out, never decoded and encoded again.
   */
  readonly objects: Buffer[];
  /** The next object to serve. */
  next: number;
  readonly pageSize: number;
  /** vcsim's answer has been read to its end (until then more objects may arrive). */
  complete: boolean;
  /** Why the rest of vcsim's answer could not be read. */
  failed?: string;
  /** Continue calls waiting for objects still arriving. */
  readonly waiters: Array<() => void>;
  /** Stops reading vcsim's answer (after a cancel). */
  stop?: () => void;
}

/** An answer made of XML text around byte pieces of vcsim's own answer. */
interface PagedAnswer {
  readonly head: string;
  readonly pieces: readonly Buffer[];
  readonly tail: string;
}

interface FilterPiece {
  readonly filter: string;
  readonly missing: string[];
  readonly updates: string[];
}

interface HeldUpdates {
  readonly session: string;
  readonly head: string;
  readonly tail: string;
  readonly realVersion: string;
  readonly filters: FilterPiece[];
}

const SOAP_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const SOAP_TAIL = "</soapenv:Body></soapenv:Envelope>";

function invalidArgument(what: string): string {
  return `${SOAP_HEAD}<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>A specified parameter was not correct: ${escapeXml(what)}</faultstring><detail><InvalidArgumentFault xmlns="urn:vim25" xsi:type="InvalidArgument"><invalidProperty>${escapeXml(what)}</invalidProperty></InvalidArgumentFault></detail></soapenv:Fault>${SOAP_TAIL}`;
}

function systemError(reason: string): string {
  return `${SOAP_HEAD}<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>${escapeXml(reason)}</faultstring><detail><SystemErrorFault xmlns="urn:vim25" xsi:type="SystemError"><reason>${escapeXml(reason)}</reason></SystemErrorFault></detail></soapenv:Fault>${SOAP_TAIL}`;
}

function sessionOf(req: http.IncomingMessage): string {
  return /vmware_soap_session="?([^";]+)/.exec(req.headers.cookie ?? "")?.[1] ?? "";
}

function positive(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export async function startVcenterProxy(options: VcenterProxyOptions): Promise<VcenterProxy> {
  const upstream = new URL(options.upstream);
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new TypeError(`vcenter-proxy: pageSize must be a positive integer, got ${pageSize}`);
  const counters: ProxyCounters = {
    pagedRetrieves: 0,
    pagesServed: 0,
    continues: 0,
    cancels: 0,
    unknownTokens: 0,
    truncations: 0,
    heldUpdateAnswers: 0,
    earlyPages: 0,
    methods: new Map(),
    cutMs: 0,
    continueMs: 0,
  };
  const pages = new Map<string, HeldPages>();
  const updates = new Map<string, HeldUpdates>();
  let serial = 0;
  let injection: { type: string; left: number; before?: () => Promise<void> } | undefined;
  const agent = upstream.protocol === "https:"
    ? new https.Agent({ keepAlive: true, ...(options.upstreamCa ? { ca: options.upstreamCa } : { rejectUnauthorized: false }) })
    : new http.Agent({ keepAlive: true });

  /** Sends the request to vcsim; resolves with its answer's head, the body still to be read. */
  function send(req: http.IncomingMessage, body: Buffer): Promise<http.IncomingMessage> {
    const headers = { ...req.headers, host: upstream.host };
    delete headers["content-length"];
    delete headers["transfer-encoding"];
    delete headers["accept-encoding"]; // the proxy edits bodies, so it wants them uncompressed
    const mod = upstream.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const up = mod.request(
        { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...headers, "content-length": body.length }, agent },
        resolve,
      );
      up.on("error", reject);
      up.end(body);
    });
  }

  async function forward(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    const res = await send(req, body);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return { status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) };
  }

  /** Headers of vcsim's answer worth passing on (not the framing ones: the proxy sets its own length). */
  function passHeaders(up: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(up)) {
      if (v !== undefined && k !== "content-length" && k !== "transfer-encoding" && k !== "connection" && k !== "keep-alive") headers[k] = v;
    }
    return headers;
  }

  /** Resolves once `held` has more than `count` objects, or vcsim's answer ended (or failed). */
  function objectsPast(held: HeldPages, count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (held.objects.length > count || held.complete || held.failed !== undefined) resolve();
        else held.waiters.push(check);
      };
      check();
    });
  }

  function wake(held: HeldPages): void {
    for (const w of held.waiters.splice(0)) w();
  }

  function pageOut(held: HeldPages, token: string): PagedAnswer {
    const page = held.objects.slice(held.next, held.next + held.pageSize);
    held.next += page.length;
    counters.pagesServed++;
    if (held.complete && held.next >= held.objects.length) {
      pages.delete(token);
      return { head: held.head, pieces: page, tail: held.tail };
    }
    return { head: `${held.head}<token>${escapeXml(token)}</token>`, pieces: page, tail: held.tail };
  }

  /** Replaces each object's propSet entries of `type` with NotAuthenticated missingSet entries. */
  function notAuthenticated(objects: string[], type: string): string[] | undefined {
    let hit = false;
    const out = objects.map((o) => {
      const parts = childElements(innerOf(o));
      const obj = parts.find((p) => p.name === "obj");
      if (!obj || !new RegExp(`type="${type}"`).test(obj.xml)) return o;
      hit = true;
      const missing = parts
        .filter((p) => p.name === "propSet")
        .map((p) => {
          const name = childElements(innerOf(p.xml)).find((c) => c.name === "name");
          return `<missingSet>${name?.xml ?? "<path></path>"}<fault><fault xsi:type="NotAuthenticated"><object type="${type}">${innerOf(obj.xml)}</object><privilegeId>System.View</privilegeId></fault><localizedMessage>The session is not authenticated.</localizedMessage></fault></missingSet>`.replace(/<name>/, "<path>").replace(/<\/name>/, "</path>");
        });
      return `<objects>${obj.xml}${parts.filter((p) => p.name === "missingSet").map((p) => p.xml).join("")}${missing.join("")}</objects>`;
    });
    return hit ? out : undefined;
  }

  /** The answer to send instead of vcsim's (a first page, or a rewritten answer); undefined: send vcsim's as it is. */
  async function onRetrieve(requestXml: string, body: Buffer, session: string): Promise<PagedAnswer | string | undefined> {
    const response = body.toString("utf8");
    const method = splitAround(response, "returnval");
    if (!method) return undefined; // empty result or a fault: nothing to page
    const kids = childElements(method.content);
    const objectKids = kids.filter((k) => k.name === "objects");
    let objects: Buffer[];
    let rewrittenAnswer: string | undefined;
    const rewritten = injection && injection.left > 0 ? notAuthenticated(objectKids.map((k) => k.xml), injection.type) : undefined;
    if (injection && rewritten) {
      const { before } = injection;
      if (--injection.left === 0) injection = undefined;
      await before?.();
      objects = rewritten.map((o) => Buffer.from(o));
      rewrittenAnswer = `${method.head}${kids.filter((k) => k.name !== "objects").map((k) => k.xml).join("")}${rewritten.join("")}${method.tail}`;
    } else {
      objects = elementBytes(body, response, method.head, method.content, objectKids);
    }
    const limit = Math.min(pageSize, positive(scalar(requestXml, "maxObjects")) ?? Infinity);
    if (objects.length <= limit) return rewrittenAnswer;
    counters.pagedRetrieves++;
    const token = `tsvmomi-proxy-token-${++serial}`;
    // Pages are re-wrapped in this answer's envelope, so prefixes declared on it stay in scope.
    const held: HeldPages = { session, head: method.head, tail: method.tail, objects, next: 0, pageSize: limit, complete: true, waiters: [] };
    pages.set(token, held);
    return pageOut(held, token);
  }

  /**
   * RetrievePropertiesEx as vCenter answers it: once vcsim's answer holds more objects than one
   * page, the first page goes out (with a token) while the rest is still arriving; the rest is
   * held for ContinueRetrievePropertiesEx, which waits for its objects if they are not in yet. An
   * answer that fits one page goes out as vcsim wrote it.
   */
  async function relayRetrieve(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, requestXml: string, session: string): Promise<void> {
    const up = await send(req, body);
    const limit = Math.min(pageSize, positive(scalar(requestXml, "maxObjects")) ?? Infinity);
    const chunks = new ChunkList();
    const scanner = new ReturnvalScanner();
    let held: HeldPages | undefined;
    let seen = 0; // children of returnval already looked at
    const take = () => {
      for (; seen < scanner.children.length; seen++) {
        const c = scanner.children[seen]!;
        if (c.name === "objects") held!.objects.push(chunks.range(c.start, c.end));
      }
    };
    try {
      for await (const chunk of up) {
        chunks.push(chunk as Buffer);
        if (up.statusCode !== 200 || scanner.closed) continue;
        const t0 = performance.now();
        scanner.feed(chunk as Buffer);
        if (held) {
          take();
          wake(held);
        } else if (scanner.children.filter((c) => c.name === "objects").length > limit) {
          counters.pagedRetrieves++;
          if (!scanner.closed) counters.earlyPages++;
          const token = `tsvmomi-proxy-token-${++serial}`;
          // Pages are wrapped in this answer's own envelope, so prefixes declared on it stay in scope.
          held = { session, head: chunks.range(0, scanner.contentStart).toString("utf8"), tail: scanner.closers, objects: [], next: 0, pageSize: limit, complete: false, waiters: [] };
          held.stop = () => up.destroy();
          take();
          pages.set(token, held);
          replyTo(res, 200, pageOut(held, token), passHeaders(up.headers));
        }
        counters.cutMs += performance.now() - t0;
      }
    } catch (err) {
      if (!held) throw err;
      held.failed = (err as Error)?.message ?? String(err);
      wake(held);
      return;
    }
    if (held) {
      held.complete = true;
      wake(held);
      return;
    }
    const all = chunks.all();
    res.writeHead(up.statusCode ?? 502, { ...passHeaders(up.headers), "content-length": all.length });
    res.end(all);
  }

  /** Answers already given for a held version, replayed if the client asks for that version again. */
  const answered = new Map<string, { session: string; xml: string }>();

  function chunkUpdates(held: HeldUpdates, cap: number): string {
    let room = cap;
    let out = "";
    while (held.filters.length > 0) {
      const f = held.filters[0]!;
      const take = f.updates.splice(0, room);
      room -= take.length;
      // A filter's MissingObject entries go out with its first piece.
      out += `<filterSet>${f.filter}${take.join("")}${f.missing.splice(0).join("")}</filterSet>`;
      if (f.updates.length === 0) held.filters.shift();
      if (room === 0) break;
    }
    const rest = held.filters.some((f) => f.updates.length > 0 || f.missing.length > 0);
    if (!rest) return `${held.head}<version>${escapeXml(held.realVersion)}</version>${out}${held.tail}`;
    counters.truncations++;
    const version = `tsvmomi-proxy-truncated-${++serial}`;
    updates.set(version, held);
    return `${held.head}<version>${version}</version>${out}<truncated>true</truncated>${held.tail}`;
  }

  function onWaitResponse(requestXml: string, response: string, session: string): string {
    const cap = Math.min(options.maxObjectUpdates ?? Infinity, positive(scalar(requestXml, "maxObjectUpdates")) ?? Infinity);
    if (cap === Infinity) return response;
    const method = splitAround(response, "returnval");
    if (!method) return response;
    const kids = childElements(method.content);
    const filterSets = kids.filter((k) => k.name === "filterSet");
    const total = filterSets.reduce((n, f) => n + childElements(innerOf(f.xml)).filter((c) => c.name === "objectSet").length, 0);
    if (total <= cap) return response;
    const version = kids.find((k) => k.name === "version");
    const held: HeldUpdates = {
      session,
      head: method.head,
      tail: method.tail,
      realVersion: version ? innerOf(version.xml) : "",
      filters: filterSets.map((f) => {
        const parts: Slice[] = childElements(innerOf(f.xml));
        return {
          filter: parts.filter((p) => p.name === "filter").map((p) => p.xml).join(""),
          updates: parts.filter((p) => p.name === "objectSet").map((p) => p.xml),
          missing: parts.filter((p) => p.name === "missingSet").map((p) => p.xml),
        };
      }),
    };
    return chunkUpdates(held, cap);
  }

  function replyTo(res: http.ServerResponse, status: number, xml: string | PagedAnswer, headers: http.OutgoingHttpHeaders = { "content-type": "text/xml; charset=utf-8" }): void {
    const bytes = typeof xml === "string" ? Buffer.from(xml) : Buffer.concat([Buffer.from(xml.head), ...xml.pieces, Buffer.from(xml.tail)]);
    res.writeHead(status, { ...headers, "content-length": bytes.length });
    res.end(bytes);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const text = body.toString("utf8");
    const method = req.method === "POST" ? bodyElement(text) : undefined;
    if (method) counters.methods.set(method, (counters.methods.get(method) ?? 0) + 1);
    const session = sessionOf(req);
    const reply = (status: number, xml: string | PagedAnswer, headers?: http.OutgoingHttpHeaders) => replyTo(res, status, xml, headers);

    if (method === "ContinueRetrievePropertiesEx" || method === "CancelRetrievePropertiesEx") {
      const token = scalar(text, "token") ?? "";
      const held = pages.get(token);
      if (!held || held.session !== session) {
        counters.unknownTokens++;
        return reply(500, invalidArgument("token"));
      }
      if (method === "CancelRetrievePropertiesEx") {
        counters.cancels++;
        pages.delete(token);
        if (!held.complete) held.stop?.();
        return reply(200, `${SOAP_HEAD}<CancelRetrievePropertiesExResponse xmlns="urn:vim25"></CancelRetrievePropertiesExResponse>${SOAP_TAIL}`);
      }
      counters.continues++;
      const t0 = performance.now();
      await objectsPast(held, held.next + held.pageSize);
      if (held.failed !== undefined) {
        pages.delete(token);
        return reply(500, systemError(`vcenter-proxy: reading the rest of the simulator's answer failed: ${held.failed}`));
      }
      const page = pageOut(held, token);
      const rename = (xml: string) => xml.replace(/RetrievePropertiesExResponse/g, "ContinueRetrievePropertiesExResponse");
      reply(200, { head: rename(page.head), pieces: page.pieces, tail: rename(page.tail) });
      counters.continueMs += performance.now() - t0;
      return;
    }

    if (method === "WaitForUpdatesEx") {
      const version = scalar(text, "version");
      // A wait is safe to repeat: a client retrying a version after a lost answer gets the same answer, as from vCenter.
      const again = version === undefined ? undefined : answered.get(version);
      if (again && again.session === session) {
        counters.heldUpdateAnswers++;
        return reply(200, again.xml);
      }
      const held = version === undefined ? undefined : updates.get(version);
      if (held && held.session === session) {
        updates.delete(version!);
        counters.heldUpdateAnswers++;
        const cap = Math.min(options.maxObjectUpdates ?? Infinity, positive(scalar(text, "maxObjectUpdates")) ?? Infinity);
        const xml = chunkUpdates(held, cap);
        answered.set(version!, { session, xml });
        if (answered.size > 64) answered.delete(answered.keys().next().value!);
        return reply(200, xml);
      }
    }

    // The armed test hook rewrites whole answers; every other retrieve is paged as it arrives.
    if (method === "RetrievePropertiesEx" && !(injection && injection.left > 0)) return relayRetrieve(req, res, body, text, session);
    const up = await forward(req, body);
    let out: Buffer | string | PagedAnswer = up.body;
    if (up.status === 200 && method === "RetrievePropertiesEx") {
      const t0 = performance.now();
      const cut = await onRetrieve(text, up.body, session);
      if (cut !== undefined) {
        out = cut;
        counters.cutMs += performance.now() - t0;
      }
    }
    if (up.status === 200 && method === "WaitForUpdatesEx") out = onWaitResponse(text, up.body.toString("utf8"), session);
    const headers = passHeaders(up.headers);
    if (Buffer.isBuffer(out)) {
      res.writeHead(up.status, { ...headers, "content-length": out.length });
      res.end(out);
    } else reply(up.status, out, headers);
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`vcenter-proxy: ${(err as Error)?.message ?? String(err)}`);
    });
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, listener) : http.createServer(listener);
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      agent.destroy();
    }));
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}${upstream.pathname}`,
    counters,
    heldTokens: () => pages.size,
    heldUpdateSets: () => updates.size,
    injectNotAuthenticated(i) {
      injection = { type: i.type, left: i.times ?? 1, ...(i.before ? { before: i.before } : {}) };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
