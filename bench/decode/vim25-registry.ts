/** The generated vim25-8.0.3 registry with the PropertyCollector methods the capture answers. */
import { schemas } from "../../generated/vim25-8.0.3/schemas.js";
import * as pc from "../../generated/vim25-8.0.3/methods/PropertyCollector.js";
import { toMethodSchema } from "../../runtime/client/descriptor.js";
import { registryFromTables } from "../../runtime/schema-tables.js";
import type { SchemaRegistry } from "../../runtime/schema.js";

export function vim25Registry(): SchemaRegistry {
  return registryFromTables(schemas, [toMethodSchema(pc.RetrievePropertiesEx)]);
}
