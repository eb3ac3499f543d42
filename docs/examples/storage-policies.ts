// List storage policies (SPBM) on the vim25 session, and the datastores that satisfy one.
import { connect } from "../../runtime/index.js";
import { compatibleDatastores, findStoragePolicy, pbmClient, storagePolicies } from "../../object/index.js";
import { schemas } from "./bindings.js";
import type { Target } from "./connection.js";

export async function policies(target: Target, name: string): Promise<{ names: string[]; datastores: string[] }> {
  await using client = await connect({ ...target, bindings: schemas });
  await using spbm = await pbmClient(client); // same session cookie, the /pbm endpoint
  const names = (await storagePolicies(spbm)).map((p) => p.name);
  const policy = await findStoragePolicy(spbm, name);
  const datastores = (await compatibleDatastores(spbm, policy.profileId)).map((r) => `${r.hub.hubType}:${r.hub.hubId}`);
  return { names, datastores };
}
