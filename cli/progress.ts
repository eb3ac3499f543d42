/**
 * A one-line progress bar on stderr for long tasks (clone, upload), drawn
 * only when stderr is a terminal: pipes and logs get the final line alone.
 */
import type { Io } from "./output.js";

export interface Progress {
  /** `percent` 0–100, or undefined while the server has not said. */
  update(percent: number | undefined, detail?: string): void;
  /** Clears the bar; the caller prints the outcome. */
  done(): void;
}

const WIDTH = 30;
const MIN_INTERVAL_MS = 100;

export function progress(io: Io, label: string): Progress {
  const tty = io.stderr.isTTY === true && !io.env.CI;
  let last = "";
  let lastAt = 0;
  let drawn = false;
  return {
    update(percent, detail) {
      if (!tty) return;
      const now = Date.now();
      if (now - lastAt < MIN_INTERVAL_MS && percent !== 100) return;
      const p = percent === undefined ? undefined : Math.max(0, Math.min(100, percent));
      const filled = p === undefined ? 0 : Math.round((p / 100) * WIDTH);
      const bar = `[${"#".repeat(filled)}${".".repeat(WIDTH - filled)}]`;
      const line = `${label} ${bar} ${p === undefined ? "  …" : `${String(Math.round(p)).padStart(3)}%`}${detail ? ` ${detail}` : ""}`;
      if (line === last) return;
      last = line;
      lastAt = now;
      drawn = true;
      io.stderr.write(`\r\x1b[2K${line}`);
    },
    done() {
      if (tty && drawn) io.stderr.write("\r\x1b[2K");
      drawn = false;
    },
  };
}
