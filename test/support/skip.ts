/**
 * The one way a suite may be skipped: `describeIf(hasOpenssl, "openssl is not on PATH")`.
 * A skipped suite says why in its title, and under CI (`CI` is set by .ci/run) a
 * skip is a failure: CI installs everything the suites need (.ci/setup-system.sh),
 * so a missing tool there is a broken setup, not a reason to test less.
 */
import { describe } from "vitest";

export function describeIf(condition: boolean, why: string): (title: string, fn: () => void) => void {
  if (condition) return (title, fn) => describe(title, fn);
  if (process.env.CI) {
    return (title) =>
      describe(title, () => {
        throw new Error(`${title}: would be skipped (${why}), and CI runs every suite; fix the CI setup (.ci/setup-system.sh)`);
      });
  }
  return (title, fn) => describe.skip(`${title} (skipped: ${why})`, fn);
}
