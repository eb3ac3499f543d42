/**
 * A response body that can be consumed once, either as a stream (so the codec
 * decodes straight off the socket) or whole. Errors raised while reading are
 * mapped by the transport, so a reset mid-body surfaces as a ResetError and a
 * deadline as a TimeoutError, not as an undici internal.
 */

export interface ResponseBody extends AsyncIterable<Uint8Array> {
  text(): Promise<string>;
  bytes(): Promise<Uint8Array>;
  /** Discards the rest of the body (frees the connection's deadline timer). */
  discard(): Promise<void>;
}

export interface BodySource {
  /**
   * Chunks already read while sniffing the response, replayed first. The body takes them: each
   * is removed from this array as it is replayed, so the caller's array (which its closures keep
   * for the whole answer) does not hold a socket read of up to 64 KiB until the answer ends.
   */
  readonly head: Uint8Array[];
  readonly rest: AsyncIterator<Uint8Array>;
  /** Turns an error thrown while reading into the error the caller should see. */
  mapError(err: unknown): unknown;
  /** Runs exactly once: on end, on error, or when the consumer stops early. */
  finish(): void;
  /**
   * The body is read straight off a socket (the transport's own): wait a tick
   * at its end so undici marks the socket idle before `finish`. Wrappers over
   * such a body (the trace's) must not wait again: the socket slot is free by
   * then, and the next call should see the state this answer leads to.
   */
  readonly fromSocket?: boolean;
}

export function createBody(src: BodySource): ResponseBody {
  let consumed = false;
  let finished = false;
  const finish = () => {
    if (!finished) {
      finished = true;
      src.finish();
    }
  };

  async function* iterate(): AsyncGenerator<Uint8Array> {
    if (consumed) throw new TypeError("response body was already consumed");
    consumed = true;
    let done = false;
    try {
      // Held for the whole answer, a sniffed chunk would outlive two scavenges and sit in old space
      // as garbage until the next mark-compact: one per call, 7-9 MB over 110 pages.
      while (src.head.length > 0) yield src.head.shift()!;
      for (;;) {
        let step: IteratorResult<Uint8Array>;
        try {
          step = await src.rest.next();
        } catch (err) {
          done = true;
          throw src.mapError(err);
        }
        if (step.done) {
          done = true;
          if (!src.fromSocket) return;
          // undici marks the socket idle a tick after the body ends; without this wait a call made
          // right after this one would open a second connection instead of reusing this one.
          await new Promise<void>((resolve) => setImmediate(resolve));
          return;
        }
        yield step.value;
      }
    } finally {
      // Early exit by the consumer: release the socket rather than leave it half-read.
      if (!done) await src.rest.return?.().catch(() => undefined);
      finish();
    }
  }

  const bytes = async (): Promise<Uint8Array> => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const c of iterate()) {
      chunks.push(c);
      size += c.byteLength;
    }
    return concatBytes(chunks, size);
  };

  return {
    [Symbol.asyncIterator]: iterate,
    bytes,
    text: async () => new TextDecoder("utf-8").decode(await bytes()),
    discard: async () => {
      if (consumed) return;
      consumed = true;
      await src.rest.return?.().catch(() => undefined);
      finish();
    },
  };
}

/** A body over bytes already in memory (used by the trace middleware after it buffered a response). */
export function bufferedBody(data: Uint8Array): ResponseBody {
  return createBody({
    head: data.byteLength ? [data] : [],
    rest: { next: async () => ({ done: true, value: undefined }) },
    mapError: (e) => e,
    finish: () => undefined,
  });
}

/** Joins chunks whose total length is `size` (the single-chunk case costs no copy). */
export function concatBytes(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
