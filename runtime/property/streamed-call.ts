/**
 * One call whose result items arrive while its body is read (CallOptions.stream),
 * turned into an async iterator of batches with back-pressure: the decoder
 * waits in `onItems` until the consumer asks for the next batch, so at most
 * one batch is held between them and undici stops reading the socket while
 * the consumer works.
 *
 * Leaving early (break, throw, the caller's abort) aborts the call: the body
 * stops being read and its socket is released, and the call has settled
 * before the iterator's `return` resolves, so cleanup that follows (cancel a
 * token, destroy a view) never races it.
 */
import type { CallOptions } from "../client/descriptor.js";

export interface ItemBatch {
  readonly items: unknown[];
  /** The returned object as decoded so far (RetrieveResult: its `token`, which precedes `objects`). */
  readonly parent: unknown;
}

type Stream = NonNullable<CallOptions["stream"]>;

/** Why a call was aborted when its consumer stopped reading (never seen by the consumer). */
class ConsumerStopped extends Error {
  constructor() {
    super("the consumer stopped reading the streamed items");
    this.name = "ConsumerStopped";
  }
}

/** The batches of one streamed call, then its result; `return` stops the call and resolves once it has settled. */
export interface StreamedAnswer<R> {
  next(): Promise<IteratorResult<ItemBatch, R>>;
  return(): Promise<void>;
}

/** Starts the call at once (so a page can be asked for ahead of time) and hands its items out batch by batch. */
export function streamedCall<R>(
  start: (opts: { readonly signal: AbortSignal; readonly onItems: Stream["onItems"] }) => Promise<R>,
  outer?: AbortSignal,
): StreamedAnswer<R> {
  outer?.throwIfAborted();
  const inner = new AbortController();
  const onAbort = () => inner.abort(outer!.reason);
  outer?.addEventListener("abort", onAbort, { once: true });
  /** The batch the consumer holds (or has not taken yet): the decoder waits until it is released. */
  let waiting: { batch: ItemBatch; resume: () => void; fail: (e: unknown) => void; taken: boolean } | undefined;
  let settled: { ok: true; value: R } | { ok: false; error: unknown } | undefined;
  let wake: (() => void) | undefined;
  let closed = false;
  const onItems = (items: unknown[], parent: unknown) =>
    new Promise<void>((resume, fail) => {
      if (inner.signal.aborted) return fail(inner.signal.reason);
      waiting = { batch: { items, parent }, resume, fail, taken: false };
      wake?.();
    });
  let call: Promise<void>;
  try {
    call = start({ signal: inner.signal, onItems }).then(
      (value) => {
        settled = { ok: true, value };
        wake?.();
      },
      (error: unknown) => {
        settled = { ok: false, error };
        wake?.();
      },
    );
  } catch (err) {
    outer?.removeEventListener("abort", onAbort);
    throw err;
  }
  const release = () => outer?.removeEventListener("abort", onAbort);
  return {
    async next() {
      if (closed) return { done: true, value: undefined as R };
      // The consumer asking again releases the batch it held: the decoder reads on.
      if (waiting?.taken) {
        const w = waiting;
        waiting = undefined;
        w.resume();
      }
      if (waiting === undefined && settled === undefined) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (waiting !== undefined) {
        waiting.taken = true;
        return { done: false, value: waiting.batch };
      }
      closed = true;
      release();
      const s = settled!;
      if (s.ok) return { done: true, value: s.value };
      throw s.error;
    },
    async return() {
      if (closed) return;
      closed = true;
      if (settled === undefined) {
        const stop = new ConsumerStopped();
        inner.abort(stop);
        waiting?.fail(stop);
        waiting = undefined;
        await call; // settles either way (both outcomes are handled above)
      }
      release();
    },
  };
}
