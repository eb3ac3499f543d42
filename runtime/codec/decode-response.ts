/**
 * Entry points that feed a body (string, bytes or a byte stream) through the
 * tokenizer into the schema-driven decoder.
 */
import type { MethodSchema, SchemaRegistry } from "../schema.js";
import { compile, fieldInfo } from "./compiled-schema.js";
import { CodecError } from "../errors/codec.js";
import { faultChainOf, MethodFaultError, type SoapFaultInfo } from "../errors/client.js";
import { type DecodeOptions, type ItemStream, ResponseDecoder } from "./response-decoder.js";
import { XmlTokenizer } from "./xml-tokenizer.js";
import { InvalidUtf8, UTF8_SLICE, Utf8Chunks } from "./utf8.js";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH } from "./limits.js";

export type { DecodeOptions, ItemStream } from "./response-decoder.js";

export { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_ELEMENTS, ELEMENT_COST_BYTES } from "./limits.js";

const EXCERPT_CODES = new Set(["TSVMOMI_ERR_NOT_XML", "TSVMOMI_ERR_NOT_SOAP", "TSVMOMI_ERR_DOCTYPE_FORBIDDEN"]);

/** A response as the decoder takes it: whole text, whole bytes, or chunks as they arrive (a transport `ResponseBody`). */
export type DecodeInput = string | Uint8Array | AsyncIterable<Uint8Array>;

/**
 * Decodes a SOAP response to a call of `method` (the schema the call carried) into its typed `returnval` (an array when
 * the method returns one, undefined when it returns nothing). A SOAP fault is
 * thrown as a MethodFaultError whose `faultChain` the registry supplies; anything that is
 * not a well-formed SOAP answer is thrown as a `CodecError`.
 */
export async function decodeResponse(registry: SchemaRegistry, method: MethodSchema, body: DecodeInput, opts: DecodeOptions = {}): Promise<unknown> {
  let source: AsyncIterable<string | Uint8Array>;
  if (typeof body === "string" || body instanceof Uint8Array) {
    if (!opts.stream) return decodeResponseSync(registry, method, body, opts);
    source = slices(body);
  } else source = body;
  const methodName = method.name;
  const run = start(registry, method, opts);
  const stream = opts.stream;
  const utf8 = new Utf8Chunks();
  let bytes = 0;
  try {
    for await (const chunk of source) {
      bytes += typeof chunk === "string" ? chunk.length : chunk.byteLength;
      if (bytes > run.maxBytes) throw tooLarge(run.maxBytes, methodName);
      run.feed(typeof chunk === "string" ? chunk : decodeUtf8(utf8, chunk, false, methodName));
      // Back-pressure: the next chunk is read only once the consumer took these items.
      if (stream) await run.deliver(stream);
    }
    run.feed(decodeUtf8(utf8, EMPTY, true, methodName));
    return await run.finishStreamed(stream);
  } catch (err) {
    // Whatever closed before the failure still reaches the consumer, however the body was chunked; then the error.
    if (stream) {
      try {
        await run.deliver(stream);
      } catch {
        // The consumer stopped: the first error is the one to report.
      }
    }
    throw err;
  }
}

/** An in-memory body fed in transport-sized pieces, so streamed items go out as they would off a socket. */
async function* slices(body: string | Uint8Array): AsyncGenerator<string | Uint8Array> {
  const step = UTF8_SLICE;
  for (let at = 0; at < body.length; at += step) yield typeof body === "string" ? body.slice(at, at + step) : body.subarray(at, at + step);
}

/** `decodeResponse` for a body that is already in memory. */
export function decodeResponseSync(registry: SchemaRegistry, method: MethodSchema, body: string | Uint8Array, opts: DecodeOptions = {}): unknown {
  const methodName = method.name;
  const run = start(registry, method, opts);
  if (typeof body === "string") {
    // Strings are limited by length in UTF-16 units, close enough to bytes for the mostly-ASCII SOAP text.
    if (body.length > run.maxBytes) throw tooLarge(run.maxBytes, methodName);
    run.feed(body);
  } else {
    if (body.byteLength > run.maxBytes) throw tooLarge(run.maxBytes, methodName);
    // In slices: one string of the whole body is a large-object allocation that costs more than decoding it.
    const utf8 = new Utf8Chunks();
    const len = body.byteLength;
    for (let at = 0; at < len; at += UTF8_SLICE) run.feed(decodeUtf8(utf8, body.subarray(at, at + UTF8_SLICE), at + UTF8_SLICE >= len, methodName));
    if (len === 0) run.feed(decodeUtf8(utf8, body, true, methodName));
  }
  return run.finish();
}

