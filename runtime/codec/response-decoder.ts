/**
 * The schema-driven SOAP response decoder: a TokenHandler that builds typed
 * plain objects directly from tokenizer events, with no intermediate DOM.
 *
 * Frames are preallocated and reused so a 35 MB response does not allocate
 * one bookkeeping object per element. Data objects are attached to their
 * parent when they open (keeps array order without a second pass); leaf
 * values when they close.
 */
import {
  type CompiledSchema,
  type FieldInfo,
  type TypeInfo,
  K_ANY,
  K_BASE64,
  K_BOOLEAN,
  K_DATA,
  K_DATETIME,
  K_DOUBLE,
  K_ENUM,
  K_INT,
  K_LONG,
  K_MOREF,
  K_STRING,
  K_UNKNOWN,
} from "./compiled-schema.js";
import { CodecError } from "../errors/codec.js";
import type { SoapFaultInfo } from "../errors/client.js";
import { DEFAULT_MAX_ELEMENTS } from "./limits.js";
import { DEFAULT_LONG_POLICY, type LongPolicy, parseBase64, parseBoolean, parseDateTime, parseDouble, parseInt32, parseLong } from "./primitives.js";
import type { XmlTokenizer, TokenHandler } from "./xml-tokenizer.js";

const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
const XSD_NS = "http://www.w3.org/2001/XMLSchema";

// Frame kinds.
const F_DOCUMENT = 0;
const F_ENVELOPE = 1;
const F_BODY = 2;
const F_RESPONSE = 3;
const F_FAULT = 4;
const F_DETAIL = 5;
const F_SKIP = 6;
const F_OBJECT = 7;
const F_LEAF = 8;
const F_MOREF = 9;
const F_ARRAY = 10;
const F_GENERIC = 11;
/** `ArrayOfX` in an anyType slot with X unknown to this registry: items decode as X (unknown) unless they say otherwise. */
const F_UNKNOWN_ARRAY = 12;

/** Longest string value `keep` shares between occurrences, and the slots of its table of recent values (a power of 2). */
const KEEP_SHARED_CHARS = 40;
const KEEP_SLOTS = 1024;
/** Slots of the table of recent `xsi:type` values (a power of 2). */
const XSI_SLOTS = 64;

/** A copy of `s` that does not point into the string it was sliced from (V8 copies slices under 13 characters itself). */
function detach(s: string): string {
  // The template makes a cons string; slicing it flattens the cons into a fresh string first.
  return s.length < 13 ? s : ` ${s}`.slice(1);
}

/**
 * The slot of `s` (not empty) in a direct-mapped table of `slots` entries (a
 * power of 2), from its length and three of its characters: no full-string
 * hash, as a Map computes for every fresh slice. `keep` and `xsiTypeInfo` use
 * it; a collision only costs the lookup the table was there to spare.
 */
function slotOf(s: string, slots: number): number {
  const n = s.length;
  return (n * 31 + s.charCodeAt(0) * 17 + s.charCodeAt(n >> 1) * 7 + s.charCodeAt(n - 1)) & (slots - 1);
}

/** Arrays this short are copied to their exact size when their object closes (see trimArrays). */
const TRIM_MAX_LENGTH = 8;

/**
 * Gives the short arrays of a finished object backing stores of their exact
 * length. An array grown by push gets room for 16 or 17 items at its first
 * push, so the 2-item `device` lists of 11,000 controllers and 5-item
 * `propSet`s of a 5,500-VM answer carried 1.8 MB of empty slots into the
 * result, and every GC copied them. `slice()` allocates exactly `length`.
 */
function trimArrays(obj: Slot, arrayFields: readonly FieldInfo[]): void {
  for (let i = 0; i < arrayFields.length; i++) {
    const key = arrayFields[i]!.name;
    const arr = obj[key];
    if (arr !== undefined && arr.length <= TRIM_MAX_LENGTH) obj[key] = arr.slice();
  }
}

/** Kinds whose element holds only text: what `leaf` converts without a frame. */
function isLeafKind(kind: number): boolean {
  return kind !== K_DATA && kind !== K_MOREF && kind !== K_ANY && kind !== K_UNKNOWN;
}

// biome-ignore lint/suspicious/noExplicitAny: a value under construction takes whatever shape the schema gives it at run time
type Slot = any;

