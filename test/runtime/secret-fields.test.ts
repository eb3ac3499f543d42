/**
 * Fields the type info flags secret are redacted in the trace because of that
 * flag, not because of their name. The flags below are the ones pyVmomi 8.0.3's
 * type info sets (F_SECRET) on CryptoKeyPlain.keyData, HostConnectSpec.password
 * and CustomizationPassword.value; the generator writes them into the compact
 * tables as a trailing `!`. `keyData` matches none of redact()'s built-in names,
 * so only the flag can hide it.
 */
import { describe, expect, it } from "vitest";
import { encodeRequest } from "../../runtime/codec/index.js";
import { registryFromTables, secretFieldNames, secretFieldTypes, type SchemaTables } from "../../runtime/schema-tables.js";
import type { MethodSchema } from "../../runtime/schema.js";
import { trace, type SoapCall, type SoapResult } from "../../runtime/soap/middleware.js";
import { bufferedBody } from "../../runtime/soap/body.js";
import { redact } from "../../runtime/soap/redact.js";
import { CryptoManager, CustomizationSpecManager, HostSystem, PropertyCollector, schemas } from "../support/bindings.js";

const KEY_DATA = "S3cr3t-KeyData-Zebra-5150";
const HOST_PASSWORD = "Host-Pw-Quokka-8c1f";
const ADMIN_PASSWORD = "Admin-Pw-Wombat-77a0";

/** The default release's tables: generated from pyVmomi 8.0.3's type info, whose F_SECRET flags they carry. */
function flagged(): SchemaTables {
  for (const [type, field] of [["CryptoKeyPlain", "keyData"], ["HostConnectSpec", "password"], ["CustomizationPassword", "value"]] as const) {
    expect(schemas.types[type]!.split("|"), `${type}.${field} is flagged secret`).toContain(schemas.types[type]!.split("|").find((p) => p.startsWith(`${field}:`) && p.endsWith("!")));
  }
  return schemas;
}

/** The trace of one call: `response` is what the server answers (by default it echoes the request, as a fault detail might). */
async function traced(tables: SchemaTables, body: string, method: string, schema?: MethodSchema, response = body): Promise<{ request: string; response: string }> {
  const lines: string[] = [];
  const mw = trace({ log: true, write: (l) => void lines.push(l), secretFields: () => secretFieldTypes(registryFromTables(tables)) });
  const handler = mw(async (): Promise<SoapResult> => ({
    status: 200,
    headers: {},
    body: bufferedBody(new TextEncoder().encode(response)),
  }));
  const call: SoapCall = { method, soapAction: "urn:vim25/7.0.3.0", body, ...(schema ? { schema } : {}) };
  const res = await handler(call);
  for await (const _ of res.body) void _;
  return { request: lines[0] ?? "", response: lines.slice(1).join("\n") };
}

