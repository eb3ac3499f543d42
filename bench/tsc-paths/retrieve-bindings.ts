/** The bindings the retrieve*.ts fixtures check against: the default release, named here once. */
export type { schemas } from "../../generated/vim25-8.0.3/schemas.js";
