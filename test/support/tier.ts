/**
 * Long lists shared between the two test tiers. A few suites walk every WSDL
 * bundle in ../shared or damage a real file at many seeded offsets. Such a
 * suite runs in both vitest projects (vitest.config.ts, `SPLIT`): the unit tier
 * takes a fixed, deterministic share and the integration tier the rest, so
 * `npm run test:unit` stays fast while `npm test`, which runs both tiers, still
 * covers every item exactly once. Outside the two projects (no tier provided)
 * a suite takes every item.
 */
import { describe, inject, it } from "vitest";

export type Tier = "unit" | "integration";

declare module "vitest" {
  export interface ProvidedContext {
    /** The project running the file; set with `provide` in vitest.config.ts. */
    testTier: Tier;
  }
}

export const tier: Tier | undefined = inject("testTier");

/**
 * This tier's share of `items`: the unit tier's are those `inUnit` accepts
 * (given each item and its index in the whole list), the integration tier's
 * the others.
 */
export function tierShare<T>(items: readonly T[], inUnit: (item: T, index: number) => boolean): T[] {
  if (tier === undefined) return [...items];
  return items.filter((item, i) => inUnit(item, i) === (tier === "unit"));
}

/**
 * `describe` and `it` for the rest of a split file: declared in the unit tier
 * (or outside the projects) only, so that `npm test` runs them once. The
 * integration tier declares nothing but its share of the split lists.
 */
export function describeOnce(title: string, fn: () => void): void {
  if (tier !== "integration") describe(title, fn);
}

export function itOnce(title: string, fn: () => unknown, timeout?: number): void {
  if (tier !== "integration") it(title, fn, timeout);
}
