// A long-running service keeps a holder-of-key token fresh and hands each renewed token on.
import { connect, SigningKey, startTokenRenewal, type SamlToken } from "../../runtime/index.js";
import { schemas } from "./bindings.js";
import type { Target } from "./connection.js";

export async function serveWithFreshToken(
  target: Target,
  pem: { certificate: string; privateKey: string },
  onToken: (token: SamlToken) => void,
  options: { renewBefore?: number; signal: AbortSignal },
): Promise<number> {
  const signingKey = SigningKey.from(pem.certificate, pem.privateKey); // throws StsKeyError if they are not a pair
  await using client = await connect({ url: target.url, thumbprint: target.thumbprint, bindings: schemas, auth: { kind: "sso", signingKey } });
  const sts = await client.stsClient(); // logged in, so found from the config.vpxd.sso.sts.uri setting
  const token = await sts.issue({ signingKey, renewable: true, lifetime: 30 * 60_000 });
  onToken(token);
  let renewals = 0;
  const renewal = startTokenRenewal({
    sts,
    token,
    signingKey,
    renewBefore: options.renewBefore ?? 5 * 60_000,
    signal: options.signal,
    onRenew: (fresh) => {
      renewals++;
      onToken(fresh);
    },
    // A TokenRenewError: retried while the token lasts; after that, issue a new one.
    onError: (err) => console.error(err.message),
  });
  await new Promise<void>((resolve) => options.signal.addEventListener("abort", () => resolve(), { once: true }));
  renewal.stop();
  return renewals;
}