class Frame {
  kind = F_DOCUMENT;
  name = "";
  /** Value kind of a leaf, or the item kind of an ArrayOfX. */
  leaf = 0;
  type: TypeInfo | undefined = undefined;
  obj: Slot = undefined;
  text = "";
  /** Where the finished value goes: pushed onto `arr` if set, else `target[key]`. */
  target: Slot = undefined;
  key = "";
  arr: unknown[] | undefined = undefined;
  /** MoRef frames: the `type` attribute. Generic frames: the unknown xsi:type, "" when none. Unknown arrays: the item type. */
  moType = "";
  serverGuid: string | undefined = undefined;
  nsMark = 0;
  /** Index in `type.fields` of the last child field matched (object frames). */
  cursor = 0;
  /** Children seen by a generic frame (decides string vs object). */
  hasChildren = false;
}

export interface DecodeOptions {
  /** How xsd:long values beyond ±(2^53−1) decode. Default "bigint" (exact; see LongPolicy). */
  longs?: LongPolicy;
  /** Reject bodies larger than this many bytes (UTF-8). Default DEFAULT_MAX_BYTES (512 MiB, at most 1/8 of the heap). */
  maxBytes?: number;
  /** Maximum element nesting. Default 512. */
  maxDepth?: number;
  /**
   * Most elements decoded from one response; more fail with TOO_LARGE while
   * streaming. Default DEFAULT_MAX_ELEMENTS (a quarter of the heap at the
   * worst measured cost per element), so no server can exhaust the heap.
   */
  maxElements?: number;
  /**
   * Hand the items of one array out as their elements close instead of
   * collecting them (see decode-response.ts): the returned array itself, or
   * the array field `field` of the returned data object (RetrieveResult's
   * `objects`). The byte and element budgets still count the whole response.
   */
  stream?: ItemStream;
}

/** Where streamed items go; `deliver` is awaited before the body is read further. */
export interface ItemStream {
  /** The array field of the returned object whose items are streamed; omitted when the method returns an array. */
  readonly field?: string;
  /** `parent` is the returned object as decoded so far (its fields before `field`: RetrieveResult's `token`). */
  deliver(items: unknown[], parent: unknown): void | Promise<void>;
}

interface FaultHolder {
  faultcode?: string;
  faultstring?: string;
  detail?: Record<string, unknown>;
  detailType?: string;
}

export class ResponseDecoder implements TokenHandler {
  private readonly frames: Frame[] = [];
  private d = 0;
  private readonly nsMap = new Map<string, string>();
  private readonly nsLog: (string | undefined)[] = [];
  /**
   * The last attribute name seen to mean xsi:type (`xsi:type`, or vcsim's
   * `XMLSchema-instance:type`) and its prefix: nearly every data object
   * carries one, and comparing the name beats splitting it each time. The
   * prefix is still looked up, since a nested xmlns may rebind it.
   */
  private xsiTypeAttr = "";
  private xsiTypePrefix = "";
  /** `nsGen` when the prefix was last confirmed; any xmlns change since forces a lookup. */
  private xsiTypeGen = -1;
  /** Bumped on every namespace (re)binding and undo. */
  private nsGen = 0;
  tokenizer: XmlTokenizer | undefined;

  private readonly responseName: string;
  private readonly returnField: FieldInfo | undefined;
  private readonly holder: { returnval?: unknown } = {};
  private readonly result: unknown[] | undefined;
  private fault: FaultHolder | undefined;
  private sawBody = false;
  private readonly longs: LongPolicy;
  private readonly methodFault: TypeInfo | undefined;
  /** Elements still allowed (the decoded-size budget); one decrement per element. */
  private budget: number;
  private readonly maxElements: number;
  /** Streaming: depth of the item elements handed out as they close (-1: none), and the key they fill. */
  private readonly itemDepth: number = -1;
  private readonly itemKey: string = "";
  /** Recent short strings this response decoded, by a hash of a few characters (see `keep`); per response, so nothing outlives it here. */
  private readonly kept: string[] = new Array<string>(KEEP_SLOTS).fill("");
  /** Recent `xsi:type` values and the types they name (see `xsiTypeInfo`). */
  private readonly xsiNames: string[] = new Array<string>(XSI_SLOTS).fill("");
  private readonly xsiTypes: (TypeInfo | undefined)[] = new Array<TypeInfo | undefined>(XSI_SLOTS).fill(undefined);
  /** Streamed items whose element closed, not yet taken by `takeItems`. */
  private items: unknown[] = [];

