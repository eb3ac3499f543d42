/**
 * How much one response may cost: bytes, elements, nesting. The byte and
 * element defaults derive from this process's heap limit, so a hostile or
 * broken server gets a TOO_LARGE error instead of crashing the process with
 * "JavaScript heap out of memory".
 */
import { getHeapStatistics } from "node:v8";

/** This process's V8 heap limit (`--max-old-space-size`, or Node's default for the machine). */
const HEAP_LIMIT = getHeapStatistics().heap_size_limit;

/**
 * Heap bytes one decoded element costs at worst, measured: dense
 * `<objects><obj type="VirtualMachine">vm-1</obj></objects>` (an object and a
 * MoRef per two elements) took 118 B per element; strings 77, empty data
 * objects 62, unknown nested elements 40, ints 24. Rounded up for attributes.
 */
export const ELEMENT_COST_BYTES = 160;

/**
 * Largest response body decoded: 512 MiB (several times the largest
 * RetrievePropertiesEx page we have seen), but at most an eighth of the heap,
 * since a long text value costs about twice its size while it is joined.
 */
export const DEFAULT_MAX_BYTES = Math.min(512 * 1024 * 1024, Math.floor(HEAP_LIMIT / 8));

/**
 * Most elements decoded from one response: a quarter of the heap at the
 * worst measured cost per element. Bytes alone do not protect the heap: dense
 * small elements decode to about 4.7 times their size. On a 2 GiB heap this is
 * about 3.4 million elements; the largest answer we have measured (35 MB of
 * vcsim RetrievePropertiesEx, about 39 bytes per element) has about 0.9 million.
 */
export const DEFAULT_MAX_ELEMENTS = Math.floor(HEAP_LIMIT / 4 / ELEMENT_COST_BYTES);
export const DEFAULT_MAX_DEPTH = 512;
