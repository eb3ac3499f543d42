/**
 * Shapes shared by the runtime and every generated bindings module. Bindings
 * import them (type-only) from the runtime package, so they are named once,
 * here. Types only: importing this module costs no JavaScript.
 */

/**
 * A typed managed object reference. `T` is the managed type name the
 * reference points at; generated code widens a parameter typed with a base
 * (e.g. `ManagedEntity`) to the union of its subtypes, so a subtype is
 * accepted where its base is expected and a sibling is not.
 */
export interface MoRef<T extends string = string> {
  readonly type: T;
  readonly value: string;
  /** Set when references from several vCenters meet (e.g. in a linked-mode inventory). */
  readonly serverGuid?: string;
}

/** Every decoded data object carries its concrete type name as the discriminant. */
export interface DataObject {
  readonly _typeName: string;
  /**
   * Set only when the server sent an `xsi:type` this release does not know:
   * the value decodes as its declared base type and keeps the wire name here.
   */
  readonly _unknownType?: string;
}

/** A value in an `xsd:anyType` slot whose JS form does not say its XSD type (e.g. a `long` vs an `int`). */
export interface TypedValue<T extends string = string, V = unknown> {
  readonly _typeName: T;
  readonly _value: V;
}

/**
 * A Task reference that remembers what the task's `info.result` holds, so
 * `waitForTask(client, task)` resolves to `R` with no type argument:
 * `MoRef<"VirtualMachine">` for CloneVM_Task, `undefined` for a task without
 * a result, `unknown` where the bindings do not know. `__result` is phantom:
 * never present at run time, and a plain `MoRef<"Task">` is a `TaskRef<unknown>`.
 */
export interface TaskRef<R = unknown> extends MoRef<"Task"> {
  readonly __result?: R;
}

/**
 * A compile-time error that says why. A value can never be assigned to it, so
 * tsc reports the sentence where a too-new method, parameter or path is used
 * with a client pinned to an older API version.
 */
export interface VersionError<Message extends string> {
  readonly __versionError: Message;
}

/**
 * Managed type names of the bindings in the program. Generated bindings add
 * theirs by module augmentation (`managed.ts`); while none do, `moref()`
 * accepts any name.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging from generated bindings
export interface KnownManagedTypes {}

/** The managed type names `moref()` accepts: the bindings' when any are in scope, else any string. */
export type KnownManagedType = [keyof KnownManagedTypes] extends [never] ? string : keyof KnownManagedTypes & string;
