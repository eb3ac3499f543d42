// Data from a newer server: an xsi:type this release does not know, in an
// anyType slot (DynamicProperty.val, OptionValue.value), keeps its type name
// as `_unknownType`, and an `ArrayOfX` of an unknown X stays an array.
import { describe, expect, it } from "vitest";
import { decodeResponseSync, decodeValue } from "../../runtime/codec/index.js";
import { registryFromTables } from "../../runtime/schema-tables.js";
import { RetrievePropertiesEx } from "../../runtime/property/methods.js";
import { schemas } from "../support/bindings.js";
import { envelope } from "../fixtures/codec/envelope.js";

const registry = registryFromTables(schemas);
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';
const val = (inner: string) => (decodeValue(registry, "DynamicProperty", `<p ${XSI}><name>x</name>${inner}</p>`) as { val: unknown }).val;

describe("unknown xsi:type in an anyType slot", () => {
  it("keeps the type name, with nested values", () => {
    expect(val('<val xsi:type="FutureWidgetInfo"><label>w</label><size>3</size><inner><deep>d</deep></inner></val>')).toEqual({
      _typeName: "DynamicData",
      _unknownType: "FutureWidgetInfo",
      label: "w",
      size: "3",
      inner: { deep: "d" },
    });
  });

  it("an unknown ArrayOfX is an array of X, one element or many, and a known xsi:type inside still decodes typed", () => {
    expect(val('<val xsi:type="ArrayOfFutureWidgetInfo"><FutureWidgetInfo><label>a</label></FutureWidgetInfo></val>')).toEqual([
      { _typeName: "DynamicData", _unknownType: "FutureWidgetInfo", label: "a" },
    ]);
    const many = val(
      '<val xsi:type="ArrayOfFutureWidgetInfo">' +
        "<FutureWidgetInfo><label>a</label></FutureWidgetInfo>" +
        "<FutureWidgetInfo><label>b</label></FutureWidgetInfo>" +
        '<FutureWidgetInfo xsi:type="Description"><label>c</label><summary>s</summary></FutureWidgetInfo>' +
        "</val>",
    );
    expect(many).toEqual([
      { _typeName: "DynamicData", _unknownType: "FutureWidgetInfo", label: "a" },
      { _typeName: "DynamicData", _unknownType: "FutureWidgetInfo", label: "b" },
      { _typeName: "Description", label: "c", summary: "s" },
    ]);
    expect(val('<val xsi:type="ArrayOfFutureWidgetInfo"></val>')).toEqual([]);
  });

  it("an unknown type with text only (a newer enum) is its text", () => {
    expect(val('<val xsi:type="FutureMode">turbo</val>')).toBe("turbo");
  });

  it("in a whole RetrievePropertiesEx answer, next to known values", () => {
    const xml = envelope(
      "RetrievePropertiesEx",
      '<returnval><objects><obj type="HostSystem">host-1</obj>' +
        '<propSet><name>config.future</name><val xsi:type="ArrayOfFutureThing"><FutureThing><id>1</id></FutureThing></val></propSet>' +
        '<propSet><name>name</name><val xsi:type="xsd:string">h1</val></propSet>' +
        "</objects></returnval>",
    );
    const r = decodeResponseSync(registry, RetrievePropertiesEx, xml) as { objects: Array<{ propSet: Array<{ name: string; val: unknown }> }> };
    expect(r.objects[0]!.propSet).toEqual([
      { _typeName: "DynamicProperty", name: "config.future", val: [{ _typeName: "DynamicData", _unknownType: "FutureThing", id: "1" }] },
      { _typeName: "DynamicProperty", name: "name", val: "h1" },
    ]);
  });
});
