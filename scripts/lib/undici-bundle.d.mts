import type { Plugin } from "esbuild";

/** An esbuild plugin that applies the bundle's replacements inside undici; `check()` throws unless each one was used. */
export function undiciStartupPlugin(): { plugin: Plugin; check(): void };
