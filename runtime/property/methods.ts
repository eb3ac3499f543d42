/**
 * The PropertyCollector, ViewManager, View and SearchIndex methods the runtime
 * itself calls (retrieve, watch, views, inventory paths). Written here because
 * the runtime never imports generated code; test/runtime/builtin-methods.test.ts
 * (default release) and test/generator/all-releases.test.ts (every release)
 * check each against the generated descriptor of the same name.
 * The session's own methods are in session/builtin-methods.ts.
 *
 * The wire shapes below are deliberately loose, structural restatements of
 * the generated data types: enough for the runtime to build requests and read
 * results without a release's full type graph.
 */
import type { Descriptor } from "../client/descriptor.js";
import type { FieldSchema } from "../schema.js";
import type { DataObject, MoRef } from "../types.js";

// ---- wire shapes ----------------------------------------------------------

export interface SelectionSpec {
  readonly _typeName?: "SelectionSpec" | "TraversalSpec";
  readonly name?: string;
}

export interface TraversalSpec extends SelectionSpec {
  readonly _typeName: "TraversalSpec";
  readonly type: string;
  readonly path: string;
  readonly skip?: boolean;
  readonly selectSet?: readonly (SelectionSpec | TraversalSpec)[];
}

export interface ObjectSpec {
  readonly obj: MoRef;
  readonly skip?: boolean;
  readonly selectSet?: readonly (SelectionSpec | TraversalSpec)[];
}

export interface PropertySpec {
  readonly type: string;
  readonly all?: boolean;
  readonly pathSet?: readonly string[];
}

export interface PropertyFilterSpec {
  readonly propSet: readonly PropertySpec[];
  readonly objectSet: readonly ObjectSpec[];
  readonly reportMissingObjectsInResults?: boolean;
}

/** vim25's `RetrieveOptions` data object; named apart from retrieve()'s own `RetrieveOptions` (property/retrieve.ts). */
export interface WireRetrieveOptions {
  readonly maxObjects?: number;
}

export interface WaitOptions {
  readonly maxWaitSeconds?: number;
  readonly maxObjectUpdates?: number;
}

export interface LocalizedMethodFault extends DataObject {
  readonly fault: DataObject & Record<string, unknown>;
  readonly localizedMessage?: string;
}

export interface MissingProperty extends DataObject {
  readonly path: string;
  readonly fault: LocalizedMethodFault;
}

export interface DynamicProperty extends DataObject {
  readonly name: string;
  readonly val?: unknown;
}

export interface ObjectContent extends DataObject {
  readonly obj: MoRef;
  readonly propSet?: readonly DynamicProperty[];
  readonly missingSet?: readonly MissingProperty[];
}

export interface RetrieveResult extends DataObject {
  readonly token?: string;
  readonly objects: readonly ObjectContent[];
}

export interface PropertyChange extends DataObject {
  readonly name: string;
  readonly op: "add" | "remove" | "assign" | "indirectRemove";
  readonly val?: unknown;
}

export interface ObjectUpdate extends DataObject {
  readonly kind: "modify" | "enter" | "leave";
  readonly obj: MoRef;
  readonly changeSet?: readonly PropertyChange[];
  readonly missingSet?: readonly MissingProperty[];
}

export interface PropertyFilterUpdate extends DataObject {
  readonly filter: MoRef<"PropertyFilter">;
  readonly objectSet?: readonly ObjectUpdate[];
  readonly missingSet?: readonly MissingObject[];
}

export interface MissingObject extends DataObject {
  readonly obj: MoRef;
  readonly fault: LocalizedMethodFault;
}

export interface UpdateSet extends DataObject {
  readonly version: string;
  readonly filterSet?: readonly PropertyFilterUpdate[];
  readonly truncated?: boolean;
}

// ---- descriptors ----------------------------------------------------------

const mo = (moType: string): FieldSchema => ({ name: "_this", type: "ManagedObjectReference", moType });
const ref = (name: string, moType: string, extra: Partial<FieldSchema> = {}): FieldSchema => ({ name, type: "ManagedObjectReference", moType, ...extra });

export const RetrievePropertiesEx: Descriptor<"PropertyCollector", { specSet: readonly PropertyFilterSpec[]; options: WireRetrieveOptions }, RetrieveResult | undefined> = {
  name: "RetrievePropertiesEx",
  params: [mo("PropertyCollector"), { name: "specSet", type: "PropertyFilterSpec", array: true }, { name: "options", type: "RetrieveOptions" }],
  returns: { name: "returnval", type: "RetrieveResult", optional: true },
  safe: true,
  since: "4.1",
};

export const ContinueRetrievePropertiesEx: Descriptor<"PropertyCollector", { token: string }, RetrieveResult> = {
  name: "ContinueRetrievePropertiesEx",
  params: [mo("PropertyCollector"), { name: "token", type: "string" }],
  returns: { name: "returnval", type: "RetrieveResult" },
  safe: true,
  since: "4.1",
};

