import { createServer } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { XMLParser } from "fast-xml-parser";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";

const retrieveServiceContent = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:vim25="urn:vim25">
  <soapenv:Body>
    <vim25:RetrieveServiceContent>
      <vim25:_this type="ServiceInstance">ServiceInstance</vim25:_this>
    </vim25:RetrieveServiceContent>
  </soapenv:Body>
</soapenv:Envelope>`;

const xml = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false });

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The certificate as Node sees it on the wire, independent of what vcsim printed. */
function peerFingerprint256(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.once("error", reject);
  });
}

describe("vcsim harness over https", () => {
  let sim: Vcsim;
  let trusting: Agent;

  beforeAll(async () => {
    sim = await startVcsim();
    // The simulator's certificate is its own CA with a 127.0.0.1 SAN, so full verification works.
    trusting = new Agent({ connect: { ca: sim.certificatePem } });
  });
  afterAll(async () => {
    await trusting?.close();
    await sim?.stop();
  });

  it("reports a loopback https SDK url", () => {
    const url = new URL(sim.url);
    expect(url.protocol).toBe("https:");
    expect(url.hostname).toBe("127.0.0.1");
    expect(url.pathname).toBe("/sdk");
    expect(sim.port).toBe(Number(url.port));
    expect(sim.port).toBeGreaterThan(0);
  });

  it("reports the thumbprint of the certificate it actually serves", async () => {
    expect(sim.thumbprint).toBe(await peerFingerprint256(sim.host, sim.port));
  });

  it("serves vimServiceVersions.xml to a client that verifies the certificate", async () => {
    const res = await request(`${sim.url}/vimServiceVersions.xml`, { dispatcher: trusting });
    expect(res.statusCode).toBe(200);
    const doc = xml.parse(await res.body.text());
    expect(doc.namespaces.namespace.name).toBe("urn:vim25");
    expect(String(doc.namespaces.namespace.version)).toMatch(/^\d+\.\d+/);
  });

  it("answers RetrieveServiceContent as a VirtualCenter", async () => {
    const res = await request(sim.url, {
      method: "POST",
      dispatcher: trusting,
      headers: { "content-type": "text/xml; charset=utf-8", soapaction: "urn:vim25/6.5" },
      body: retrieveServiceContent,
    });
    const text = await res.body.text();
    expect(res.statusCode, text).toBe(200);
    const about = xml.parse(text).Envelope.Body.RetrieveServiceContentResponse.returnval.about;
    expect(about.apiType).toBe("VirtualCenter");
  });

  it("accepts the reported credentials at Login", async () => {
    const login = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:vim25="urn:vim25">
  <soapenv:Body><vim25:Login>
    <vim25:_this type="SessionManager">SessionManager</vim25:_this>
    <vim25:userName>${sim.username}</vim25:userName><vim25:password>${sim.password}</vim25:password>
  </vim25:Login></soapenv:Body>
</soapenv:Envelope>`;
    const res = await request(sim.url, { method: "POST", dispatcher: trusting, body: login,
      headers: { "content-type": "text/xml; charset=utf-8", soapaction: "urn:vim25/6.5" } });
    const text = await res.body.text();
    expect(res.statusCode, text).toBe(200);
    expect(xml.parse(text).Envelope.Body.LoginResponse.returnval.userName).toBe(sim.username);
    expect(res.headers["set-cookie"]).toBeDefined();
  });
});

describe("vcsim harness lifecycle", () => {
  it("stop() ends the process and frees the port", async () => {
    const sim = await startVcsim({ tls: false, vm: 0 });
    expect(new URL(sim.url).protocol).toBe("http:");
    expect(sim.thumbprint).toBe("");
    expect(await canListen(sim.port)).toBe(false);

    await sim.stop();

    expect(isRunning(sim.pid)).toBe(false);
    expect(await canListen(sim.port)).toBe(true);
    await sim.stop(); // idempotent
  });

  it("fails startup with the simulator's own complaint", async () => {
    const attempt = startVcsim({ sessionIdleTimeout: "soon" });
    await expect(attempt).rejects.toThrow(/exited before it was ready/);
    await expect(attempt).rejects.toThrow(/session-idle-timeout/);
  });

  it("names the binary when it cannot be started", async () => {
    const saved = process.env.TSVMOMI_VCSIM_BIN;
    process.env.TSVMOMI_VCSIM_BIN = "test/vcsim/bin/does-not-exist";
    try {
      await expect(startVcsim()).rejects.toThrow(/cannot start test\/vcsim\/bin\/does-not-exist: .*ENOENT/);
    } finally {
      if (saved === undefined) delete process.env.TSVMOMI_VCSIM_BIN;
      else process.env.TSVMOMI_VCSIM_BIN = saved;
    }
  });

  it("rejects a bad inventory size before spawning anything", async () => {
    await expect(startVcsim({ vm: -1 })).rejects.toThrow(/vm must be a non-negative integer/);
  });
});
