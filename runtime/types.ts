/**
 * The only runtime module generated code may import (type-only).
 * Keep it tiny and free of values so generated `.d.ts` stays self-contained.
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