export const CancelRetrievePropertiesEx: Descriptor<"PropertyCollector", { token: string }, void> = {
  name: "CancelRetrievePropertiesEx",
  params: [mo("PropertyCollector"), { name: "token", type: "string" }],
  safe: false,
  since: "4.1",
};

export const CreatePropertyCollector: Descriptor<"PropertyCollector", Record<string, never>, MoRef<"PropertyCollector">> = {
  name: "CreatePropertyCollector",
  params: [mo("PropertyCollector")],
  returns: { name: "returnval", type: "ManagedObjectReference", moType: "PropertyCollector" },
  safe: false,
  since: "4.1",
};

export const DestroyPropertyCollector: Descriptor<"PropertyCollector", Record<string, never>, void> = {
  name: "DestroyPropertyCollector",
  params: [mo("PropertyCollector")],
  safe: false,
  since: "4.1",
};

export const CreateFilter: Descriptor<"PropertyCollector", { spec: PropertyFilterSpec; partialUpdates: boolean }, MoRef<"PropertyFilter">> = {
  name: "CreateFilter",
  params: [mo("PropertyCollector"), { name: "spec", type: "PropertyFilterSpec" }, { name: "partialUpdates", type: "boolean" }],
  returns: { name: "returnval", type: "ManagedObjectReference", moType: "PropertyFilter" },
  safe: false,
  since: "2.0",
};

export const DestroyPropertyFilter: Descriptor<"PropertyFilter", Record<string, never>, void> = {
  name: "DestroyPropertyFilter",
  params: [mo("PropertyFilter")],
  safe: false,
  since: "2.0",
};

export const WaitForUpdatesEx: Descriptor<"PropertyCollector", { version?: string; options?: WaitOptions }, UpdateSet | undefined> = {
  name: "WaitForUpdatesEx",
  params: [mo("PropertyCollector"), { name: "version", type: "string", optional: true }, { name: "options", type: "WaitOptions", optional: true }],
  returns: { name: "returnval", type: "UpdateSet", optional: true },
  safe: true,
  since: "4.1",
};

export const CancelWaitForUpdates: Descriptor<"PropertyCollector", Record<string, never>, void> = {
  name: "CancelWaitForUpdates",
  params: [mo("PropertyCollector")],
  safe: false,
  since: "2.0",
};

export const CreateContainerView: Descriptor<"ViewManager", { container: MoRef; type?: readonly string[]; recursive: boolean }, MoRef<"ContainerView">> = {
  name: "CreateContainerView",
  params: [mo("ViewManager"), ref("container", "ManagedEntity"), { name: "type", type: "string", array: true, optional: true }, { name: "recursive", type: "boolean" }],
  returns: { name: "returnval", type: "ManagedObjectReference", moType: "ContainerView" },
  safe: false,
  since: "2.5",
};

export const CreateListView: Descriptor<"ViewManager", { obj?: readonly MoRef[] }, MoRef<"ListView">> = {
  name: "CreateListView",
  params: [mo("ViewManager"), ref("obj", "ManagedObject", { array: true, optional: true })],
  returns: { name: "returnval", type: "ManagedObjectReference", moType: "ListView" },
  safe: false,
  since: "2.5",
};

export const DestroyView: Descriptor<"View" | "ContainerView" | "ListView" | "InventoryView", Record<string, never>, void> = {
  name: "DestroyView",
  params: [mo("View")],
  safe: false,
  since: "2.5",
};

export const FindByInventoryPath: Descriptor<"SearchIndex", { inventoryPath: string }, MoRef | undefined> = {
  name: "FindByInventoryPath",
  params: [mo("SearchIndex"), { name: "inventoryPath", type: "string" }],
  returns: { name: "returnval", type: "ManagedObjectReference", optional: true, moType: "ManagedEntity" },
  safe: true,
  since: "2.0",
};

/** The parts of ServiceContent the property layer needs, read structurally from `client.serviceContent`. */
export interface PropertyServices {
  readonly propertyCollector: MoRef<"PropertyCollector">;
  readonly viewManager?: MoRef<"ViewManager">;
  readonly searchIndex?: MoRef<"SearchIndex">;
  readonly rootFolder: MoRef<"Folder">;
}

export function propertyServices(client: { readonly serviceContent: unknown }, method: string): PropertyServices {
  const sc = client.serviceContent as Partial<PropertyServices> | undefined;
  if (!sc?.propertyCollector || !sc.rootFolder) {
    throw new TypeError(`${method}: the client has no ServiceContent with a propertyCollector (was it connected with connect()?)`);
  }
  return sc as PropertyServices;
}
