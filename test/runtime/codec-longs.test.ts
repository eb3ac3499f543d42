// Longs are lossless by default. Real ESXi data carries values beyond
// ±(2^53−1) (VMkernel.Boot.poisonMarker in OptionValue.value, an anyType
// slot; LongOption.max = 2^63−1 in supportedOption): they decode as bigint,
// re-encode byte for byte, and a number that can no longer hold them exactly
// is refused by the encoder instead of being sent changed.
import { describe, expect, it } from "vitest";
import { decodeValue, encodeValue } from "../../runtime/codec/index.js";
import { CodecError } from "../../runtime/errors/index.js";
import { registryFromTables } from "../../runtime/schema-tables.js";
import { schemas } from "../support/bindings.js";

const registry = registryFromTables(schemas);
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';
const POISON = "-6148914691236517206";
const LONG_MAX = "9223372036854775807";

const optionValue = (value: string) => `<v ${XSI}><key>VMkernel.Boot.poisonMarker</key><value xsi:type="xsd:long">${value}</value></v>`;
const longOption = `<v ${XSI}><valueIsReadonly>false</valueIsReadonly><min>0</min><max>${LONG_MAX}</max><defaultValue>${POISON}</defaultValue></v>`;
const strip = (xml: string) => xml.replace(/ xmlns:\w+="[^"]*"/g, "");

describe("lossless longs (default policy)", () => {
  it("an unsafe long in an anyType slot (OptionValue.value) decodes as bigint and round-trips exactly", () => {
    const decoded = decodeValue(registry, "OptionValue", optionValue(POISON)) as { value: unknown };
    expect(decoded.value).toBe(BigInt(POISON));
    expect(encodeValue(registry, "v", "OptionValue", decoded)).toBe(strip(optionValue(POISON)));
  });

  it("LongOption.max = 2^63−1 (a typed long field) decodes exactly and re-encodes as 9223372036854775807, not ...808", () => {
    const decoded = decodeValue(registry, "LongOption", longOption) as { max: unknown; defaultValue: unknown; min: unknown };
    expect(decoded.max).toBe(2n ** 63n - 1n);
    expect(decoded.defaultValue).toBe(BigInt(POISON));
    expect(decoded.min).toBe(0); // safe values stay numbers
    const xml = encodeValue(registry, "v", "LongOption", decoded);
    expect(xml).toContain(`<max>${LONG_MAX}</max>`);
    expect(xml).toContain(`<defaultValue>${POISON}</defaultValue>`);
  });

  it("safe longs stay numbers, in typed fields and anyType slots", () => {
    expect((decodeValue(registry, "OptionValue", optionValue("9007199254740991")) as { value: unknown }).value).toBe(9007199254740991);
    expect((decodeValue(registry, "OptionValue", optionValue("-42")) as { value: unknown }).value).toBe(-42);
  });

  it("the encoder refuses a number beyond ±(2^53−1) for a long, typed or inferred, naming the path and suggesting a bigint", () => {
    const rounded = Number(LONG_MAX); // 9223372036854775808 once it is a double
    const attempts: Array<() => string> = [
      () => encodeValue(registry, "v", "LongOption", { _typeName: "LongOption", min: 0, max: rounded, defaultValue: 0 }),
      () => encodeValue(registry, "v", "OptionValue", { _typeName: "OptionValue", key: "k", value: rounded }),
      () => encodeValue(registry, "v", "OptionValue", { _typeName: "OptionValue", key: "k", value: [1, rounded] }),
    ];
    for (const attempt of attempts) {
      let err: unknown;
      try {
        attempt();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CodecError);
      expect((err as CodecError).code).toBe("TSVMOMI_ERR_UNSAFE_LONG");
      expect((err as Error).message).toContain("bigint");
    }
  });

  it('"round" remains available as an opt-in, and what it rounded cannot be sent back unnoticed', () => {
    const decoded = decodeValue(registry, "OptionValue", optionValue(POISON), { longs: "round" }) as { value: unknown };
    expect(typeof decoded.value).toBe("number");
    expect(() => encodeValue(registry, "v", "OptionValue", decoded)).toThrow(/UNSAFE_LONG|beyond/);
  });
});
