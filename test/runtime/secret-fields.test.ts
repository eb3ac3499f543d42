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
import { registryFromTables, secretFieldNames, type SchemaTables } from "../../runtime/schema-tables.js";
import { trace, type SoapCall, type SoapResult } from "../../runtime/soap/middleware.js";
import { bufferedBody } from "../../runtime/soap/body.js";
import { redact } from "../../runtime/soap/redact.js";
import { CryptoManager, CustomizationSpecManager, HostSystem, schemas } from "../support/bindings.js";

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

async function traced(tables: SchemaTables, body: string, method: string): Promise<{ request: string; response: string }> {
  const lines: string[] = [];
  const mw = trace({ log: true, write: (l) => void lines.push(l), secretElements: () => secretFieldNames(tables) });
  // The server echoes the request, as a fault detail might.
  const handler = mw(async (call: SoapCall): Promise<SoapResult> => ({
    status: 200,
    headers: {},
    body: bufferedBody(new TextEncoder().encode(call.body)),
  }));
  const res = await handler({ method, soapAction: "urn:vim25/7.0.3.0", body });
  for await (const _ of res.body) void _;
  const text = lines.join("\n");
  return { request: text, response: text };
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
    const { request } = await traced(tables, body, "AddKey");
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
      const { request } = await traced(tables, body, method);
      expect(request, method).not.toContain(secret);
    }
  });
});
