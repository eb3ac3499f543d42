/**
 * The default release's generated bindings, for tests, benchmarks and the
 * docs' examples. `generated/default.ts` names the release's folder; it is
 * written by `npm run generate` from DEFAULT_RELEASE in wsdl/manifest.ts.
 */
export * from "../../generated/default.js";