  constructor(
    private readonly schema: CompiledSchema,
    private readonly method: string,
    returnField: FieldInfo | undefined,
    opts: DecodeOptions,
    /** Decode one standalone element as `returnField` (no envelope); for tests and tools. */
    private readonly bare = false,
  ) {
    this.responseName = `${method}Response`;
    this.returnField = returnField;
    this.result = returnField?.array ? [] : undefined;
    this.longs = opts.longs ?? DEFAULT_LONG_POLICY;
    this.methodFault = schema.typeInfo("MethodFault");
    this.maxElements = opts.maxElements ?? DEFAULT_MAX_ELEMENTS;
    this.budget = this.maxElements;
    const stream = opts.stream;
    if (stream && !bare && returnField) {
      // Envelope/Body/<method>Response/returnval is depth 4; its items (an array return) are returnval elements.
      if (returnField.array && stream.field === undefined) {
        this.itemDepth = 4;
        this.itemKey = returnField.name;
      } else if (!returnField.array && stream.field !== undefined && returnField.kind === K_DATA) {
        const f = schema.typeInfo(returnField.typeName)?.byName.get(stream.field);
        if (f?.array) {
          this.itemDepth = 5;
          this.itemKey = f.name;
        }
      }
    }
    if (stream && this.itemDepth < 0) {
      throw new TypeError(
        `${method}: cannot stream ${stream.field === undefined ? "its return value" : `"${stream.field}"`}: ${returnField?.array ? "it returns an array, so give no field" : `expected the name of an array field of ${returnField?.typeName ?? "its (absent) return value"}`}`,
      );
    }
    const root = new Frame();
    if (bare) {
      root.kind = F_RESPONSE;
      this.sawBody = true;
    }
    this.frames.push(root);
  }

  /** The decoded `returnval`, or the fault (when the body held one). */
  finish(): { value: unknown; fault?: SoapFaultInfo } {
    if (this.fault) {
      const f = this.fault;
      return {
        value: undefined,
        fault: {
          typeName: (f.detail?._typeName as string | undefined) ?? f.detailType ?? "",
          fields: f.detail,
          message: f.faultstring ?? "",
          faultCode: f.faultcode ?? "",
          method: this.method,
        },
      };
    }
    if (!this.sawBody) throw this.error("TSVMOMI_ERR_NOT_SOAP", "response has no soapenv:Body");
    return { value: this.result ?? this.holder.returnval };
  }

  /** The streamed items whose element closed since the last call (see DecodeOptions.stream). */
  takeItems(): unknown[] {
    const got = this.items;
    if (got.length > 0) this.items = [];
    return got;
  }

  /** The returned object as decoded so far: the parent of streamed field items. */
  partial(): unknown {
    return this.holder.returnval;
  }

