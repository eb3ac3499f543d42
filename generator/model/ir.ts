/**
 * The generator's data contracts.
 *
 * Two readers produce raw models (`WsdlModel`, `VmodlModel`); `merge.ts` turns
 * them into one `ApiModel`, the intermediate representation every emitter reads.
 * All three are plain JSON-serialisable data: no classes, no Maps, keys sorted
 * where order carries no meaning, so that output is deterministic.
 */

/** A reference to an XSD type, namespace prefix resolved. `ns` is the namespace URI. */
export interface TypeRef {
  /** Local name: `string`, `int`, `VirtualMachineConfigSpec`, `ManagedObjectReference`, `anyType`. */
  name: string;
  /** `http://www.w3.org/2001/XMLSchema` for primitives, else the schema's target namespace (`urn:vim25`). */
  ns: string;
}

export interface WsdlField {
  name: string;
  type: TypeRef;
  minOccurs: number;
  /** `maxOccurs="unbounded"` or > 1. */
  array: boolean;
  nillable: boolean;
  /** xsd:annotation/documentation text, whitespace-normalised, if any. */
  doc?: string;
  /**
   * Namespace of the element on the wire, only when it differs from the enclosing
   * type's: fields pulled in by `<group ref>` from another schema (9.x vim25 types
   * carry vSAN fields from urn:vsan groups).
   */
  ns?: string;
}

export interface WsdlAttribute {
  name: string;
  type: TypeRef;
  required: boolean;
}

/** Where a definition came from, for error messages and the check report. */
export interface SourceLoc {
  /** File name relative to the bundle directory. */
  file: string;
  /** 1-based line, when known. */
  line?: number;
}

export interface WsdlComplexType {
  name: string;
  ns: string;
  /** complexContent/extension base, if any. */
  base?: TypeRef;
  fields: WsdlField[];
  attributes: WsdlAttribute[];
  /** simpleContent/extension base (e.g. ManagedObjectReference extends xsd:string). */
  simpleContentBase?: TypeRef;
  abstract?: boolean;
  doc?: string;
  /**
   * Other namespaces that define an identical copy under the same name, merged
   * into this one (9.x vsan-types.xsd repeats vim25's LocalizedMethodFault as
   * urn:vsan). A TypeRef with one of these namespaces means this type.
   */
  aliasNs?: string[];
  loc: SourceLoc;
}

export interface WsdlEnum {
  name: string;
  ns: string;
  values: string[];
  doc?: string;
  /** As `WsdlComplexType.aliasNs`. */
  aliasNs?: string[];
  loc: SourceLoc;
}

export interface WsdlElement {
  name: string;
  ns: string;
  type?: TypeRef;
  /** Fields of an anonymous inline complexType (the `<Op>Response` wrappers), group refs expanded. */
  fields?: WsdlField[];
  loc: SourceLoc;
}

export interface WsdlOperation {
  name: string;
  /** Input parameters in order (from the `<Op>RequestType` complexType), `_this` first. */
  params: WsdlField[];
  /** `returnval` of the `<Op>Response` element's type; absent when the op returns nothing. */
  returns?: WsdlField;
  /** Fault element names resolved to their types (e.g. `InvalidLogin`). Sorted. */
  faults: string[];
  /** soapAction from the binding, e.g. `urn:vim25/9.1.0.0`. */
  soapAction?: string;
  /** The binding name that binds this operation (e.g. `VimBinding`). */
  binding?: string;
  doc?: string;
  loc: SourceLoc;
}

/** What the WSDL reader produces for one bundle. */
export interface WsdlModel {
  /** Target namespace of the service's WSDL (e.g. `urn:vim25`). */
  namespace: string;
  /** Every file read, relative to the bundle dir, in read order. */
  files: string[];
  /** Keyed by type name. A same-named identical copy in another namespace is merged (see `aliasNs`); a differing one is an error. */
  complexTypes: Record<string, WsdlComplexType>;
  enums: Record<string, WsdlEnum>;
  /** `ArrayOfX` wrapper name → item type X. Also present in complexTypes. */
  arrayTypes: Record<string, TypeRef>;
  elements: Record<string, WsdlElement>;
  operations: Record<string, WsdlOperation>;
  /** Service, port and binding names (e.g. VimService / VimPort / VimBinding). */
  services: { name: string; port: string; binding: string; location?: string }[];
}

