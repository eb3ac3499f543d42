// The generated bindings the examples use: this repo's default release.
// In your own project, re-export your release's generated folder or bindings package here.
export * from "../../test/support/bindings.js";