  open(name: string, attrs: string[], attrCount: number, localStart: number): void {
    if (--this.budget < 0) {
      throw this.tooManyElements();
    }
    const parent = this.frames[this.d]!;
    const nsMark = this.nsLog.length;
    let xsiType: string | undefined;
    let moType = "";
    let serverGuid: string | undefined;
    let nil = false;
    for (let i = 0; i < attrCount * 2; i += 2) {
      const an = attrs[i]!;
      if (an === "type") moType = attrs[i + 1]!;
      else if (an === "serverGuid") serverGuid = attrs[i + 1];
      else if (an === this.xsiTypeAttr && (this.xsiTypeGen === this.nsGen || this.isXsi(this.xsiTypePrefix))) {
        xsiType = attrs[i + 1];
        this.xsiTypeGen = this.nsGen;
      }
      else if (an.charCodeAt(0) === 120 /* x */ && an.startsWith("xmlns")) {
        if (an.charCodeAt(5) === 58 /* : */) this.declare(an.slice(6), attrs[i + 1]!);
      } else {
        const colon = an.indexOf(":");
        const prefix = colon > 0 ? an.slice(0, colon) : "";
        if (colon > 0 && this.isXsi(prefix)) {
          const local = an.slice(colon + 1);
          if (local === "type") {
            xsiType = attrs[i + 1];
            this.xsiTypeAttr = an;
            this.xsiTypePrefix = prefix;
            this.xsiTypeGen = this.nsGen;
          }
          else if (local === "nil") nil = attrs[i + 1] === "true" || attrs[i + 1] === "1";
        }
      }
    }
    const local = localStart === 0 ? name : name.slice(localStart);

    let frame = this.frames[this.d + 1];
    if (frame === undefined) {
      frame = new Frame();
      this.frames.push(frame);
    }
    this.d++;
    frame.name = name;
    frame.nsMark = nsMark;
    frame.text = "";
    frame.arr = undefined;
    frame.obj = undefined;
    frame.type = undefined;
    frame.hasChildren = false;

    switch (parent.kind) {
      case F_OBJECT: {
        const field = this.field(parent, local);
        if (field === undefined) {
          this.startGeneric(frame, parent.obj, local, xsiType);
          return;
        }
        const key = field.name;
        let arr: unknown[] | undefined;
        if (field.array) {
          arr = parent.obj[key];
          if (arr === undefined) {
            arr = [];
            parent.obj[key] = arr;
          }
        }
        if (nil) {
          this.skip(frame);
          return;
        }
        this.startValue(frame, field.kind, field.kind === K_DATA ? this.dataType(field) : undefined, parent.obj, key, arr, xsiType, moType, serverGuid);
        return;
      }
      case F_ARRAY:
        if (nil) {
          this.skip(frame);
          return;
        }
        this.startValue(frame, parent.leaf, parent.type, undefined, "", parent.obj, xsiType, moType, serverGuid);
        return;
      case F_UNKNOWN_ARRAY:
        if (nil) {
          this.skip(frame);
          return;
        }
        this.startValue(frame, K_ANY, undefined, undefined, "", parent.obj, xsiType ?? parent.moType, moType, serverGuid);
        return;
      case F_GENERIC:
        parent.hasChildren = true;
        if (parent.obj === undefined) {
          // An unknown xsi:type keeps its name; DynamicData is the one base every data object shares.
          parent.obj = parent.moType === "" ? {} : { _typeName: "DynamicData", _unknownType: this.keep(parent.moType) };
          this.attach(parent, parent.obj);
        }
        this.startGeneric(frame, parent.obj, local, xsiType);
        return;
      case F_RESPONSE: {
        const rf = this.returnField;
        if ((local !== "returnval" && !this.bare) || rf === undefined) {
          throw this.error("TSVMOMI_ERR_UNEXPECTED_ELEMENT", rf ? `expected <returnval> in <${this.responseName}>, found <${name}>` : `${this.method} returns nothing, but the response holds <${name}>`);
        }
        if (nil) {
          this.skip(frame);
          return;
        }
        this.startValue(frame, rf.kind, rf.kind === K_DATA ? this.dataType(rf) : undefined, this.holder, "returnval", this.result, xsiType, moType, serverGuid);
        return;
      }
      case F_DOCUMENT:
        if (local !== "Envelope") throw this.error("TSVMOMI_ERR_NOT_SOAP", `expected a SOAP Envelope, found <${name}>`);
        frame.kind = F_ENVELOPE;
        return;
      case F_ENVELOPE:
        if (local === "Body") {
          this.sawBody = true;
          frame.kind = F_BODY;
        } else frame.kind = F_SKIP;
        return;
      case F_BODY:
        if (local === "Fault") {
          this.fault = {};
          frame.kind = F_FAULT;
        } else if (local === this.responseName) {
          frame.kind = F_RESPONSE;
        } else {
          throw this.error("TSVMOMI_ERR_UNEXPECTED_ELEMENT", `expected <${this.responseName}> or a SOAP Fault in the Body, found <${name}>`);
        }
        return;
      case F_FAULT:
        if (local === "faultcode" || local === "faultstring") {
          this.startValue(frame, K_STRING, undefined, this.fault, local, undefined, undefined, "", undefined);
        } else if (local === "detail") frame.kind = F_DETAIL;
        else frame.kind = F_SKIP;
        return;
      case F_DETAIL: {
        if (this.fault!.detail !== undefined) {
          this.skip(frame);
          return;
        }
        // vSphere names the element `<XFault xsi:type="X">`; older servers omit xsi:type.
        const wire = xsiType ?? (local.endsWith("Fault") ? local.slice(0, -5) : local);
        this.fault!.detailType = wire.slice(wire.indexOf(":") + 1);
        if (this.methodFault) this.startData(frame, this.methodFault, this.fault, "detail", undefined, wire);
        else this.startGeneric(frame, this.fault, "detail", wire);
        return;
      }
      default:
        frame.kind = F_SKIP;
        return;
    }
  }

