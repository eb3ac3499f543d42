/**
 * Captures the raw body of a real RetrievePropertiesEx answer from vcsim (VMs
 * through a ContainerView, the five properties of the synthetic input), kept
 * in memory only: the decode bench measures the exact bytes the server sends,
 * which the client API never exposes.
 */
import { existsSync } from "node:fs";
import { request } from "node:https";
import { fileURLToPath } from "node:url";
import { startVcsim } from "../../test/vcsim/harness.js";

const ENV_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soapenv:Body>';
const ENV_CLOSE = "</soapenv:Body></soapenv:Envelope>";

export const CAPTURED_PATHS = ["name", "runtime.powerState", "summary.config.numCpu", "summary.config.memorySizeMB", "config.hardware.device"];

interface Reply {
  bytes: Buffer;
  cookie: string | undefined;
}

function post(url: string, body: string, cookie: string | undefined): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        // Only ever talks to the simulator this module just started, whose certificate is self-signed.
        rejectUnauthorized: false,
        headers: { "content-type": "text/xml; charset=utf-8", soapaction: "urn:vim25/7.0.3.0", ...(cookie ? { cookie } : {}) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () => {
          const bytes = Buffer.concat(parts);
          if (res.statusCode !== 200) reject(new Error(`vcsim capture: HTTP ${res.statusCode}: ${bytes.subarray(0, 300).toString()}`));
          else resolve({ bytes, cookie: res.headers["set-cookie"]?.[0]?.split(";")[0] ?? cookie });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(ENV_OPEN + body + ENV_CLOSE);
  });
}

function moRef(xml: Buffer, element: string): string {
  const m = new RegExp(`<${element} type="[^"]+">([^<]+)</${element}>`).exec(xml.toString("utf8", 0, Math.min(xml.length, 65536)));
  if (!m) throw new Error(`vcsim capture: no <${element}> in ${xml.subarray(0, 300).toString()}`);
  return m[1]!;
}

export interface Capture {
  bytes: Buffer;
  vms: number;
}

/**
 * Starts vcsim with `vmPerPool` VMs in each resource pool (10 clusters × 2
 * hosts, one child pool each, plus the standalone host), captures one answer
 * and stops the simulator.
 */
export async function captureVcsimRetrieve(vmPerPool: number): Promise<Capture> {
  useBuiltBinary();
  // The harness unrefs the simulator's pipes; a large inventory takes long enough to build that nothing else would keep this process alive.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    return await capture(vmPerPool);
  } finally {
    clearInterval(keepAlive);
  }
}

async function capture(vmPerPool: number): Promise<Capture> {
  const sim = await startVcsim({ dc: 1, cluster: 10, host: 2, pool: 1, vm: vmPerPool, readyTimeoutMs: 600_000 });
  try {
    const url = sim.url;
    const sc = await post(url, '<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>', undefined);
    const sessionManager = moRef(sc.bytes, "sessionManager");
    const viewManager = moRef(sc.bytes, "viewManager");
    const propertyCollector = moRef(sc.bytes, "propertyCollector");
    const rootFolder = moRef(sc.bytes, "rootFolder");
    const login = await post(
      url,
      `<Login xmlns="urn:vim25"><_this type="SessionManager">${sessionManager}</_this><userName>${sim.username}</userName><password>${sim.password}</password></Login>`,
      undefined,
    );
    const cookie = login.cookie;
    const view = await post(
      url,
      `<CreateContainerView xmlns="urn:vim25"><_this type="ViewManager">${viewManager}</_this><container type="Folder">${rootFolder}</container><type>VirtualMachine</type><recursive>true</recursive></CreateContainerView>`,
      cookie,
    );
    const viewId = moRef(view.bytes, "returnval");
    const paths = CAPTURED_PATHS.map((p) => `<pathSet>${p}</pathSet>`).join("");
    const answer = await post(
      url,
      `<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">${propertyCollector}</_this><specSet>` +
        `<propSet><type>VirtualMachine</type>${paths}</propSet>` +
        `<objectSet><obj type="ContainerView">${viewId}</obj><skip>true</skip><selectSet xsi:type="TraversalSpec"><name>view</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet>` +
        `</specSet><options></options></RetrievePropertiesEx>`,
      cookie,
    );
    const vms = answer.bytes.toString("latin1").split("<objects>").length - 1;
    return { bytes: answer.bytes, vms };
  } finally {
    await sim.stop();
  }
}

/** Compiled into dist/, the harness cannot find its build script; reuse the binary it built in the source tree. */
function useBuiltBinary(): void {
  if (process.env.TSVMOMI_VCSIM_BIN) return;
  for (const rel of ["../../test/vcsim/bin/vcsim", "../../../test/vcsim/bin/vcsim"]) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(file)) {
      process.env.TSVMOMI_VCSIM_BIN = file;
      return;
    }
  }
}
