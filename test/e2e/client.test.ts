// The runtime client against govmomi's simulator: login, typed calls across
// managed types, faults as generated fault classes, version gating, TLS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import {
  connect,
  subscribeTrace,
  TlsError,
  UnsupportedMethodError,
  MethodFaultError,
  type Client,
  type MoRef,
} from "../../runtime/index.js";
import {
  schemas,
  faults,
  AlarmManager,
  Folder,
  ManagedEntity,
  PropertyCollector,
  SearchIndex,
  ServiceInstance,
  TaskManager,
  View,
  ViewManager,
  VirtualDiskManager,
  VirtualMachine,
} from "../support/bindings.js";

const USER = "client-e2e";
const PASS = "pw-Client-e2e-4711";

type Bindings = typeof schemas;

async function get(client: Client<Bindings>, obj: MoRef, path: string): Promise<unknown> {
  const r = await client.call(PropertyCollector.RetrievePropertiesEx, client.serviceContent.propertyCollector, {
    specSet: [{ _typeName: "PropertyFilterSpec", propSet: [{ _typeName: "PropertySpec", type: obj.type, pathSet: [path] }], objectSet: [{ _typeName: "ObjectSpec", obj }] }],
    options: { _typeName: "RetrieveOptions" },
  });
  return r?.objects[0]?.propSet?.find((p) => p.name === path)?.val;
}

/** Polls Task.info until it leaves queued/running; vcsim finishes these in milliseconds. */
async function waitTask(client: Client<Bindings>, task: MoRef): Promise<{ state: string; error?: unknown }> {
  for (let i = 0; i < 200; i++) {
    const info = (await get(client, task, "info")) as { state: string; error?: unknown };
    if (info.state === "success" || info.state === "error") return info;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`task ${task.value} did not finish`);
}

