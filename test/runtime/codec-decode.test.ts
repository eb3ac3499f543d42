import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeResponse, decodeResponseSync, decodeValue } from "../../runtime/codec/index.js";
import { defineRegistry } from "../../runtime/schema.js";
import { envelope, faultEnvelope } from "../fixtures/codec/envelope.js";
import { vimMethod, vimSubset } from "../fixtures/codec/vim-subset.js";
import { CodecError, MethodFaultError } from "../../runtime/errors/index.js";

const retrieveVms = readFileSync(new URL("../fixtures/codec/retrieve-vms.xml", import.meta.url), "utf8");

const expectedVms = {
  _typeName: "RetrieveResult",
  token: "1",
  objects: [
    {
      _typeName: "ObjectContent",
      obj: { type: "VirtualMachine", value: "vm-42" },
      propSet: [
        {
          _typeName: "DynamicProperty",
          name: "config.hardware.device",
          val: [
            {
              _typeName: "VirtualIDEController",
              key: 200,
              deviceInfo: { _typeName: "Description", label: "IDE 0", summary: "IDE 0" },
              busNumber: 0,
              device: [3000],
            },
            {
              _typeName: "VirtualDisk",
              key: 2000,
              deviceInfo: { _typeName: "Description", label: "Hard disk 1", summary: "33,554,432 KB" },
              backing: {
                _typeName: "VirtualDiskFlatVer2BackingInfo",
                fileName: "[LocalDS_0] vm-42/vm-42.vmdk",
                datastore: { type: "Datastore", value: "datastore-11" },
                diskMode: "persistent",
                thinProvisioned: true,
              },
              controllerKey: 1000,
              unitNumber: 0,
              capacityInKB: 33554432,
              capacityInBytes: 32 * 1024 * 1024 * 1024,
            },
            {
              _typeName: "VirtualE1000",
              key: 4000,
              deviceInfo: { _typeName: "Description", label: "Network adapter 1", summary: "VM Network" },
              backing: {
                _typeName: "VirtualEthernetCardNetworkBackingInfo",
                deviceName: "VM Network",
                useAutoDetect: false,
                network: { type: "Network", value: "network-7" },
              },
              connectable: { _typeName: "VirtualDeviceConnectInfo", startConnected: true, allowGuestControl: true, connected: true, status: "ok" },
              slotInfo: { _typeName: "VirtualDevicePciBusSlotInfo", pciSlotNumber: 32 },
              controllerKey: 100,
              unitNumber: 7,
              addressType: "generated",
              macAddress: "00:50:56:aa:bb:cc",
              wakeOnLanEnabled: true,
            },
          ],
        },
        { _typeName: "DynamicProperty", name: "name", val: "web & db <01> \u00e9\u4e2d" },
        { _typeName: "DynamicProperty", name: "runtime.powerState", val: "poweredOn" },
        { _typeName: "DynamicProperty", name: "datastore", val: [{ type: "Datastore", value: "datastore-11" }] },
        { _typeName: "DynamicProperty", name: "summary.config.numCpu", val: 2 },
      ],
    },
    {
      _typeName: "ObjectContent",
      obj: { type: "VirtualMachine", value: "vm-43" },
      missingSet: [
        {
          _typeName: "MissingProperty",
          path: "config.hardware.device",
          fault: {
            _typeName: "LocalizedMethodFault",
            fault: { _typeName: "NotAuthenticated", object: { type: "VirtualMachine", value: "vm-43" }, privilegeId: "System.View" },
            localizedMessage: "The session is not authenticated.",
          },
        },
      ],
    },
  ],
};

