export { connect, Client, type ConnectOptions, type ClientLogger, type UserSession, type AuthOptions } from "./client.js";
export type { AnyDescriptor, BindingTables, CallOptions, CallRest, CallThis, Descriptor, ParamsOf, ResultOf, ServiceContentOf, ThisOf } from "./descriptor.js";
export { offeredVersions } from "./known-versions.js";
