// A response body replays the chunks the transport sniffed, then reads on. It must let go of each
// sniffed chunk once replayed: the transport's array lives as long as the answer, and a chunk held
// that long reaches V8's old space (a socket read of up to 64 KiB per call, freed only by the next
// mark-compact; 7-9 MB after 110 pages of a paged retrieve).
import { describe, expect, it } from "vitest";
import { createBody } from "../../runtime/soap/body.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("createBody", () => {
  it("replays the sniffed chunks in order, removing each from the transport's array as it goes out, then reads the rest", async () => {
    const head = [bytes("<a>"), bytes("<b/>")];
    const rest = [bytes("</a>")];
    let finished = 0;
    const body = createBody({
      head,
      rest: { next: async () => (rest.length > 0 ? { done: false, value: rest.shift()! } : { done: true, value: undefined }) },
      mapError: (e) => e,
      finish: () => void finished++,
    });
    const seen: string[] = [];
    const headLeft: number[] = [];
    for await (const c of body) {
      seen.push(new TextDecoder().decode(c));
      headLeft.push(head.length);
    }
    expect(seen).toEqual(["<a>", "<b/>", "</a>"]);
    expect(headLeft).toEqual([1, 0, 0]);
    expect(finished).toBe(1);
  });

  it("text() still sees the sniffed chunks", async () => {
    const body = createBody({ head: [bytes("<x>"), bytes("1</x>")], rest: { next: async () => ({ done: true, value: undefined }) }, mapError: (e) => e, finish: () => undefined });
    expect(await body.text()).toBe("<x>1</x>");
  });
});
