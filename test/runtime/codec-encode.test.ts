import { describe, expect, it } from "vitest";
import { decodeValue, encodeRequest, encodeValue } from "../../runtime/codec/index.js";
import { vimMethod, vimSubset } from "../fixtures/codec/vim-subset.js";
import { CodecError } from "../../runtime/errors/index.js";

const PC = { type: "PropertyCollector", value: "propertyCollector" };

function body(xml: string): string {
  const m = /<soapenv:Body>(.*)<\/soapenv:Body>/s.exec(xml);
  if (!m) throw new Error("no body");
  return m[1]!;
}

describe("encodeRequest", () => {
  it("writes the envelope, parameters and fields in schema order whatever the key order", () => {
    const xml = encodeRequest(vimSubset, vimMethod("RetrievePropertiesEx"), {
      options: { maxObjects: 100 },
      specSet: [
        {
          reportMissingObjectsInResults: true,
          objectSet: [{ skip: false, obj: { value: "group-d1", type: "Folder" } }],
          propSet: [{ pathSet: ["name", "runtime.powerState"], type: "VirtualMachine" }],
        },
      ],
      _this: PC,
    });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope ')).toBe(true);
    expect(xml).toContain('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"');
    expect(body(xml)).toBe(
      '<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this>' +
        "<specSet><propSet><type>VirtualMachine</type><pathSet>name</pathSet><pathSet>runtime.powerState</pathSet></propSet>" +
        '<objectSet><obj type="Folder">group-d1</obj><skip>false</skip></objectSet>' +
        "<reportMissingObjectsInResults>true</reportMissingObjectsInResults></specSet>" +
        "<options><maxObjects>100</maxObjects></options></RetrievePropertiesEx>",
    );
  });

  it("writes xsi:type for subtypes, with inherited fields first", () => {
    const xml = encodeRequest(vimSubset, vimMethod("RetrievePropertiesEx"), {
      _this: PC,
      specSet: [
        {
          propSet: [{ type: "VirtualMachine", all: false }],
          objectSet: [
            {
              obj: { type: "Folder", value: "group-d1" },
              selectSet: [
                { _typeName: "TraversalSpec", selectSet: [{ name: "visitFolders" }], path: "childEntity", type: "Folder", name: "visitFolders" },
              ],
            },
          ],
        },
      ],
      options: {},
    });
    expect(body(xml)).toContain(
      '<selectSet xsi:type="TraversalSpec"><name>visitFolders</name><type>Folder</type><path>childEntity</path>' +
        "<selectSet><name>visitFolders</name></selectSet></selectSet>",
    );
    expect(body(xml)).toContain("<options></options>");
  });

  it("escapes text and attribute content", () => {
    const xml = encodeRequest(vimSubset, vimMethod("Login"), {
      _this: { type: "SessionManager", value: 'a"b&<c>' },
      userName: "root",
      password: `p&<>"'\r\n\t]]>`,
    });
    expect(body(xml)).toBe(
      '<Login xmlns="urn:vim25"><_this type="SessionManager">a&quot;b&amp;&lt;c&gt;</_this><userName>root</userName>' +
        "<password>p&amp;&lt;&gt;&quot;'&#13;\n\t]]&gt;</password></Login>",
    );
  });

  it("rejects characters XML cannot carry", () => {
    for (const password of ["a\u0000b", "\u001b[0m", "x\ud800"]) {
      try {
        encodeRequest(vimSubset, vimMethod("Login"), { _this: PC, userName: "u", password });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(CodecError);
        expect((e as CodecError).code).toBe("TSVMOMI_ERR_INVALID_CHAR");
        expect((e as CodecError).path).toBe("password");
      }
    }
  });

  it("names the method and parameter for missing, unknown and mistyped input", () => {
    expect(() => encodeRequest(vimSubset, vimMethod("Login"), { _this: PC, userName: "u" })).toThrow(/missing required parameter "password".*method Login/);
    expect(() => encodeRequest(vimSubset, vimMethod("Login"), { _this: PC, userName: "u", password: "p", pasword: "p" })).toThrow(/unknown parameter "pasword"/);
    expect(() => encodeRequest(vimSubset, vimMethod("SetField"), { _this: PC, entity: PC, key: 1.5, value: "v" })).toThrow(/xsd:int.*at key/);
    expect(() => encodeRequest(vimSubset, vimMethod("SetField"), { _this: PC, entity: "vm-1", key: 1, value: "v" })).toThrow(/MoRef.*at entity/);
    expect(() =>
      encodeRequest(vimSubset, vimMethod("RetrievePropertiesEx"), { _this: PC, specSet: [{ propSet: [{ type: "VM", paths: [] }], objectSet: [] }], options: {} }),
    ).toThrow(/PropertySpec has no field "paths".*specSet\[0\]\.propSet\[0\]\.paths/);
    expect(() =>
      encodeRequest(vimSubset, vimMethod("RetrievePropertiesEx"), { _this: PC, specSet: [{ propSet: [{}], objectSet: [] }], options: {} }),
    ).toThrow(/PropertySpec\.type is required/);
    expect(() =>
      encodeRequest(vimSubset, vimMethod("RetrievePropertiesEx"), { _this: PC, specSet: [{ _typeName: "ObjectSpec", obj: PC }], options: {} }),
    ).toThrow(/ObjectSpec is not a PropertyFilterSpec/);
  });

  it("omits optional parameters and inserts extra SOAP headers", () => {
    const xml = encodeRequest(vimSubset, vimMethod("Login"), { _this: PC, userName: "u", password: "p", locale: undefined }, { headers: "<operationID>op-1</operationID>" });
    expect(xml).toContain("<soapenv:Header><operationID>op-1</operationID></soapenv:Header><soapenv:Body>");
    expect(body(xml)).not.toContain("locale");
  });
});

