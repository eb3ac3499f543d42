/**
 * Only the default release's `schemas` table, for processes that measure their
 * own memory (bench/workloads/tsvmomi-worker.ts) and must not load every
 * method module. Kept beside bindings.ts, which names the same folder.
 */
export { schemas } from "../../generated/vim25-8.0.3/schemas.js";