describe("client against vcsim", () => {
  let sim: Vcsim;
  let client: Client<Bindings>;

  beforeAll(async () => {
    sim = await startVcsim({ username: USER, password: PASS });
    client = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, username: USER, password: PASS });
  });
  afterAll(async () => {
    await client?.[Symbol.asyncDispose]();
    await sim?.stop();
  });

  it("logs in with the right password and negotiates the server's own API version", () => {
    expect(client.loggedIn).toBe(true);
    expect(client.userSession?.userName).toBe(USER);
    // The binding is 7.0.3; the simulator announces an older API and must be spoken to in its version.
    expect(client.version).toBe(client.serviceContent.about.apiVersion);
    expect(client.version).not.toBe(schemas.apiVersion);
  });

  it("a wrong password is an InvalidLogin fault, without the password in it", async () => {
    const err = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, username: USER, password: "wrong-Password-99" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(faults.InvalidLogin);
    expect(err).toBeInstanceOf(faults.MethodFault);
    expect(err).not.toBeInstanceOf(faults.NotAuthenticated);
    expect(err).toBeInstanceOf(MethodFaultError);
    const fault = err as MethodFaultError;
    expect(fault.method).toBe("Login");
    expect(fault.faultChain).toEqual(["InvalidLogin", "VimFault", "MethodFault"]);
    expect(fault.fault?._typeName).toBe("InvalidLogin");
    expect(`${fault.message} ${fault.stack} ${JSON.stringify(fault)}`).not.toContain("wrong-Password-99");
  });

  it("RetrieveServiceContent is typed by the bindings' phantom", async () => {
    const sc = await client.call(ServiceInstance.RetrieveServiceContent, client.serviceInstance);
    const rootType: string = sc.rootFolder.type;
    expect(rootType).toBe("Folder");
    expect(sc.about.apiType).toBe("VirtualCenter");
    expect(sc.sessionManager).toEqual(client.serviceContent.sessionManager);
  });

  it("CurrentTime returns a Date", async () => {
    const now = await client.call(ServiceInstance.CurrentTime, client.serviceInstance);
    expect(now).toBeInstanceOf(Date);
    expect(Number.isNaN(now.getTime())).toBe(false);
  });

  it("RetrievePropertiesEx lists the root folder's datacenters", async () => {
    const children = (await get(client, client.serviceContent.rootFolder, "childEntity")) as MoRef[];
    expect(children.length).toBeGreaterThan(0);
    expect(children.every((c) => c.type === "Datacenter")).toBe(true);
  });

  it("CreateContainerView, read its view, DestroyView", async () => {
    const view = await client.call(ViewManager.CreateContainerView, client.serviceContent.viewManager!, {
      container: client.serviceContent.rootFolder,
      type: ["VirtualMachine"],
      recursive: true,
    });
    expect(view.type).toBe("ContainerView");
    const vms = (await get(client, view, "view")) as MoRef[];
    expect(vms.length).toBeGreaterThan(0);
    expect(vms.every((v) => v.type === "VirtualMachine")).toBe(true);
    await expect(client.call(View.DestroyView, view)).resolves.toBeUndefined();
    // The view is gone: the simulator no longer knows the object.
    await expect(client.call(View.DestroyView, view)).rejects.toBeInstanceOf(faults.ManagedObjectNotFound);
  });

  it("FindByInventoryPath finds a datacenter's vm folder; a missing path is undefined", async () => {
    const children = (await get(client, client.serviceContent.rootFolder, "childEntity")) as MoRef[];
    const dcName = (await get(client, children[0]!, "name")) as string;
    const vmFolder = await client.call(SearchIndex.FindByInventoryPath, client.serviceContent.searchIndex!, { inventoryPath: `${dcName}/vm` });
    expect(vmFolder?.type).toBe("Folder");
    const none = await client.call(SearchIndex.FindByInventoryPath, client.serviceContent.searchIndex!, { inventoryPath: `${dcName}/no-such-thing` });
    expect(none).toBeUndefined();
  });

  it("power tasks and Rename_Task return Task references that complete", async () => {
    const view = await client.call(ViewManager.CreateContainerView, client.serviceContent.viewManager!, {
      container: client.serviceContent.rootFolder,
      type: ["VirtualMachine"],
      recursive: true,
    });
    const vm = ((await get(client, view, "view")) as MoRef<"VirtualMachine">[])[0]!;
    await client.call(View.DestroyView, view);

    const off = await client.call(VirtualMachine.PowerOffVM_Task, vm);
    expect(off.type).toBe("Task");
    expect((await waitTask(client, off)).state).toBe("success");
    expect(await get(client, vm, "runtime.powerState")).toBe("poweredOff");

    const on = await client.call(VirtualMachine.PowerOnVM_Task, vm, {});
    expect(on.type).toBe("Task");
    expect((await waitTask(client, on)).state).toBe("success");
    expect(await get(client, vm, "runtime.powerState")).toBe("poweredOn");

    const rename = await client.call(ManagedEntity.Rename_Task, vm, { newName: "renamed-by-tsvmomi" });
    expect((await waitTask(client, rename)).state).toBe("success");
    expect(await get(client, vm, "name")).toBe("renamed-by-tsvmomi");
  });

  it("CreateFolder twice with one name: DuplicateName carrying the existing object", async () => {
    const folder = await client.call(Folder.CreateFolder, client.serviceContent.rootFolder, { name: "tsvmomi-dup" });
    expect(folder.type).toBe("Folder");
    const err = await client.call(Folder.CreateFolder, client.serviceContent.rootFolder, { name: "tsvmomi-dup" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(faults.DuplicateName);
    expect(err).toBeInstanceOf(faults.VimFault);
    expect(err).not.toBeInstanceOf(faults.InvalidLogin);
    if (!(err instanceof faults.DuplicateName)) throw err;
    expect(err.fault.name).toBe("tsvmomi-dup");
    expect(err.method).toBe("CreateFolder");
  });

  it("QueryVirtualDiskUuid on a disk that does not exist faults", async () => {
    const children = (await get(client, client.serviceContent.rootFolder, "childEntity")) as MoRef<"Datacenter">[];
    const err = await client
      .call(VirtualDiskManager.QueryVirtualDiskUuid, client.serviceContent.virtualDiskManager!, { name: "[LocalDS_0] nope/nope.vmdk", datacenter: children[0]! })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(faults.MethodFault);
    expect((err as MethodFaultError).method).toBe("QueryVirtualDiskUuid");
  });

  it("a method newer than the negotiated version is refused before sending", async () => {
    const sent: string[] = [];
    const stop = subscribeTrace({ onRequest: (m) => sent.push(m.method) });
    try {
      const err = await client
        .call(AlarmManager.ClearTriggeredAlarms, client.serviceContent.alarmManager!, { filter: { _typeName: "AlarmFilterSpec", typeEntity: "entityTypeAll", typeTrigger: "triggerTypeAll" } })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnsupportedMethodError);
      const e = err as UnsupportedMethodError;
      expect(e.message).toContain("ClearTriggeredAlarms");
      expect(e.message).toContain(AlarmManager.ClearTriggeredAlarms.since!);
      expect(e.message).toContain(client.version);
      expect(sent).toEqual([]);
    } finally {
      stop();
    }
  });

  it("an 8.0 U3 method from the 8.0.3 bindings is refused on vcsim's older version, before sending", async () => {
    const sent: string[] = [];
    const stop = subscribeTrace({ onRequest: (m) => sent.push(m.method) });
    try {
      expect(TaskManager.CreateCollectorWithInfoFilterForTasks.since).toBe("8.0.3.0");
      const err = await client
        .call(TaskManager.CreateCollectorWithInfoFilterForTasks, client.serviceContent.taskManager!, { filter: { _typeName: "TaskFilterSpec" } })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnsupportedMethodError);
      expect((err as Error).message).toContain("8.0.3.0");
      expect(sent).toEqual([]);
    } finally {
      stop();
    }
  });

  it("pins a version when asked, and speaks it in SOAPAction", async () => {
    const actions: string[] = [];
    const stop = subscribeTrace({ onRequest: (m) => actions.push(m.soapAction) });
    try {
      const pinned = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, version: "6.0", keepAlive: false });
      await pinned.call(ServiceInstance.RetrieveServiceContent, pinned.serviceInstance);
      await pinned.close();
      expect(pinned.version).toBe("6.0");
      expect(actions.length).toBeGreaterThan(0);
      expect(new Set(actions)).toEqual(new Set(["urn:vim25/6.0"]));
    } finally {
      stop();
    }
  });

  it("LoginByToken: a SAML bearer assertion in the WS-Security header logs in as its subject", async () => {
    const c = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, keepAlive: false });
    try {
      await expect(c.call(ServiceInstance.CurrentTime, c.serviceInstance)).rejects.toBeInstanceOf(faults.NotAuthenticated);
      const assertion =
        '<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="_tsvmomi-test" IssueInstant="2024-01-01T00:00:00Z" Version="2.0">' +
        "<saml2:Issuer>https://sts.example/websso</saml2:Issuer>" +
        '<saml2:Subject><saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">token-user@vsphere.local</saml2:NameID></saml2:Subject>' +
        "</saml2:Assertion>";
      const session = await c.loginByToken(assertion);
      expect(session.userName).toBe("token-user@vsphere.local");
      await expect(c.call(ServiceInstance.CurrentTime, c.serviceInstance)).resolves.toBeInstanceOf(Date);
      await c.logout();
      expect(c.loggedIn).toBe(false);
      await expect(c.call(ServiceInstance.CurrentTime, c.serviceInstance)).rejects.toBeInstanceOf(faults.NotAuthenticated);
    } finally {
      await c.close();
    }
  });
});

describe("client TLS against vcsim", () => {
  let sim: Vcsim;
  beforeAll(async () => {
    sim = await startVcsim({ vm: 0 });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it("connects with the right thumbprint and with the certificate as CA", async () => {
    const a = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint });
    expect(a.serviceContent.about.apiType).toBe("VirtualCenter");
    await a.close();
    const b = await connect({ url: sim.url, bindings: schemas, ca: sim.certificatePem });
    expect(b.serviceContent.about.apiType).toBe("VirtualCenter");
    await b.close();
  });

  it("a wrong thumbprint is a TlsError naming both thumbprints", async () => {
    const wrong = sim.thumbprint.replace(/^[0-9A-F]/, (c) => (c === "0" ? "1" : "0"));
    const err = await connect({ url: sim.url, bindings: schemas, thumbprint: wrong }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).reason).toBe("thumbprint-mismatch");
    expect((err as TlsError).got).toBe(sim.thumbprint);
  });

  it("an unverified self-signed certificate is a TlsError", async () => {
    const err = await connect({ url: sim.url, bindings: schemas }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).reason).toBe("verify");
  });
});
