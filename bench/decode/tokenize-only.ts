/**
 * The decoder's baseline: the same bytes through the same UTF-8 step
 * (`Utf8Chunks`, 64 KiB slices, as decodeResponseSync does) and the bare
 * tokenizer with a handler that does (almost) nothing. Decoding the whole body
 * into one string instead costs more than the slices (a large-object
 * allocation), which flattered the decoder's ratio to this baseline.
 */
import { UTF8_SLICE, Utf8Chunks } from "../../runtime/codec/utf8.js";
import { type TokenHandler, XmlTokenizer } from "../../runtime/codec/xml-tokenizer.js";

export function tokenizeOnly(bytes: Uint8Array, handler: TokenHandler): void {
  const t = new XmlTokenizer(handler, 512);
  const utf8 = new Utf8Chunks();
  for (let at = 0; at < bytes.byteLength; at += UTF8_SLICE) t.write(utf8.decode(bytes.subarray(at, at + UTF8_SLICE), at + UTF8_SLICE >= bytes.byteLength));
  t.end();
}
