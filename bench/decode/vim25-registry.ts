/** The default release's generated registry with the PropertyCollector methods the capture answers. */
import { PropertyCollector as pc, schemas } from "../../test/support/bindings.js";
import { toMethodSchema } from "../../runtime/client/descriptor.js";
import { registryFromTables } from "../../runtime/schema-tables.js";
import type { SchemaRegistry } from "../../runtime/schema.js";

export function vim25Registry(): SchemaRegistry {
  return registryFromTables(schemas, [toMethodSchema(pc.RetrievePropertiesEx)]);
}