  /**
   * `<name>text</name>`: a field of primitive kind is converted and stored
   * without a frame, which is what most elements of an answer are. Anything
   * else (attributes, a data object, a fault, a value that fails to convert,
   * so that the error names its element) takes the open/text/close path.
   */
  leaf(name: string, attrs: string[], attrCount: number, localStart: number, text: string): void {
    const parent = this.frames[this.d]!;
    if (attrCount === 0 && parent.kind === F_OBJECT && this.d + 1 !== this.itemDepth) {
      const field = this.field(parent, localStart === 0 ? name : name.slice(localStart));
      if (field !== undefined && isLeafKind(field.kind)) {
        let value: unknown;
        try {
          value = this.convertRaw(field.kind, text);
        } catch (e) {
          if (!(e instanceof CodecError)) throw e;
          this.leafSlow(name, attrs, attrCount, localStart, text);
          return;
        }
        if (--this.budget < 0) {
          throw this.tooManyElements();
        }
        const obj = parent.obj;
        const key = field.name;
        if (field.array) {
          const arr = obj[key];
          if (arr === undefined) obj[key] = [value];
          else arr.push(value);
        } else obj[key] = value;
        return;
      }
    }
    this.leafSlow(name, attrs, attrCount, localStart, text);
  }

  private leafSlow(name: string, attrs: string[], attrCount: number, localStart: number, text: string): void {
    this.open(name, attrs, attrCount, localStart);
    if (text.length > 0) this.text(text);
    this.close(name);
  }

  text(text: string): void {
    const f = this.frames[this.d]!;
    const k = f.kind;
    if (k === F_LEAF || k === F_MOREF || k === F_GENERIC) f.text = f.text.length === 0 ? text : f.text + text;
  }

  close(_name: string): void {
    const f = this.frames[this.d]!;
    switch (f.kind) {
      case F_LEAF:
        this.attach(f, this.convert(f.leaf, f.text));
        break;
      case F_MOREF:
        this.attach(f, f.serverGuid === undefined ? { type: this.keep(f.moType), value: this.keep(f.text) } : { type: this.keep(f.moType), value: this.keep(f.text), serverGuid: this.keep(f.serverGuid) });
        break;
      case F_GENERIC:
        if (!f.hasChildren) this.attach(f, this.keep(f.text));
        break;
      case F_OBJECT:
        if (f.type!.arrayFields.length > 0) trimArrays(f.obj, f.type!.arrayFields);
        break;
    }
    // A streamed item leaves its array as it closes (data objects joined it when they opened).
    if (this.d === this.itemDepth && f.arr !== undefined && f.key === this.itemKey) this.items.push(f.arr.pop());
    if (this.nsLog.length > f.nsMark) this.undoNamespaces(f.nsMark);
    f.obj = undefined;
    f.target = undefined;
    f.arr = undefined;
    this.d--;
  }

  private attach(f: Frame, value: unknown): void {
    if (f.arr !== undefined) f.arr.push(value);
    else if (f.kind === F_GENERIC && Object.hasOwn(f.target, f.key)) {
      // A repeated unknown element becomes an array, as its schema would have said.
      // Generic values are strings or objects, so an array here is one we made.
      const prev = f.target[f.key];
      if (Array.isArray(prev)) prev.push(value);
      else f.target[f.key] = [prev, value];
    } else f.target[f.key] = value;
  }

  /**
   * The field of an object frame named `local`. Servers send fields in schema
   * order, so the search starts at the previous match (the same field again
   * for arrays) and nearly always ends there or a few absent optional fields
   * later, without hashing the fresh name string; the Map handles the rest.
   */
  private field(parent: Frame, local: string): FieldInfo | undefined {
    const type = parent.type!;
    const fields = type.fields;
    for (let i = parent.cursor; i < fields.length; i++) {
      if (fields[i]!.name === local) {
        parent.cursor = i;
        return fields[i];
      }
    }
    const f = type.byName.get(local);
    if (f !== undefined) parent.cursor = fields.indexOf(f);
    return f;
  }

