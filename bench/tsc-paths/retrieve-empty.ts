/** Baseline for retrieve.ts: the same imports and client, no selection. */
import type { Client } from "../../runtime/client/client.js";
import { retrieve } from "../../runtime/property/retrieve.js";
import type { MoRef } from "../../runtime/types.js";
import type { schemas } from "../../generated/default-lazy.js";

declare const client: Client<typeof schemas>;
declare const root: MoRef<"Folder">;
export const used = [client, root, retrieve];
