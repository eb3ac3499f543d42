// Log in as a solution user: vCenter's SSO issues a holder-of-key token for the certificate, no password.
import { readFile } from "node:fs/promises";
import { connect } from "../../runtime/index.js";
import { schemas, ServiceInstance } from "./bindings.js";
import type { Target } from "./connection.js";

export async function solutionUserLogin(target: Target, certFile: string, keyFile: string): Promise<{ user: string; serverTime: Date }> {
  await using client = await connect({
    url: target.url,
    thumbprint: target.thumbprint,
    bindings: schemas,
    // The STS is found from the vCenter; the LoginByToken request is signed with the key.
    auth: { kind: "sso", certificate: await readFile(certFile, "utf8"), privateKey: await readFile(keyFile, "utf8") },
  });
  // When the session is lost, the client issues a fresh token and logs in again by itself.
  const serverTime = await client.call(ServiceInstance.CurrentTime, client.serviceInstance);
  return { user: client.userSession!.userName, serverTime };
}
