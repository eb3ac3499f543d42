/**
 * The live session: its cookie, a generation counter, and the means to log
 * in again. The credentials never live here: `arm()` takes a closure that
 * captured them, so they are neither enumerable, nor inspectable, nor
 * serializable from any object the client exposes.
 */
import { inspect } from "node:util";
import { SessionError } from "../errors/client.js";

export type Reauthenticate = () => Promise<void>;

export class SessionState {
  #cookie: string | undefined;
  #epoch = 0;
  #reauth: Reauthenticate | undefined;
  #inflight: Promise<void> | undefined;
  #logins = 0;
  /** Told about every cookie change (the session cache persists it). */
  onCookie: ((cookie: string | undefined) => void) | undefined;

  /** Raw cookie value; only the wire layer and the session cache read it. */
  get cookie(): string | undefined {
    return this.#cookie;
  }

  /** Bumped whenever the server hands out a different session cookie. */
  get epoch(): number {
    return this.#epoch;
  }

  get canRecover(): boolean {
    return this.#reauth !== undefined;
  }

  /** A re-login is in flight: a call about to be sent should wait for its cookie. */
  get recovering(): boolean {
    return this.#inflight !== undefined;
  }

  /** Resolves (never rejects) once the re-login in flight, if any, has ended. */
  settled(): Promise<void> {
    return this.#inflight ? this.#inflight.then(
      () => undefined,
      () => undefined,
    ) : Promise.resolve();
  }

  /** Re-logins performed by `recover` so far. */
  get relogins(): number {
    return this.#logins;
  }

  setCookie(value: string | undefined): void {
    if (value === this.#cookie) return;
    this.#cookie = value;
    if (value !== undefined) this.#epoch++;
    this.onCookie?.(value);
  }

  arm(reauth: Reauthenticate): void {
    this.#reauth = reauth;
  }

  disarm(): void {
    this.#reauth = undefined;
  }

  /**
   * Logs in again, once for everyone: callers that arrive while a re-login
   * runs share its promise. Each caller may give up on its own signal without
   * cancelling the shared re-login.
   */
  recover(method: string, signal?: AbortSignal): Promise<void> {
    const reauth = this.#reauth;
    if (!reauth) {
      return Promise.reject(new SessionError(`${method}: the session expired (NotAuthenticated) and no credentials are kept to log in again`, { method }));
    }
    this.#inflight ??= (async () => {
      try {
        this.#logins++;
        await reauth();
      } catch (err) {
        throw new SessionError(
          `${method}: the session expired (NotAuthenticated) and logging in again failed: ${(err as Error)?.message ?? String(err)}`,
          { cause: err, method },
        );
      } finally {
        this.#inflight = undefined;
      }
    })();
    return raceAbort(this.#inflight, signal);
  }

  toJSON(): Record<string, unknown> {
    return { authenticated: this.#cookie !== undefined, relogins: this.#logins };
  }

  [inspect.custom](): string {
    return `SessionState { authenticated: ${this.#cookie !== undefined}, relogins: ${this.#logins} }`;
  }
}

export function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
