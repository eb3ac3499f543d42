// Session loss in the middle of PropertyCollector work, against vcsim: a
// container retrieve whose session is terminated between pages keeps every
// object; a raw RetrievePropertiesEx answered with a NotAuthenticated
// missingSet logs in again instead of returning empty properties; calls
// queued behind busy sockets pick up the new cookie when they are sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { startVcenterProxy, type VcenterProxy } from "../proxy/vcenter-proxy.js";
import { connect, retrieve, retrievePages, subscribeTrace, type Client } from "../../runtime/index.js";
import { schemas, PropertyCollector, ServiceInstance, SessionManager } from "../support/bindings.js";

type Bindings = typeof schemas;

describe("session loss during collector work (vcsim)", () => {
  let sim: Vcsim;
  let admin: Client<Bindings>;
  /** vcsim answers a retrieve in one page; this proxy pages it (10 per page) as vCenter does, tokens included. */
  let paging: VcenterProxy;
  const warnings: string[] = [];

  const open = (extra: Partial<Parameters<typeof connect<Bindings>>[0]> = {}) =>
    connect({
      url: sim.url,
      bindings: schemas,
      thumbprint: sim.thumbprint,
      username: "loss-user",
      password: "loss-Pass-1234",
      keepAlive: false,
      logger: { warn: (m) => void warnings.push(m) },
      ...extra,
    });
  const terminate = async (victim: Client<Bindings>) => {
    const key = victim.userSession?.key;
    if (!key) throw new Error("victim has no session key");
    await admin.call(SessionManager.TerminateSession, admin.serviceContent.sessionManager!, { sessionId: [key] });
  };

  beforeAll(async () => {
    sim = await startVcsim({ vm: 25 });
    admin = await open({ username: "admin" });
    paging = await startVcenterProxy({ upstream: sim.url, upstreamCa: sim.certificatePem, pageSize: 10 });
  });
  afterAll(async () => {
    await admin?.[Symbol.asyncDispose]();
    await paging?.close();
    await sim?.stop();
  });

  it("a container retrieve whose session is terminated between pages returns every object, and no error", async () => {
    const expected = (await retrieve(admin, { container: admin.serviceContent.rootFolder, type: "VirtualMachine" }, ["name"])).map((o) => o.name).sort();
    expect(expected.length).toBeGreaterThan(10);
    for (let run = 0; run < 3; run++) {
      const c = await open({ url: paging.url, thumbprint: undefined });
      try {
        const names: string[] = [];
        let pages = 0;
        for await (const page of retrievePages(c, { container: c.serviceContent.rootFolder, type: "VirtualMachine" }, ["name"], { pageSize: 10 })) {
          if (pages++ === run) await terminate(c); // after the first, second, third page
          for (const o of page) names.push(o.name!);
        }
        expect(names.sort()).toEqual(expected);
        console.log(`session killed after page ${run + 1} of ${pages}: ${names.length} of ${expected.length} VMs read, ${expected.length - new Set(names).size} lost`);
      } finally {
        await c[Symbol.asyncDispose]();
      }
    }
  });

  it("a raw RetrievePropertiesEx on a dead session logs in again and returns the properties (a NotAuthenticated missingSet is a session loss)", async () => {
    const c = await open();
    try {
      const spec = {
        specSet: [
          {
            _typeName: "PropertyFilterSpec" as const,
            propSet: [{ _typeName: "PropertySpec" as const, type: "Folder", pathSet: ["name", "childEntity"] }],
            objectSet: [{ _typeName: "ObjectSpec" as const, obj: c.serviceContent.rootFolder }],
          },
        ],
        options: { _typeName: "RetrieveOptions" as const },
      };
      const before = await c.call(PropertyCollector.RetrievePropertiesEx, c.serviceContent.propertyCollector, spec);
      const key = c.userSession!.key;
      await terminate(c);
      const logins: string[] = [];
      const stop = subscribeTrace({ onRequest: (m) => void (m.method === "Login" && logins.push(m.method)) });
      try {
        for (let i = 0; i < 5; i++) {
          const after = await c.call(PropertyCollector.RetrievePropertiesEx, c.serviceContent.propertyCollector, spec);
          expect(after?.objects[0]?.missingSet ?? []).toEqual([]);
          expect(after?.objects[0]?.propSet).toEqual(before?.objects[0]?.propSet);
        }
      } finally {
        stop();
      }
      expect(logins).toHaveLength(1);
      expect(c.userSession!.key).not.toBe(key);
    } finally {
      await c[Symbol.asyncDispose]();
    }
  });

  it("calls queued behind busy sockets go out with the cookie of the session in force when they are sent", async () => {
    const c = await open({ connections: 2 });
    try {
      await terminate(c);
      const refused: number[] = [];
      const stop = subscribeTrace({
        onResponse: (m) => void (m.method === "CurrentTime" && /NotAuthenticated/.test(m.body ?? "") && refused.push(m.id)),
      });
      let logins = 0;
      const stopLogins = subscribeTrace({ onRequest: (m) => void (m.method === "Login" && logins++) });
      try {
        const times = await Promise.all(Array.from({ length: 24 }, () => c.call(ServiceInstance.CurrentTime, c.serviceInstance)));
        expect(times.every((t) => t instanceof Date)).toBe(true);
      } finally {
        stop();
        stopLogins();
      }
      expect(logins).toBe(1);
      // Only the calls already on the two sockets carried the dead cookie; the 22 queued ones waited for the new one.
      expect(refused.length).toBeLessThanOrEqual(2);
    } finally {
      await c[Symbol.asyncDispose]();
    }
  });
});
