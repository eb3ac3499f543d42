// Runs the SSO recipes of docs/GUIDE.md against vcsim with its STS
// (quoting and type-checking are checked by watch-guide.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import type { SamlToken } from "../../runtime/index.js";
import { solutionUserLogin } from "../../docs/examples/sso-solution-user.js";
import { serveWithFreshToken } from "../../docs/examples/sso-renew-token.js";
import type { Target } from "../../docs/examples/connection.js";
import { makeKeyPair } from "../fixtures/sts/keys.js";

describe("the guide's SSO recipes against vcsim", () => {
  let sim: Vcsim;
  let target: Target;
  beforeAll(async () => {
    sim = await startVcsim({ vm: 0, host: 1 });
    target = { url: sim.url, thumbprint: sim.thumbprint, username: "user", password: "pass" };
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it("sso-solution-user: logs in with a certificate and calls the API", async () => {
    const pair = makeKeyPair("guide-solution-user");
    const { user, serverTime } = await solutionUserLogin(target, pair.certFile, pair.keyFile);
    expect(user).toBe("Administrator@VSPHERE.LOCAL"); // the simulator's fixed token subject
    expect(serverTime).toBeInstanceOf(Date);
  });

  it("sso-renew-token: hands on the issued token, then each renewal, until stopped", async () => {
    const pair = makeKeyPair("guide-service");
    const tokens: SamlToken[] = [];
    const stop = new AbortController();
    // vcsim grants 5-minute tokens; renewing 10 minutes ahead means at once, so the test waits for a renewal, not for time.
    const done = serveWithFreshToken(target, pair, (t) => {
      tokens.push(t);
      if (tokens.length === 2) stop.abort();
    }, { renewBefore: 10 * 60_000, signal: stop.signal });
    await expect(done).resolves.toBeGreaterThanOrEqual(1);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(tokens.every((t) => t.expires!.getTime() > Date.now())).toBe(true);
  });
});
