/**
 * Keeps an idle session alive by making a cheap authenticated call on a
 * timer, as govmomi's keepalive handler does. The timer is unref'd: it never
 * keeps a program alive on its own. A failed ping is only logged; the next
 * real call goes through the session layer, which logs in again if needed.
 */
export interface KeepAlive {
  stop(): void;
}

export function startKeepAlive(intervalMs: number, ping: () => Promise<unknown>, warn: (m: string) => void): KeepAlive {
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // a slow server must not pile pings up
    running = true;
    ping()
      .catch((err: unknown) => warn(`keepalive failed: ${(err as Error)?.message ?? String(err)}`))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
