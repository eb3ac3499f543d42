/**
 * The SSO Lookup Service (`/lookupservice/sdk`, namespace `urn:lookup`):
 * the registry of a vCenter's services, readable without a session. Its
 * `wsTrust` registration of `cs.identity` names the STS, including its SSO
 * domain and, for an external Platform Services Controller, its host.
 * The two calls are written and read here (no lookup bindings needed).
 */
import type { Handler, SoapCall, SoapResult } from "../soap/middleware.js";
import { readBounded } from "./sts-client.js";
import { findElement, parseXml, textContent, childElements, type XmlElement } from "./xml.js";

export const LOOKUP_PATH = "/lookupservice/sdk";
const LOOKUP_NS = "urn:lookup";
const SOAP_ACTION = "urn:lookup/2.0";
const MAX_BYTES = 1024 * 1024;

function envelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

async function call(send: Handler<SoapCall, SoapResult>, method: string, body: string, signal?: AbortSignal): Promise<XmlElement> {
  const res = await send({ method: `Lookup ${method}`, soapAction: SOAP_ACTION, path: LOOKUP_PATH, body: envelope(body), ...(signal ? { signal } : {}) });
  const text = await readBounded(res.body, MAX_BYTES, () => new Error(`Lookup ${method}: answer larger than ${MAX_BYTES} bytes`));
  const root = parseXml(text).root;
  const fault = findElement(root, "http://schemas.xmlsoap.org/soap/envelope/", "Fault");
  if (fault) throw new Error(`Lookup ${method}: SOAP fault ${textContent(childElements(fault).find((c) => c.local === "faultcode") ?? fault).trim()}`);
  return root;
}

/** The STS URL the Lookup Service registers; undefined when it lists none. Throws when the service is absent or answers nonsense. */
export async function lookupStsUrl(send: Handler<SoapCall, SoapResult>, signal?: AbortSignal): Promise<string | undefined> {
  const content = await call(send, "RetrieveServiceContent", `<RetrieveServiceContent xmlns="${LOOKUP_NS}"><_this type="LookupServiceInstance">ServiceInstance</_this></RetrieveServiceContent>`, signal);
  const reg = findElement(content, LOOKUP_NS, "serviceRegistration");
  if (!reg) throw new Error("Lookup RetrieveServiceContent: no serviceRegistration");
  const regType = reg.attributes.find((a) => a.local === "type")?.value ?? "LookupServiceRegistration";
  const list = await call(
    send,
    "List",
    `<List xmlns="${LOOKUP_NS}"><_this type="${regType.replace(/[<&"]/g, "")}">${textContent(reg).replace(/[<&]/g, "")}</_this><filterCriteria>` +
      `<serviceType><product>com.vmware.cis</product><type>cs.identity</type></serviceType>` +
      `<endpointType><protocol>wsTrust</protocol><type>com.vmware.cis.cs.identity.sso</type></endpointType></filterCriteria></List>`,
    signal,
  );
  const url = findElement(list, LOOKUP_NS, "url");
  return url ? textContent(url).trim() : undefined;
}