describe("decodeResponse: RetrievePropertiesEx", () => {
  it("decodes polymorphic devices, anyType values, MoRef arrays and a NotAuthenticated missingSet", async () => {
    expect(await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), retrieveVms)).toStrictEqual(expectedVms);
  });

  it("gives the same result from bytes and from a chunked stream", async () => {
    const bytes = new TextEncoder().encode(retrieveVms);
    expect(decodeResponseSync(vimSubset, vimMethod("RetrievePropertiesEx"), bytes)).toStrictEqual(expectedVms);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    expect(await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), chunks())).toStrictEqual(expectedVms);
  });

  it("keeps array fields as arrays with one element and leaves absent optionals out", async () => {
    const r = (await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), retrieveVms)) as typeof expectedVms;
    const ide = r.objects[0]!.propSet![0]!.val as Array<Record<string, unknown>>;
    expect(ide[0]!.device).toEqual([3000]);
    expect(Object.hasOwn(ide[0]!, "controllerKey")).toBe(false);
    expect(Object.hasOwn(r.objects[1]!, "propSet")).toBe(false);
  });

  it("returns undefined when the optional returnval is absent, and [] for an empty array return", async () => {
    expect(await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), envelope("RetrievePropertiesEx", ""))).toBeUndefined();
    expect(await decodeResponse(vimSubset, vimMethod("RetrieveProperties"), envelope("RetrieveProperties", ""))).toEqual([]);
    expect(await decodeResponse(vimSubset, vimMethod("Logout"), envelope("Logout", ""))).toBeUndefined();
  });

  it("collects repeated returnval elements for array returns", async () => {
    const one = (v: string) => `<returnval><obj type="VirtualMachine">${v}</obj></returnval>`;
    const out = await decodeResponse(vimSubset, vimMethod("RetrieveProperties"), envelope("RetrieveProperties", one("vm-1") + one("vm-2")));
    expect(out).toEqual([
      { _typeName: "ObjectContent", obj: { type: "VirtualMachine", value: "vm-1" } },
      { _typeName: "ObjectContent", obj: { type: "VirtualMachine", value: "vm-2" } },
    ]);
  });

  it("decodes a dateTime return and a UserSession with every primitive it holds", async () => {
    const now = await decodeResponse(vimSubset, vimMethod("CurrentTime"), envelope("CurrentTime", "<returnval>2024-02-29T23:59:58.123456Z</returnval>"));
    expect(now).toEqual(new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 123)));
    const session = await decodeResponse(
      vimSubset,
      vimMethod("Login"),
      envelope(
        "Login",
        "<returnval><key>52a1</key><userName>VSPHERE.LOCAL\\Administrator</userName><fullName>Administrator vsphere.local</fullName>" +
          "<loginTime>2024-01-02T03:04:05.6+01:00</loginTime><lastActiveTime>2024-01-02T03:04:05Z</lastActiveTime><locale>en</locale>" +
          "<messageLocale>en</messageLocale><extensionSession>0</extensionSession><ipAddress>10.0.0.1</ipAddress><callCount>12</callCount></returnval>",
      ),
    );
    expect(session).toStrictEqual({
      _typeName: "UserSession",
      key: "52a1",
      userName: "VSPHERE.LOCAL\\Administrator",
      fullName: "Administrator vsphere.local",
      loginTime: new Date(Date.UTC(2024, 0, 2, 2, 4, 5, 600)),
      lastActiveTime: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      locale: "en",
      messageLocale: "en",
      extensionSession: false,
      ipAddress: "10.0.0.1",
      callCount: 12,
    });
  });
});