/** A RetrievePropertiesEx answer whose one property value is `val` (with its xsi:type). */
function retrieved(val: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soapenv:Body>` +
    `<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="VirtualMachine">vm-42</obj>` +
    `<propSet><name>p</name>${val}</propSet></objects></returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>`
  );
}

describe("secret-flagged fields", () => {
  const tables = flagged();
  const registry = registryFromTables(tables);

  it("are read from the tables' flags", () => {
    expect(secretFieldNames(tables)).toEqual(expect.arrayContaining(["keyData", "password", "value"]));
    expect(registry.type("CryptoKeyPlain")!.fields.find((f) => f.name === "keyData")).toMatchObject({ secret: true });
    expect(secretFieldNames(schemas)).toBe(secretFieldNames(schemas)); // computed once per bindings
  });

  it("a CryptoKeyPlain's keyData never reaches the trace, though its name is not on redact()'s list", async () => {
    const body = encodeRequest(registry, CryptoManager.AddKey, {
      _this: { type: "CryptoManager", value: "CryptoManager" },
      key: { keyId: { keyId: "key-1" }, algorithm: "AES-256", keyData: KEY_DATA },
    });
    expect(body).toContain(KEY_DATA); // the wire itself is unchanged
    expect(redact(body)).toContain(KEY_DATA); // name-based redaction alone would leak it
    const { request, response } = await traced(tables, body, "AddKey", CryptoManager.AddKey);
    expect(response).not.toContain(KEY_DATA); // echoed back under an element the response type does not have
    expect(request).not.toContain(KEY_DATA);
    expect(request).toContain("<keyData>***</keyData>");
    expect(request).toContain("key-1"); // unflagged fields stay readable
  });

  it("HostConnectSpec.password (ReconnectHost_Task) and a CustomizationSpec's admin password are redacted", async () => {
    const reconnect = encodeRequest(registry, HostSystem.ReconnectHost_Task, {
      _this: { type: "HostSystem", value: "host-1" },
      cnxSpec: { hostName: "esx-1", userName: "root", password: HOST_PASSWORD, force: true },
    });
    const create = encodeRequest(registry, CustomizationSpecManager.CreateCustomizationSpec, {
      _this: { type: "CustomizationSpecManager", value: "CustomizationSpecManager" },
      item: {
        info: { name: "linux", description: "", type: "Linux" },
        spec: {
          globalIPSettings: {},
          nicSettingMap: [],
          identity: {
            _typeName: "CustomizationSysprep",
            guiUnattended: { password: { value: ADMIN_PASSWORD, plainText: true }, timeZone: 85, autoLogon: false, autoLogonCount: 0 },
            userData: { fullName: "a", orgName: "b", computerName: { _typeName: "CustomizationVirtualMachineName" }, productId: "" },
            identification: {},
          },
        },
      },
    });
    for (const [body, method, secret] of [
      [reconnect, "ReconnectHost_Task", HOST_PASSWORD],
      [create, "CreateCustomizationSpec", ADMIN_PASSWORD],
    ] as const) {
      expect(body).toContain(secret);
      const { request, response } = await traced(tables, body, method);
      expect(request, method).not.toContain(secret);
      expect(response, method).not.toContain(secret);
    }
  });

  describe("are redacted by where they occur, not by name", () => {
    const rpe = PropertyCollector.RetrievePropertiesEx as unknown as MethodSchema;

    it("an OptionValue's value stays readable; a CustomizationPassword's value and a VAppPropertyInfo's defaultValue do not", async () => {
      const options = retrieved(
        `<val xsi:type="ArrayOfOptionValue"><OptionValue xsi:type="OptionValue"><key>guestinfo.role</key><value xsi:type="xsd:string">web-frontend</value></OptionValue></val>`,
      );
      const password = retrieved(`<val xsi:type="CustomizationPassword"><value>${ADMIN_PASSWORD}</value><plainText>true</plainText></val>`);
      const vapp = retrieved(
        `<val xsi:type="VAppPropertyInfo"><key>1</key><id>db.pw</id><defaultValue>${HOST_PASSWORD}</defaultValue><value>${KEY_DATA}</value></val>`,
      );
      expect((await traced(tables, "", "RetrievePropertiesEx", rpe, options)).response).toContain("<value xsi:type=\"xsd:string\">web-frontend</value>");
      const p = (await traced(tables, "", "RetrievePropertiesEx", rpe, password)).response;
      expect(p).not.toContain(ADMIN_PASSWORD);
      expect(p).toContain("<plainText>true</plainText>");
      const v = (await traced(tables, "", "RetrievePropertiesEx", rpe, vapp)).response;
      for (const secret of [HOST_PASSWORD, KEY_DATA]) expect(v).not.toContain(secret);
      expect(v).toContain("<id>db.pw</id>"); // VAppPropertyInfo.id is not flagged (SessionManagerGenericServiceTicket.id is)
    });

    it("where the type is lost (an xsi:type these bindings lack), every flagged name is redacted", async () => {
      const body = retrieved(`<val xsi:type="FutureThing"><value>${ADMIN_PASSWORD}</value><note>kept</note></val>`);
      const r = (await traced(tables, "", "RetrievePropertiesEx", rpe, body)).response;
      expect(r).not.toContain(ADMIN_PASSWORD);
      expect(r).toContain("<note>kept</note>");
    });

    it("a body cut off inside a secret shows nothing after its opening tag; CDATA cannot fake the structure", async () => {
      const cut = retrieved(`<val xsi:type="CustomizationPassword"><value>${ADMIN_PASSWORD}</value></val>`);
      const r = (await traced(tables, "", "RetrievePropertiesEx", rpe, cut.slice(0, cut.indexOf(ADMIN_PASSWORD) + 6))).response;
      expect(r).not.toContain(ADMIN_PASSWORD.slice(0, 6));
      const faked = retrieved(
        `<val xsi:type="CustomizationPassword"><value><![CDATA[</value></val><val xsi:type="OptionValue"><value>]]>${ADMIN_PASSWORD}</value></val>`,
      );
      expect((await traced(tables, "", "RetrievePropertiesEx", rpe, faked)).response).not.toContain(ADMIN_PASSWORD);
    });
  });
});
