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

export async function* streamedCall<R>(
  start: (opts: { readonly signal: AbortSignal; readonly onItems: Stream["onItems"] }) => Promise<R>,
  outer?: AbortSignal,
): AsyncGenerator<ItemBatch, R, undefined> {
  outer?.throwIfAborted();
  const inner = new AbortController();
  const onAbort = () => inner.abort(outer!.reason);
  outer?.addEventListener("abort", onAbort, { once: true });
  let waiting: { batch: ItemBatch; resume: () => void; fail: (e: unknown) => void } | undefined;
  let settled: { ok: true; value: R } | { ok: false; error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const onItems = (items: unknown[], parent: unknown) =>
    new Promise<void>((resume, fail) => {
      if (inner.signal.aborted) return fail(inner.signal.reason);
      waiting = { batch: { items, parent }, resume, fail };
      wake?.();
    });
  let call: Promise<unknown>;
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
  try {
    for (;;) {
      if (waiting === undefined && settled === undefined) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const w = waiting;
      if (w !== undefined) {
        // `waiting` stays set while the consumer holds the batch, so an early exit can fail it.
        yield w.batch;
        waiting = undefined;
        w.resume();
        continue;
      }
      const s = settled!;
      if (s.ok) return s.value;
      throw s.error;
    }
  } finally {
    if (settled === undefined) {
      const stop = new ConsumerStopped();
      inner.abort(stop);
      waiting?.fail(stop);
      waiting = undefined;
      await call; // settles either way (both outcomes are handled above)
    }
    outer?.removeEventListener("abort", onAbort);
  }
}