describe("primitive types", () => {
  const probe = defineRegistry({
    namespace: "urn:test",
    types: [
      {
        name: "Probe",
        fields: ["string", "boolean", "byte", "short", "int", "long", "float", "double", "dateTime", "base64Binary", "anyURI"].map((t) => ({
          name: t,
          type: t,
          optional: true,
        })),
      },
    ],
  });
  const decode = (inner: string, opts = {}) => decodeValue(probe, "Probe", `<p>${inner}</p>`, opts) as Record<string, unknown>;

  it("converts each XSD primitive", () => {
    const v = decode(
      "<string> a b </string><boolean>1</boolean><byte>-128</byte><short>32767</short><int>-2147483648</int><long>9007199254740991</long>" +
        "<float>1.5</float><double>-2.5E-3</double><dateTime>1999-12-31T23:59:59Z</dateTime><base64Binary>aGk=</base64Binary><anyURI>https://x/y?a=1&amp;b</anyURI>",
    );
    expect(v).toStrictEqual({
      _typeName: "Probe",
      string: " a b ",
      boolean: true,
      byte: -128,
      short: 32767,
      int: -2147483648,
      long: Number.MAX_SAFE_INTEGER,
      float: 1.5,
      double: -0.0025,
      dateTime: new Date(Date.UTC(1999, 11, 31, 23, 59, 59)),
      base64Binary: Buffer.from("hi"),
      anyURI: "https://x/y?a=1&b",
    });
    expect(decode("<double>INF</double>").double).toBe(Infinity);
    expect(decode("<boolean>false</boolean>").boolean).toBe(false);
    expect(decode("<string></string>").string).toBe("");
    expect(decode("<string><![CDATA[<raw> & ]]></string>").string).toBe("<raw> & ");
  });

  it("applies the long policy beyond 2^53-1", () => {
    const big = "9223372036854775807";
    // The default is lossless: beyond ±(2^53−1) a bigint; "round" is the opt-in lossy policy.
    expect(decode(`<long>${big}</long>`).long).toBe(2n ** 63n - 1n);
    expect(decode(`<long>${big}</long>`, { longs: "round" }).long).toBe(2 ** 63);
    expect(decode(`<long>${big}</long>`, { longs: "bigint" }).long).toBe(2n ** 63n - 1n);
    expect(decode(`<long>-5</long>`, { longs: "bigint" }).long).toBe(-5);
    expect(() => decode(`<long>${big}</long>`, { longs: "error" })).toThrow(/p\/long/);
    try {
      decode(`<long>-${big}</long>`, { longs: "error" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CodecError);
      expect((e as CodecError).code).toBe("TSVMOMI_ERR_UNSAFE_LONG");
    }
  });

  it("rejects malformed primitive text with the element path", () => {
    for (const bad of ["<int>12x</int>", "<int></int>", "<boolean>yes</boolean>", "<dateTime>yesterday</dateTime>", "<double>1.2.3</double>", "<long>0x10</long>"]) {
      expect(() => decode(bad), bad).toThrow(CodecError);
    }
    expect(() => decode("<int>abc</int>")).toThrow(/expected xsd:int.*at p\/int/);
  });
});

describe("anyType", () => {
  const val = (xml: string) => decodeValue(vimSubset, "anyType", xml);

  it("decodes by xsi:type", () => {
    expect(val('<val xsi:type="xsd:string">x</val>')).toBe("x");
    expect(val('<val xsi:type="xsd:int">-7</val>')).toBe(-7);
    expect(val('<val xsi:type="xsd:long">123456789012</val>')).toBe(123456789012);
    expect(val('<val xsi:type="xsd:boolean">true</val>')).toBe(true);
    expect(val('<val xsi:type="xsd:short">3</val>')).toBe(3);
    expect(val('<val xsi:type="xsd:dateTime">2020-05-06T07:08:09Z</val>')).toEqual(new Date(Date.UTC(2020, 4, 6, 7, 8, 9)));
    expect(val('<val xsi:type="ArrayOfString"><string>a</string><string>b</string></val>')).toEqual(["a", "b"]);
    expect(val('<val xsi:type="ArrayOfInt"><int>1</int></val>')).toEqual([1]);
    expect(val('<val xsi:type="ArrayOfLong"></val>')).toEqual([]);
    expect(val('<val xsi:type="ManagedObjectReference" type="Folder" serverGuid="g1">group-d1</val>')).toEqual({
      type: "Folder",
      value: "group-d1",
      serverGuid: "g1",
    });
    expect(val('<val xsi:type="VirtualMachinePowerState">suspended</val>')).toBe("suspended");
    expect(val('<val xsi:type="Description"><label>l</label><summary>s</summary></val>')).toEqual({ _typeName: "Description", label: "l", summary: "s" });
    expect(val('<val xsi:type="ArrayOfOptionValue"><OptionValue><key>k</key><value xsi:type="xsd:int">1</value></OptionValue></val>')).toEqual([
      { _typeName: "OptionValue", key: "k", value: 1 },
    ]);
  });

  it("resolves the xsi prefix through xmlns declarations, not by its spelling", () => {
    const xml = '<val xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:s="http://www.w3.org/2001/XMLSchema" i:type="s:int">5</val>';
    expect(val(xml)).toBe(5);
  });
});

describe("unknown xsi:type and unknown elements", () => {
  it("decodes an unknown subtype as its declared base and keeps the wire name and extra children", () => {
    const xml =
      '<val xsi:type="ArrayOfVirtualDevice"><VirtualDevice xsi:type="VirtualNVMEController"><key>31000</key>' +
      "<deviceInfo><label>NVME 0</label><summary>NVME 0</summary></deviceInfo><busNumber>0</busNumber><busNumber>1</busNumber>" +
      "<extra><a>1</a><b>2</b></extra></VirtualDevice></val>";
    expect(decodeValue(vimSubset, "anyType", xml)).toStrictEqual([
      {
        _typeName: "VirtualDevice",
        _unknownType: "VirtualNVMEController",
        key: 31000,
        deviceInfo: { _typeName: "Description", label: "NVME 0", summary: "NVME 0" },
        busNumber: ["0", "1"],
        extra: { a: "1", b: "2" },
      },
    ]);
  });

  it("keeps an anyType value of an unknown type as its text", () => {
    expect(decodeValue(vimSubset, "anyType", '<val xsi:type="HostFutureThing">42</val>')).toBe("42");
  });
});

describe("SOAP faults", () => {
  it("throws a MethodFaultError for InvalidLogin, its chain read from the registry", async () => {
    const body = faultEnvelope(
      "Cannot complete login due to an incorrect user name or password.",
      '<InvalidLoginFault xmlns="urn:vim25" xsi:type="InvalidLogin"></InvalidLoginFault>',
    );
    const err = await decodeResponse(vimSubset, vimMethod("Login"), body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MethodFaultError);
    expect(err).toMatchObject({
      code: "TSVMOMI_ERR_FAULT",
      name: "InvalidLogin",
      faultChain: ["InvalidLogin", "VimFault", "MethodFault"],
      fault: { _typeName: "InvalidLogin" },
      serverMessage: "Cannot complete login due to an incorrect user name or password.",
      faultCode: "ServerFaultCode",
      method: "Login",
    });
  });

  it("decodes fault fields", async () => {
    const body = faultEnvelope(
      "The session is not authenticated.",
      '<NotAuthenticatedFault xmlns="urn:vim25" xsi:type="NotAuthenticated"><object type="Folder">group-d1</object><privilegeId>System.View</privilegeId></NotAuthenticatedFault>',
    );
    const err = (await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), body).catch((e: unknown) => e)) as MethodFaultError;
    expect(err.fault).toEqual({ _typeName: "NotAuthenticated", object: { type: "Folder", value: "group-d1" }, privilegeId: "System.View" });
    expect(err.faultChain).toEqual(["NotAuthenticated", "NoPermission", "SecurityError", "RuntimeFault", "MethodFault"]);
  });

  it("names the fault from the element when xsi:type is missing, and copes with no detail", async () => {
    const body = faultEnvelope("x", '<InvalidLoginFault xmlns="urn:vim25"/>');
    const err = (await decodeResponse(vimSubset, vimMethod("Login"), body).catch((e: unknown) => e)) as MethodFaultError;
    expect(err.faultChain[0]).toBe("InvalidLogin");
    const bare = faultEnvelope("boom", "").replace("<detail></detail>", "");
    const err2 = (await decodeResponse(vimSubset, vimMethod("Login"), bare).catch((e: unknown) => e)) as MethodFaultError;
    expect(err2.faultChain).toEqual([]);
    expect(err2.fault).toBeUndefined();
    expect(err2.serverMessage).toBe("boom");
  });
});

