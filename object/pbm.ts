/**
 * Storage policies (SPBM) from a vim25 session, as govmomi's pbm.NewClient
 * does: the same connection and session cookie (also sent as the
 * `vcSessionCookie` SOAP header vCenter's pbm endpoint reads), the `/pbm`
 * endpoint and the `urn:pbm` namespace, then PbmRetrieveServiceContent.
 *
 *   await using spbm = await pbmClient(client);
 *   for (const p of await storagePolicies(spbm)) console.log(p.name, p.profileId.uniqueId);
 *   const gold = await findStoragePolicy(spbm, "vSAN Default Storage Policy");
 *
 * pbm answers carry vim25 types (faults such as InvalidArgument,
 * LocalizedMethodFault, MoRefs): the service client decodes them with the
 * pbm tables merged over the vim25 tables the session was opened with
 * (runtime `mergeSchemaTables`), so `err instanceof faults.InvalidArgument`
 * (vim25's class) holds for a pbm call too.
 */
import { pbm, type AnyClient, type Client } from "./bindings.js";
import { MultipleFoundError, NotFoundError } from "./errors.js";
import { callOptions } from "./internal.js";

type PbmTables = typeof pbm.schemas;

/** A pbm connection riding on a vim25 client's session. Disposing it leaves the vim25 client open. */
export interface PbmClient {
  readonly client: Client<PbmTables>;
  readonly serviceContent: pbm.PbmServiceInstanceContent;
  [Symbol.asyncDispose](): Promise<void>;
}

const SERVICE_INSTANCE = Object.freeze({ type: "PbmServiceInstance" as const, value: "ServiceInstance" });

export interface PbmClientOptions {
  readonly signal?: AbortSignal;
  /** Endpoint path; default `/pbm` (as govmomi; vCenter also answers on `/pbm/sdk`). */
  readonly path?: string;
  /** Version in the SOAPAction header (`urn:pbm/<version>`); default the pbm bindings' release. */
  readonly version?: string;
}

/** Opens the pbm endpoint on the vim25 client's session and reads its service content. */
export async function pbmClient(client: AnyClient, options: PbmClientOptions = {}): Promise<PbmClient> {
  if (!client.loggedIn) throw new TypeError("pbmClient: the vim25 client is not logged in; pbm uses its session");
  const sc = client.serviceClient({
    path: options.path ?? "/pbm",
    bindings: pbm.schemas,
    sessionHeader: "vcSessionCookie",
    ...(options.version !== undefined ? { version: options.version } : {}),
  });
  try {
    const serviceContent = await sc.call(pbm.PbmServiceInstance.PbmRetrieveServiceContent, SERVICE_INSTANCE, {}, callOptions(options));
    return { client: sc, serviceContent, [Symbol.asyncDispose]: () => sc.close() };
  } catch (err) {
    await sc.close();
    throw err;
  }
}

/** The storage policies (PbmQueryProfile, then PbmRetrieveContent), optionally of one category (`REQUIREMENT`, `RESOURCE`, `DATA_SERVICE_POLICY`). */
export async function storagePolicies(spbm: PbmClient, options: { category?: string; signal?: AbortSignal } = {}): Promise<pbm.PbmProfile[]> {
  const pm = spbm.serviceContent.profileManager;
  const ids = await spbm.client.call(
    pbm.PbmProfileProfileManager.PbmQueryProfile,
    pm,
    { resourceType: { _typeName: "PbmProfileResourceType", resourceType: "STORAGE" }, ...(options.category ? { profileCategory: options.category } : {}) },
    callOptions(options),
  );
  if (!ids || ids.length === 0) return [];
  return (await spbm.client.call(pbm.PbmProfileProfileManager.PbmRetrieveContent, pm, { profileIds: ids }, callOptions(options))) ?? [];
}

/** The policy with this name or unique id; NotFoundError lists the names there are. */
export async function findStoragePolicy(spbm: PbmClient, nameOrId: string, options: { signal?: AbortSignal } = {}): Promise<pbm.PbmProfile> {
  const all = await storagePolicies(spbm, options);
  const byId = all.filter((p) => p.profileId.uniqueId === nameOrId);
  const found = byId.length > 0 ? byId : all.filter((p) => p.name === nameOrId);
  if (found.length === 0) throw new NotFoundError("storage policy", nameOrId, `there are: ${all.map((p) => p.name).join(", ") || "none"}`);
  if (found.length > 1) throw new MultipleFoundError("storage policy", nameOrId, found.map((p) => `${p.name} (${p.profileId.uniqueId})`));
  return found[0]!;
}

/** Datastores (placement hubs) that satisfy the policy (PbmCheckRequirements). */
export async function compatibleDatastores(spbm: PbmClient, policy: pbm.PbmProfileId, options: { signal?: AbortSignal } = {}): Promise<pbm.PbmPlacementCompatibilityResult[]> {
  const results = await spbm.client.call(
    pbm.PbmPlacementSolver.PbmCheckRequirements,
    spbm.serviceContent.placementSolver,
    { placementSubjectRequirement: [{ _typeName: "PbmPlacementCapabilityProfileRequirement", profileId: policy }] },
    callOptions(options),
  );
  return (results ?? []).filter((r) => !r.error?.length);
}
