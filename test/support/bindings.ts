/**
 * The default release's generated bindings, for tests, benchmarks and the
 * docs' examples. The default release is named in wsdl/manifest.ts
 * (`DEFAULT_RELEASE`); this file is the one place that imports its folder, so
 * switching the default means changing that constant and the line below
 * (test/support/bindings.test.ts checks they agree).
 */
export * from "../../generated/vim25-8.0.3/index.js";