  private dataType(field: FieldInfo): TypeInfo {
    field.dataType ??= this.schema.typeInfo(field.typeName)!;
    return field.dataType;
  }

  private startValue(
    frame: Frame,
    kind: number,
    /** The declared type, for K_DATA. */
    dataType: TypeInfo | undefined,
    target: Slot,
    key: string,
    arr: unknown[] | undefined,
    xsiType: string | undefined,
    moType: string,
    serverGuid: string | undefined,
  ): void {
    frame.target = target;
    frame.key = key;
    frame.arr = arr;
    switch (kind) {
      case K_DATA:
        this.startData(frame, dataType!, target, key, arr, xsiType);
        return;
      case K_MOREF:
        frame.kind = F_MOREF;
        frame.moType = moType;
        frame.serverGuid = serverGuid;
        return;
      case K_ANY:
        this.startAny(frame, xsiType, moType, serverGuid);
        return;
      case K_UNKNOWN:
        frame.kind = F_GENERIC;
        frame.moType = "";
        return;
      default:
        frame.kind = F_LEAF;
        frame.leaf = kind;
    }
  }

  private startData(frame: Frame, declared: TypeInfo, target: Slot, key: string, arr: unknown[] | undefined, xsiType: string | undefined): void {
    let type = declared;
    let unknown: string | undefined;
    if (xsiType !== undefined) {
      const t = this.xsiTypeInfo(xsiType);
      if (t !== undefined) type = t;
      else {
        const local = xsiType.slice(xsiType.indexOf(":") + 1);
        if (local !== declared.name) unknown = local;
      }
    }
    const obj = new type.create();
    if (unknown !== undefined) obj._unknownType = this.keep(unknown);
    frame.kind = F_OBJECT;
    frame.type = type;
    frame.cursor = 0;
    frame.obj = obj;
    frame.target = target;
    frame.key = key;
    frame.arr = arr;
    if (arr !== undefined) arr.push(obj);
    else target[key] = obj;
  }

  /**
   * The data type an `xsi:type` value names (prefix ignored, as before), or
   * undefined when the registry has no such type. Nearly every data object of
   * an answer carries one and a few names repeat (Description, VirtualDisk, ...):
   * a small table compared with `===` spares the slice and the map's hash of
   * a fresh string each time.
   */
  private xsiTypeInfo(xsiType: string): TypeInfo | undefined {
    if (xsiType.length === 0) return this.schema.typeInfo("");
    const slot = slotOf(xsiType, XSI_SLOTS);
    if (this.xsiNames[slot] === xsiType) return this.xsiTypes[slot];
    const t = this.schema.typeInfo(xsiType.slice(xsiType.indexOf(":") + 1));
    this.xsiNames[slot] = xsiType;
    this.xsiTypes[slot] = t;
    return t;
  }

  private startAny(frame: Frame, xsiType: string | undefined, moType: string, serverGuid: string | undefined): void {
    if (xsiType === undefined) {
      frame.kind = F_GENERIC;
      frame.moType = "";
      return;
    }
    const colon = xsiType.indexOf(":");
    const local = colon < 0 ? xsiType : xsiType.slice(colon + 1);
    const xsd = colon > 0 && this.isXsd(xsiType.slice(0, colon));
    const r = this.schema.resolveAny(local, xsd);
    if (r === null) {
      // A type from a newer server: keep its name (`_unknownType`) and its shape, without guessing a schema.
      if (!xsd && local.length > 7 && local.startsWith("ArrayOf")) {
        const list: unknown[] = [];
        this.attach(frame, list);
        frame.kind = F_UNKNOWN_ARRAY;
        frame.moType = local.slice(7);
        frame.obj = list;
        return;
      }
      frame.kind = F_GENERIC;
      frame.moType = xsd ? "" : local;
      return;
    }
    if (r.array) {
      const list: unknown[] = [];
      this.attach(frame, list);
      frame.kind = F_ARRAY;
      frame.leaf = r.kind;
      frame.type = r.type;
      frame.obj = list;
      return;
    }
    switch (r.kind) {
      case K_DATA:
        this.startData(frame, r.type!, frame.target, frame.key, frame.arr, undefined);
        return;
      case K_MOREF:
        frame.kind = F_MOREF;
        frame.moType = moType;
        frame.serverGuid = serverGuid;
        return;
      case K_ANY:
        frame.kind = F_GENERIC;
        frame.moType = "";
        return;
      default:
        frame.kind = F_LEAF;
        frame.leaf = r.kind;
    }
  }

