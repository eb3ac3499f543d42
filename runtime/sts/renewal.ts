/**
 * Keeps a token fresh for a long-running service: renews it at the STS a
 * margin before it expires, and again after each renewal. A failed renewal is
 * reported as TokenRenewError (onError) and retried while the token is still
 * valid; once it has expired, the loop stops: the service must issue anew.
 * The timer is unref'd, so it never keeps a process alive on its own.
 */
import { TokenExpiredError, TokenRenewError } from "../errors/sts.js";
import type { StsClient } from "./sts-client.js";
import type { SamlToken } from "./token.js";
import type { SigningKey } from "./wsse.js";

export interface TokenRenewalOptions {
  readonly sts: StsClient;
  readonly token: SamlToken;
  /** The key a holder-of-key token is bound to. */
  readonly signingKey?: SigningKey;
  /** For a bearer token: the user the STS authenticates the renewal as. */
  readonly username?: string;
  readonly password?: string;
  /** Renew this many ms before the token expires (at once when less remains). Default 60 000. */
  readonly renewBefore?: number;
  /** Lifetime to ask for at each renewal, in ms. Default: the STS client's default. */
  readonly lifetime?: number;
  readonly onRenew?: (token: SamlToken) => void;
  readonly onError?: (error: TokenRenewError) => void;
  /** Aborting stops the renewals. */
  readonly signal?: AbortSignal;
}

export interface TokenRenewal extends Disposable {
  /** The newest token. */
  readonly token: SamlToken;
  /** Renews now (shared with a renewal already running); rejects with TokenRenewError. */
  renew(signal?: AbortSignal): Promise<SamlToken>;
  stop(): void;
}

const DEFAULT_RENEW_BEFORE_MS = 60_000;
const RETRY_MS = 15_000;

export function startTokenRenewal(o: TokenRenewalOptions): TokenRenewal {
  let token = o.token;
  let timer: NodeJS.Timeout | undefined;
  let inflight: Promise<SamlToken> | undefined;
  let stopped = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      renew().catch((err: TokenRenewError) => {
        o.onError?.(err);
        if (!(err.cause instanceof TokenExpiredError) && !token.expiredAt()) schedule(Math.min(RETRY_MS, untilExpiry() / 2));
      });
    }, Math.max(0, ms)).unref();
  };
  const untilExpiry = () => (token.expires ? token.expires.getTime() - Date.now() : Number.POSITIVE_INFINITY);
  const next = (afterRenewal: boolean) => {
    const left = untilExpiry();
    if (!Number.isFinite(left)) return; // no stated end: nothing to renew against
    const margin = o.renewBefore ?? DEFAULT_RENEW_BEFORE_MS;
    // A renewal that granted no more than the margin would renew again at once, forever: wait half the life instead.
    schedule(afterRenewal && left <= margin ? left / 2 : left - margin);
  };

  const renew = (signal?: AbortSignal): Promise<SamlToken> => {
    if (stopped) return Promise.reject(new TokenRenewError(o.sts.url, new Error("token renewal was stopped")));
    inflight ??= (async () => {
      try {
        token = await o.sts.renew(token, {
          ...(o.signingKey ? { signingKey: o.signingKey } : {}),
          ...(o.username !== undefined && o.password !== undefined ? { username: o.username, password: o.password } : {}),
          ...(o.lifetime !== undefined ? { lifetime: o.lifetime } : {}),
          ...(signal ? { signal } : {}),
        });
        o.onRenew?.(token);
        next(true);
        return token;
      } catch (err) {
        throw err instanceof TokenRenewError ? err : new TokenRenewError(o.sts.url, err);
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };

  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = undefined;
    o.signal?.removeEventListener("abort", stop);
  };
  if (o.signal?.aborted) stopped = true;
  else o.signal?.addEventListener("abort", stop, { once: true });
  next(false);

  return {
    get token() {
      return token;
    },
    renew,
    stop,
    [Symbol.dispose]: stop,
  };
}
