/** The default release's generated registry, and the descriptor of the method the capture answers. */
import { PropertyCollector, schemas } from "../../test/support/bindings.js";
import { registryFromTables } from "../../runtime/schema-tables.js";
import type { SchemaRegistry } from "../../runtime/schema.js";

export const vim25RetrievePropertiesEx = PropertyCollector.RetrievePropertiesEx;

export function vim25Registry(): SchemaRegistry {
  return registryFromTables(schemas);
}
