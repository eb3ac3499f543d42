// Storage policies through a pbm client riding on the vim25 session, against vcsim with pbm/simulator registered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { connect, subscribeTrace, type Client } from "../../runtime/index.js";
import { faults, schemas, ServiceInstance } from "../support/bindings.js";
import { pbm } from "../../object/bindings.js";
import { compatibleDatastores, findStoragePolicy, MultipleFoundError, NotFoundError, pbmClient, storagePolicies, type PbmClient } from "../../object/index.js";

let sim: Vcsim;
let client: Client<typeof schemas>;
let spbm: PbmClient;

beforeAll(async () => {
  sim = await startVcsim();
  client = await connect({ url: sim.url, thumbprint: sim.thumbprint, username: sim.username, password: sim.password, bindings: schemas, keepAlive: false });
  spbm = await pbmClient(client);
});
afterAll(async () => {
  await spbm?.[Symbol.asyncDispose]();
  await client?.[Symbol.asyncDispose]();
  await sim?.stop();
});

describe("pbm", () => {
  it("opens on the vim25 session and reads the service content", () => {
    expect(spbm.serviceContent.aboutInfo.name).toBe("PBM");
    expect(spbm.serviceContent.profileManager.type).toBe("PbmProfileProfileManager");
  });

  it("sends the session cookie in the vcSessionCookie header, redacted in traces", async () => {
    const bodies: string[] = [];
    const stop = subscribeTrace({ onRequest: (m) => bodies.push(m.body) });
    try {
      await storagePolicies(spbm);
    } finally {
      stop();
    }
    const pbmBody = bodies.find((b) => b.includes("PbmQueryProfile"))!;
    expect(pbmBody).toContain("<vcSessionCookie>***</vcSessionCookie>");
    expect(pbmBody).toContain('xmlns="urn:pbm"');
  });

  it("lists and finds storage policies, typed", async () => {
    const policies = await storagePolicies(spbm);
    expect(policies.map((p) => p.name)).toContain("vSAN Default Storage Policy");
    const vsan = await findStoragePolicy(spbm, "vSAN Default Storage Policy");
    expect(vsan._typeName).toMatch(/CapabilityProfile$/);
    expect(vsan.creationTime).toBeInstanceOf(Date);
    expect((await findStoragePolicy(spbm, vsan.profileId.uniqueId)).name).toBe(vsan.name);
    await expect(findStoragePolicy(spbm, "Gold")).rejects.toThrow(/storage policy not found: "Gold" \(there are: .*vSAN Default Storage Policy/);
  });

  it("creates under the shared session (the server records the vim25 user) and deletes", async () => {
    const pm = spbm.serviceContent.profileManager;
    const spec: pbm.PbmCapabilityProfileCreateSpec = {
      _typeName: "PbmCapabilityProfileCreateSpec",
      name: "tsvmomi-test",
      resourceType: { _typeName: "PbmProfileResourceType", resourceType: "STORAGE" },
      constraints: { _typeName: "PbmCapabilitySubProfileConstraints", subProfiles: [] },
    };
    const id = await spbm.client.call(pbm.PbmProfileProfileManager.PbmCreate, pm, { createSpec: spec });
    const created = await findStoragePolicy(spbm, "tsvmomi-test");
    expect(created.profileId.uniqueId).toBe(id.uniqueId);
    expect(created.createdBy).toBe(sim.username);
    await spbm.client.call(pbm.PbmProfileProfileManager.PbmDelete, pm, { profileId: [id] });
    await expect(findStoragePolicy(spbm, "tsvmomi-test")).rejects.toBeInstanceOf(NotFoundError);
    await spbm.client.call(pbm.PbmProfileProfileManager.PbmCreate, pm, { createSpec: spec });
    await spbm.client.call(pbm.PbmProfileProfileManager.PbmCreate, pm, { createSpec: spec });
    await expect(findStoragePolicy(spbm, "tsvmomi-test")).rejects.toBeInstanceOf(MultipleFoundError);
  });

  it("a vim25 fault in a pbm answer decodes with its vim25 class and bases", async () => {
    const err = await spbm.client
      .call(pbm.PbmProfileProfileManager.PbmRetrieveContent, spbm.serviceContent.profileManager, { profileIds: [{ _typeName: "PbmProfileId", uniqueId: "no-such-id" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(faults.InvalidArgument);
    expect(err).toBeInstanceOf(faults.RuntimeFault); // a base only the merged vim25 tables know
    expect((err as faults.InvalidArgument).faultChain).toEqual(["InvalidArgument", "RuntimeFault", "MethodFault"]);
    expect((err as faults.InvalidArgument).fault).toMatchObject({ invalidProperty: "profileId" });
  });

  it("finds datastores compatible with a policy", async () => {
    const vsan = await findStoragePolicy(spbm, "vSAN Default Storage Policy");
    const hubs = await compatibleDatastores(spbm, vsan.profileId);
    expect(hubs.length).toBeGreaterThan(0);
    expect(hubs.every((h) => h.hub.hubType === "Datastore")).toBe(true);
  });

  it("disposing the pbm client leaves the vim25 client working; no pbm client without a session", async () => {
    const second = await pbmClient(client);
    await second[Symbol.asyncDispose]();
    expect((await client.call(ServiceInstance.CurrentTime, client.serviceInstance)) instanceof Date).toBe(true);
    const anonymous = await connect({ url: sim.url, thumbprint: sim.thumbprint, bindings: schemas, keepAlive: false });
    try {
      await expect(pbmClient(anonymous)).rejects.toThrow(/not logged in/);
    } finally {
      await anonymous.close();
    }
  });
});