// ---------------------------------------------------------------- VMODL

export interface VmodlType {
  /** The type name as the WSDL spells it (e.g. `VirtualMachine`, `ManagedEntity`). */
  name: string;
  /** VMODL-qualified name (e.g. `vim.VirtualMachine`), if the db carries one. */
  vmodlName?: string;
  /** `string`, `int`, `VirtualMachine`, `ManagedObjectReference` … as the WSDL spells it. */
  wsdlType?: string;
}

export interface VmodlProperty {
  name: string;
  /**
   * WSDL type name. For MoRef-valued members the vmodl reader writes `ManagedObjectReference`
   * here (as the WSDL does) and the managed type (`Datastore`) in `moType`.
   */
  type: string;
  /** For `ManagedObjectReference`-valued members: which managed type it refers to. */
  moType?: string;
  /** True when `type` is an XSD primitive (the db wrote `xsd:<type>` or a VMODL alias of xsd:string). */
  primitive?: boolean;
  /** The db's own spelling when it differs from `type` (`Datastore`, `PropertyPath`, `xsd:int`). */
  vmodlType?: string;
  optional: boolean;
  array: boolean;
  /** Version id that introduced the member (e.g. `vim.version.version5`) and its mapped release when known. */
  version?: string;
  since?: string;
  /** Privilege needed to read it / pass it, if the source says. */
  privilege?: string;
  /** F_SECRET in pyVmomi's type info. */
  secret?: boolean;
}

export interface VmodlMethod {
  /** WSDL operation name (e.g. `PowerOnVM_Task`). */
  name: string;
  params: VmodlProperty[];
  result?: VmodlProperty;
  /** True when the method returns a Task (the `_Task` ones). */
  returnsTask: boolean;
  /** For task methods: what the Task's `info.result` holds (absent when the task yields nothing). */
  taskResult?: VmodlProperty;
  faults: string[];
  version?: string;
  since?: string;
  privilege?: string;
}

export interface VmodlManagedType {
  name: string;
  vmodlName?: string;
  base?: string;
  props: VmodlProperty[];
  methods: VmodlMethod[];
  version?: string;
  since?: string;
}

export interface VmodlDataType {
  name: string;
  vmodlName?: string;
  base?: string;
  kind: "data" | "fault";
  props: VmodlProperty[];
  version?: string;
  since?: string;
}

export interface VmodlEnumType {
  name: string;
  vmodlName?: string;
  values: string[];
  version?: string;
  since?: string;
}

/** What the VMODL readers produce from one vmodl.db or one pyVmomi type-info folder. */
export interface VmodlModel {
  file: string;
  /**
   * Set when the reader already kept one service's declarations (pyVmomi type
   * info is split by file); merge then skips its name-prefix scoping.
   */
  service?: string;
  /** The service's SOAP namespace wire versions, oldest first (pyVmomi type info only). */
  serviceVersions?: string[];
  managed: Record<string, VmodlManagedType>;
  data: Record<string, VmodlDataType>;
  enums: Record<string, VmodlEnumType>;
  /** Version id → { release name as dotted string (e.g. `7.0.0.0`), namespace, parents } when known. */
  versions: Record<string, { release?: string; ns?: string; parents?: string[] }>;
}

// ---------------------------------------------------------------- merged IR

export type Kind = "data" | "fault" | "enum" | "managed";