  private startGeneric(frame: Frame, target: Slot, key: string, xsiType: string | undefined): void {
    frame.kind = F_GENERIC;
    frame.moType = "";
    frame.target = target;
    frame.key = key;
    frame.arr = undefined;
    if (xsiType !== undefined && this.methodFault === undefined && key === "detail") {
      frame.obj = { _typeName: xsiType.slice(xsiType.indexOf(":") + 1) };
      frame.hasChildren = true;
      this.attach(frame, frame.obj);
    }
  }

  private skip(frame: Frame): void {
    frame.kind = F_SKIP;
  }

  private convert(kind: number, text: string): unknown {
    try {
      return this.convertRaw(kind, text);
    } catch (e) {
      if (e instanceof CodecError) throw this.error(e.code, e.message);
      throw e;
    }
  }

  /** `text` as a value of primitive `kind`; a bad value throws a CodecError without the element path. */
  private convertRaw(kind: number, text: string): unknown {
    switch (kind) {
      case K_STRING:
      case K_ENUM:
        return this.keep(text);
      case K_INT:
        return parseInt32(text);
      case K_BOOLEAN:
        return parseBoolean(text);
      case K_LONG:
        return parseLong(text, this.longs);
      case K_DOUBLE:
        return parseDouble(text);
      case K_DATETIME:
        return parseDateTime(text);
      case K_BASE64:
        return parseBase64(text);
      default:
        return text;
    }
  }

  /**
   * A string value as the result keeps it. Text and attribute values are
   * slices of the 64 KiB chunk they were read from, and V8 makes a slice of 13
   * or more characters a view that keeps its whole chunk alive: a decoded
   * 35 MB answer kept about 30 MB of chunk text that way. A repeated short
   * value (an enum, a MoRef type, a property path, a device label) is shared;
   * anything else is copied out of its chunk.
   */
  private keep(s: string): string {
    const n = s.length;
    if (n > KEEP_SHARED_CHARS) return detach(s);
    if (n === 0) return "";
    const slot = slotOf(s, KEEP_SLOTS);
    const kept = this.kept;
    const got = kept[slot]!;
    if (got === s) return got;
    const copy = detach(s);
    kept[slot] = copy;
    return copy;
  }

  private tooManyElements(): CodecError {
    return this.error("TSVMOMI_ERR_TOO_LARGE", `response has more than ${this.maxElements} elements (maxElements; each costs heap however small it is)`);
  }

  private declare(prefix: string, uri: string): void {
    this.nsGen++;
    this.nsLog.push(prefix, this.nsMap.get(prefix));
    this.nsMap.set(prefix, uri);
  }

  private undoNamespaces(mark: number): void {
    const log = this.nsLog;
    this.nsGen++;
    while (log.length > mark) {
      const prev = log.pop();
      const prefix = log.pop()!;
      if (prev === undefined) this.nsMap.delete(prefix);
      else this.nsMap.set(prefix, prev);
    }
  }

  private isXsi(prefix: string): boolean {
    const uri = this.nsMap.get(prefix);
    return uri === undefined ? prefix === "xsi" : uri === XSI_NS;
  }

  private isXsd(prefix: string): boolean {
    const uri = this.nsMap.get(prefix);
    return uri === undefined ? prefix === "xsd" || prefix === "xs" : uri === XSD_NS;
  }

  /** Element path of the current frame: `Envelope/Body/RetrievePropertiesExResponse/returnval/objects/propSet/val`. */
  path(): string {
    const names: string[] = [];
    for (let i = 1; i <= this.d; i++) names.push(this.frames[i]!.name);
    return names.join("/");
  }

  error(code: CodecError["code"], message: string): CodecError {
    const details: { path: string; method: string; offset?: number } = { path: this.path(), method: this.method };
    if (this.tokenizer) details.offset = this.tokenizer.offset;
    return new CodecError(code, message, details);
  }
}
