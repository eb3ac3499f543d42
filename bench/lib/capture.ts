/**
 * Captures the raw bytes of one real RetrievePropertiesEx answer from vcsim,
 * so the decode bench can run on what the server actually sends, not only on
 * the synthetic look-alike. Plain https + hand-written envelopes: the point is
 * the untouched response body, which the client never exposes.
 */
import { request } from "node:https";

const ENV_OPEN = '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const ENV_CLOSE = "</soapenv:Body></soapenv:Envelope>";

function post(url: URL, body: string, cookie: string | undefined): Promise<{ bytes: Buffer; cookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        // vcsim's certificate is self-signed; this only ever talks to the local simulator.
        rejectUnauthorized: false,
        headers: { "content-type": "text/xml; charset=utf-8", soapaction: "urn:vim25/6.5", ...(cookie ? { cookie } : {}) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () => {
          const bytes = Buffer.concat(parts);
          if (res.statusCode !== 200) reject(new Error(`capture: HTTP ${res.statusCode} from ${url.href}: ${bytes.subarray(0, 300).toString()}`));
          else resolve({ bytes, cookie: res.headers["set-cookie"]?.[0]?.split(";")[0] ?? cookie });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(ENV_OPEN + body + ENV_CLOSE);
  });
}

function field(xml: Buffer, element: string): { type: string; value: string } {
  const m = new RegExp(`<${element} type="([^"]+)">([^<]+)</${element}>`).exec(xml.toString("utf8", 0, Math.min(xml.length, 65536)));
  if (!m) throw new Error(`capture: no <${element}> in the answer: ${xml.subarray(0, 300).toString()}`);
  return { type: m[1]!, value: m[2]! };
}

const ref = (name: string, r: { type: string; value: string }) => `<${name} type="${r.type}">${r.value}</${name}>`;

/** The RetrievePropertiesEx response body for every VM under the root folder. */
export async function captureRetrieve(sdkUrl: string, username: string, password: string, paths: readonly string[]): Promise<Buffer> {
  const url = new URL(sdkUrl);
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const sc = await post(url, '<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>', undefined);
  const [root, pc, vm, sm] = ["rootFolder", "propertyCollector", "viewManager", "sessionManager"].map((e) => field(sc.bytes, e));
  const login = await post(url, `<Login xmlns="urn:vim25">${ref("_this", sm!)}<userName>${esc(username)}</userName><password>${esc(password)}</password></Login>`, undefined);
  const cv = await post(url, `<CreateContainerView xmlns="urn:vim25">${ref("_this", vm!)}${ref("container", root!)}<type>VirtualMachine</type><recursive>true</recursive></CreateContainerView>`, login.cookie);
  const view = field(cv.bytes, "returnval");
  const spec =
    `<specSet><propSet><type>VirtualMachine</type>${paths.map((p) => `<pathSet>${p}</pathSet>`).join("")}</propSet>` +
    `<objectSet>${ref("obj", view)}<skip>true</skip><selectSet xsi:type="TraversalSpec"><type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet></specSet>`;
  const res = await post(url, `<RetrievePropertiesEx xmlns="urn:vim25">${ref("_this", pc!)}${spec}<options></options></RetrievePropertiesEx>`, login.cookie);
  return res.bytes;
}