describe("chunked input", () => {
  it("decodes identically when the bytes are split at every position", async () => {
    const doc = envelope(
      "RetrievePropertiesEx",
      '<returnval><objects><obj type="VirtualMachine">vm-1</obj><propSet><name>n</name><val xsi:type="xsd:string">a&amp;b \u00e9\u20ac\ud83d\ude00<![CDATA[]]>c</val></propSet>' +
        '<propSet><name>x</name><val xsi:type="ArrayOfString"><string>p</string><!-- c --><string/></val></propSet></objects></returnval>',
    );
    const bytes = new TextEncoder().encode(doc);
    const whole = decodeResponseSync(vimSubset, vimMethod("RetrievePropertiesEx"), bytes);
    expect(whole).toEqual({
      _typeName: "RetrieveResult",
      objects: [
        {
          _typeName: "ObjectContent",
          obj: { type: "VirtualMachine", value: "vm-1" },
          propSet: [
            { _typeName: "DynamicProperty", name: "n", val: "a&b \u00e9\u20ac\ud83d\ude00c" },
            { _typeName: "DynamicProperty", name: "x", val: ["p", ""] },
          ],
        },
      ],
    });
    for (let cut = 0; cut <= bytes.length; cut++) {
      async function* two() {
        yield bytes.subarray(0, cut);
        yield bytes.subarray(cut);
      }
      expect(await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), two()), `split at ${cut}`).toStrictEqual(whole);
    }
    async function* single() {
      for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    }
    expect(await decodeResponse(vimSubset, vimMethod("RetrievePropertiesEx"), single())).toStrictEqual(whole);
  });
});
