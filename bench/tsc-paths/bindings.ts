/** What the consumers import. The bench swaps this for recursive.ts to measure the alternative design. */
export type * from "./flat.js";