/** Decodes one standalone element (`<val xsi:type="xsd:int">5</val>`) as `typeName`; its element name is ignored. */
export function decodeValue(registry: SchemaRegistry, typeName: string, xml: string, opts: DecodeOptions = {}): unknown {
  const schema = compile(registry);
  const field = fieldInfo(schema, { name: "value", type: typeName });
  const decoder = new ResponseDecoder(schema, "decodeValue", field, opts, true);
  const tokenizer = new XmlTokenizer(decoder, opts.maxDepth ?? DEFAULT_MAX_DEPTH);
  decoder.tokenizer = tokenizer;
  tokenizer.write(xml);
  tokenizer.end();
  return decoder.finish().value;
}

interface Run {
  maxBytes: number;
  feed(text: string): void;
  finish(): unknown;
  /** Hands the items closed so far to `stream` (nothing when there are none). */
  deliver(stream: ItemStream): Promise<void> | void;
  /** `finish`, with the last streamed items delivered before the value (or the fault) is returned. */
  finishStreamed(stream: ItemStream | undefined): Promise<unknown>;
}

function start(registry: SchemaRegistry, method: MethodSchema, opts: DecodeOptions): Run {
  const methodName = method.name;
  const schema = compile(registry);
  const decoder = new ResponseDecoder(schema, methodName, schema.method(method).returns, opts);
  const tokenizer = new XmlTokenizer(decoder, opts.maxDepth ?? DEFAULT_MAX_DEPTH);
  decoder.tokenizer = tokenizer;
  let head = "";
  const withExcerpt = (e: unknown): unknown => {
    if (!(e instanceof CodecError) || !EXCERPT_CODES.has(e.code) || e.excerpt !== undefined) return e;
    const details: ConstructorParameters<typeof CodecError>[2] = { method: methodName, excerpt: head.slice(0, 200) };
    if (e.path !== undefined) details.path = e.path;
    if (e.offset !== undefined) details.offset = e.offset;
    return new CodecError(e.code, e.reason, details);
  };
  const end = (): { value: unknown; fault?: SoapFaultInfo } => {
    try {
      tokenizer.end();
      return decoder.finish();
    } catch (e) {
      throw withExcerpt(e);
    }
  };
  const settle = (out: { value: unknown; fault?: SoapFaultInfo }): unknown => {
    if (out.fault) throw new MethodFaultError(out.fault, faultChainOf(registry, out.fault));
    return out.value;
  };
  return {
    maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES,
    deliver(stream) {
      const items = decoder.takeItems();
      if (items.length > 0) return stream.deliver(items, decoder.partial());
    },
    async finishStreamed(stream) {
      const out = end();
      if (stream) await this.deliver(stream);
      return settle(out);
    },
    feed(text) {
      if (head.length < 200) head += text.slice(0, 200 - head.length);
      try {
        tokenizer.write(text);
      } catch (e) {
        throw withExcerpt(e);
      }
    },
    finish() {
      return settle(end());
    },
  };
}

const EMPTY = new Uint8Array(0);

function decodeUtf8(utf8: Utf8Chunks, chunk: Uint8Array, last: boolean, method: string): string {
  try {
    return utf8.decode(chunk, last);
  } catch (e) {
    if (e instanceof InvalidUtf8) throw new CodecError("TSVMOMI_ERR_NOT_XML", "response is not valid UTF-8", { method });
    throw e;
  }
}

function tooLarge(max: number, method: string): CodecError {
  return new CodecError("TSVMOMI_ERR_TOO_LARGE", `response exceeds maxBytes (${max} bytes)`, { method });
}