export interface IrField {
  name: string;
  /** Type name: an XSD primitive (`string`, `int`, `long`, `boolean`, `dateTime`, `base64Binary`, `anyType`, …) or a model type. */
  type: string;
  /** Whether `type` is a primitive from the XSD namespace. */
  primitive: boolean;
  optional: boolean;
  array: boolean;
  /** For MoRef-valued fields: the managed type named by VMODL (else `ManagedObject`). */
  moType?: string;
  /**
   * The API version that introduced the member. From pyVmomi type info this is the
   * wire version (`8.0.2.0`, `6.7.1`); from rbvmomi's vmodl.db, the release
   * name of `generator/vmodl/versions.ts` (`4.0`, `7.0`).
   */
  since?: string;
  doc?: string;
  /** VMODL flags the member F_SECRET (passwords, keys): redact its value in traces and errors. */
  secret?: boolean;
  /** Privilege needed to read the property / pass the parameter, when VMODL says (managed properties and parameters only). */
  privilege?: string;
}

export interface IrDataType {
  name: string;
  kind: "data" | "fault";
  base?: string;
  fields: IrField[];
  /** Names of direct subtypes, sorted. */
  subtypes: string[];
  since?: string;
  doc?: string;
  /** Namespace of a type this service borrows from another (pbm reuses `urn:vim25` types). */
  external?: string;
  /** VMODL name (`vim.vm.ConfigSpec`), used for API reference links. */
  vmodlName?: string;
}

export interface IrEnum {
  name: string;
  values: string[];
  since?: string;
  /**
   * Version per value, only for values newer than the enum itself (`since`).
   * pyVmomi's type info versions enums as a whole, so this is set only where a
   * source says when a value was added.
   */
  valueSince?: Record<string, string>;
  doc?: string;
  external?: string;
  vmodlName?: string;
}

export interface IrMethod {
  name: string;
  params: IrField[];
  returns?: IrField;
  faults: string[];
  returnsTask: boolean;
  /** Read-only method, safe to retry. Derived from the operation name and VMODL. */
  safe: boolean;
  since?: string;
  doc?: string;
  /** Privilege the method needs on `_this` (VMODL), e.g. `VirtualMachine.Interact.PowerOn`. */
  privilege?: string;
  /**
   * For task methods: what `Task.info.result` holds. `type` is the WSDL type name,
   * or for MoRef results the managed type name (`VirtualMachine`). Absent when the
   * task yields nothing or VMODL does not say.
   */
  taskResult?: { type: string; isArray: boolean };
}

export interface IrManagedType {
  name: string;
  base?: string;
  props: IrField[];
  /** Names of methods this type owns (keys into `ApiModel.methods`). Sorted. */
  methods: string[];
  subtypes: string[];
  since?: string;
  doc?: string;
  vmodlName?: string;
}

export interface CheckEntry {
  /**
   * `mismatch`: WSDL and VMODL disagree about something both describe.
   * `note`: one source has what the other does not, as expected between
   * releases or for VMODL-only internal types the WSDL never publishes.
   */
  severity: "mismatch" | "note";
  /** Stable grouping key, e.g. `operation-without-owner`, `vmodl-property-unknown-type`. */
  kind: string;
  /** The type / operation / property it concerns (`VirtualMachine.datastore`). */
  subject: string;
  detail: string;
}

export interface ApiModel {
  service: string;
  release: string;
  namespace: string;
  /** The API version string used in SOAPAction (`9.1.0.0`), when the bundle says. */
  apiVersion?: string;
  /**
   * Every wire version of the namespace these bindings can speak, oldest first,
   * ending at `apiVersion` (see generator/model/api-versions.ts). The client
   * offers these when it negotiates with a server.
   */
  apiVersions?: string[];
  sources: { wsdl: string[]; vmodl?: string };
  dataTypes: Record<string, IrDataType>;
  enums: Record<string, IrEnum>;
  managedTypes: Record<string, IrManagedType>;
  methods: Record<string, IrMethod & { owners: string[] }>;
  checks: CheckEntry[];
  /**
   * The wire versions of this service's namespace the VMODL knows, oldest first
   * (`2.0` … `8.0.3.0`), from pyVmomi's `AddVersion`; absent for vmodl.db sources.
   */
  versions?: string[];
}
