/**
 * Retry for transient transport failures.
 *
 * Which failures: connect errors, resets (including a body cut short),
 * timeouts, HTTP 502/503/504. Never TLS errors, non-XML pages, other
 * statuses, SOAP faults or aborts: retrying would give the same answer or
 * override the caller.
 *
 * Which calls: all SOAP is POST, so idempotency comes from the method
 * descriptor (`safe: true`, set by the generator for reads). For an unsafe
 * call the question is whether the request may have reached the server:
 *   - connect refused / DNS / unreachable / connect timeout / TLS handshake
 *     dropped: nothing was written, so even a write is retried;
 *   - anything later (reset, response timeout, 502/503/504): the server may
 *     have executed it. 503 is included because a proxy in front of vCenter
 *     can answer 503 after forwarding. The call fails with
 *     OutcomeUnknownError naming the method, so the caller can check state
 *     (e.g. look for the task) before trying again.
 *
 * Deadline: when the call carries one (the client always sets it from
 * `timeout`), it bounds the whole call. A backoff or `Retry-After` wait that
 * would end at or past it is not started; the last error is thrown at once.
 * A TimeoutError for the deadline itself is never retried.
 *
 * Placement: this middleware is generic over the call type. Put it above the
 * codec when the codec streams the body, so a truncated body (a ResetError
 * raised while decoding) is retried too.
 */
import {
  ConnectError,
  HttpStatusError,
  OutcomeUnknownError,
  ResetError,
  TimeoutError,
  type TransportError,
} from "../errors/transport.js";
import type { Middleware, SoapCall, SoapResult } from "./middleware.js";

export interface RetryableCall {
  readonly method?: string;
  readonly safe?: boolean;
  readonly signal?: AbortSignal;
  /** The call's overall deadline: no attempt or wait starts that would end past it. */
  readonly deadline?: { readonly at: number };
  /** A streamed call that already handed items out is never resent (see session/api-call.ts). */
  readonly stream?: { readonly started: boolean };
}

export interface RetryInfo {
  readonly method: string | undefined;
  /** The attempt that just failed, from 1. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: TransportError;
}

export interface RetryOptions {
  /** Total attempts, the first included. Default 4. */
  readonly attempts?: number;
  /** First backoff step in ms; doubles each attempt. Default 250. */
  readonly baseDelayMs?: number;
  /** Cap for the exponential step. Default 8 000. */
  readonly maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown at once. Default 60 000. */
  readonly maxRetryAfterMs?: number;
  /** Jitter source in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Waits `ms`, rejecting with `signal.reason` on abort. Injectable for tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly onRetry?: (info: RetryInfo) => void;
}

const RETRY_STATUSES = new Set([502, 503, 504]);

/**
 * A failure that may go away if the same request is sent again. A passed
 * call deadline counts too: a layer above (a watch) may start a new call.
 */
export function isTransient(err: unknown): err is TransportError {
  return (
    err instanceof ConnectError ||
    err instanceof ResetError ||
    err instanceof TimeoutError ||
    (err instanceof HttpStatusError && RETRY_STATUSES.has(err.status))
  );
}

/** False only when the failure provably happened before any request byte was written. */
export function mayHaveReachedServer(err: TransportError): boolean {
  if (err instanceof ConnectError) return false;
  if (err instanceof TimeoutError && err.phase === "connect") return false;
  return true;
}

/** Exponential backoff with equal jitter: half the step is fixed, half random. */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  const step = Math.min(max, base * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function retry<C extends RetryableCall = SoapCall, R = SoapResult>(options: RetryOptions = {}): Middleware<C, R> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? 8_000;
  const maxRetryAfter = options.maxRetryAfterMs ?? 60_000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;

  return (next) => async (call) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(call);
      } catch (err) {
        if (!isTransient(err) || call.stream?.started) throw err;
        if (!call.safe && mayHaveReachedServer(err)) {
          throw new OutcomeUnknownError(
            { host: err.host, ...(call.method ?? err.method ? { method: call.method ?? err.method } : {}) },
            err,
          );
        }
        if (attempt >= attempts) throw err;
        // The deadline is the call's, not the attempt's: once it passed there is nothing left to retry in.
        if (err instanceof TimeoutError && err.deadline) throw err;
        let delayMs = backoffDelay(attempt, base, max, random);
        if (err instanceof HttpStatusError && err.retryAfterMs !== undefined) {
          if (err.retryAfterMs > maxRetryAfter) throw err;
          delayMs = Math.max(delayMs, err.retryAfterMs);
        }
        // A wait (backoff or Retry-After) that would end at or past the deadline is not started:
        // the next attempt would have no time left, so the caller gets the real error now.
        if (call.deadline && Date.now() + delayMs >= call.deadline.at) throw err;
        options.onRetry?.({ method: call.method ?? err.method, attempt, delayMs, error: err });
        await sleep(delayMs, call.signal);
      }
    }
  };
}