describe("encoding anyType", () => {
  const any = (v: unknown) => encodeValue(vimSubset, "val", "anyType", v);

  it("infers the XSD type from the JS value", () => {
    expect(any("s")).toBe('<val xsi:type="xsd:string">s</val>');
    expect(any(true)).toBe('<val xsi:type="xsd:boolean">true</val>');
    expect(any(2147483647)).toBe('<val xsi:type="xsd:int">2147483647</val>');
    expect(any(2147483648)).toBe('<val xsi:type="xsd:long">2147483648</val>');
    expect(any(0.5)).toBe('<val xsi:type="xsd:double">0.5</val>');
    expect(any(2n ** 62n)).toBe('<val xsi:type="xsd:long">4611686018427387904</val>');
    expect(any(new Date(Date.UTC(2020, 0, 1)))).toBe('<val xsi:type="xsd:dateTime">2020-01-01T00:00:00.000Z</val>');
    expect(any({ type: "Datastore", value: "ds-1" })).toBe('<val xsi:type="ManagedObjectReference" type="Datastore">ds-1</val>');
    expect(any(["a", "b"])).toBe('<val xsi:type="ArrayOfString"><string>a</string><string>b</string></val>');
    expect(any([1, 2])).toBe('<val xsi:type="ArrayOfInt"><int>1</int><int>2</int></val>');
    expect(any([{ type: "Datastore", value: "ds-1" }])).toBe(
      '<val xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="Datastore">ds-1</ManagedObjectReference></val>',
    );
    expect(any({ _typeName: "long", _value: 5 })).toBe('<val xsi:type="xsd:long">5</val>');
    expect(any({ _typeName: "Description", label: "l", summary: "s" })).toBe('<val xsi:type="Description"><label>l</label><summary>s</summary></val>');
  });

  it("names an object array by the common base of its elements", () => {
    const xml = any([
      { _typeName: "VirtualDisk", key: 1, capacityInKB: 10 },
      { _typeName: "VirtualE1000", key: 2 },
    ]);
    expect(xml).toBe(
      '<val xsi:type="ArrayOfVirtualDevice"><VirtualDevice xsi:type="VirtualDisk"><key>1</key><capacityInKB>10</capacityInKB></VirtualDevice>' +
        '<VirtualDevice xsi:type="VirtualE1000"><key>2</key></VirtualDevice></val>',
    );
  });
});

describe("round trip", () => {
  it("decodes what it encodes for a nested spec with polymorphism, anyType and every primitive", () => {
    const value = {
      _typeName: "ObjectContent",
      obj: { type: "VirtualMachine", value: "vm-42" },
      propSet: [
        {
          _typeName: "DynamicProperty",
          name: "config.hardware.device",
          val: [
            {
              _typeName: "VirtualDisk",
              key: 2000,
              backing: {
                _typeName: "VirtualDiskFlatVer2BackingInfo",
                fileName: "[ds] a & b.vmdk",
                diskMode: "persistent",
                parent: { _typeName: "VirtualDiskFlatVer2BackingInfo", fileName: "base.vmdk", diskMode: "persistent" },
              },
              capacityInKB: 1 << 30,
              iofilter: ["f1"],
            },
            { _typeName: "VirtualIDEController", key: 200, busNumber: 0, device: [3000, 3001] },
          ],
        },
        { _typeName: "DynamicProperty", name: "when", val: new Date(Date.UTC(2021, 5, 7, 8, 9, 10, 11)) },
        { _typeName: "DynamicProperty", name: "flags", val: [true, false] },
        { _typeName: "DynamicProperty", name: "big", val: 2 ** 40 },
        { _typeName: "DynamicProperty", name: "ratio", val: -1.25 },
        { _typeName: "DynamicProperty", name: "opts", val: [{ _typeName: "OptionValue", key: "k", value: "v" }] },
      ],
      missingSet: [
        {
          _typeName: "MissingProperty",
          path: "summary",
          fault: {
            _typeName: "LocalizedMethodFault",
            fault: { _typeName: "NoPermission", object: { type: "Folder", value: "group-d1" }, privilegeId: "System.Read" },
          },
        },
      ],
    };
    const xml = encodeValue(vimSubset, "x", "ObjectContent", value);
    const ns = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';
    expect(decodeValue(vimSubset, "ObjectContent", xml.replace("<x>", `<x ${ns}>`))).toStrictEqual(value);
  });
});
