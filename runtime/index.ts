/**
 * The public runtime: connect, call, faults, sessions, tracing.
 *
 *   import { connect } from "tsvmomi";
 *   import { schemas, ServiceInstance } from "./generated/<service>-<release>/index.js";
 *   await using client = await connect({ url, bindings: schemas, username, password, thumbprint });
 *   const now = await client.call(ServiceInstance.CurrentTime, { type: "ServiceInstance", value: "ServiceInstance" });
 */
export {
  connect,
  Client,
  type ConnectOptions,
  type ClientLogger,
  type UserSession,
  type AuthOptions,
  type SsoAuth,
  type TokenLoginOptions,
  type ServiceClientOptions,
  type ClientHttpRequest,
  type ClientHttpResponse,
} from "./client/client.js";
export type {
  AnyDescriptor,
  BindingTables,
  CallOptions,
  Descriptor,
  MethodDescriptor,
  ParamsOf,
  ResultOf,
  ServiceContentOf,
  ThisOf,
} from "./client/descriptor.js";

export type { MoRef, DataObject, TypedValue, TaskRef, VersionError, KnownManagedTypes, KnownManagedType } from "./types.js";
export type { FieldSchema } from "./schema.js";
export type { MethodGate, PinnedParams, PathGate, UsableSince, MethodVersions } from "./client/version-gate.js";
export { privilegesOf } from "./client/privileges.js";
export { moref, anyMoref, parseMoRef, formatMoRef, moRefKey, moRefEquals, isMoRef } from "./moref.js";
export { mergeSchemaTables, type SchemaTables } from "./schema-tables.js";

export {
  ErrorCode,
  TsvmomiError,
  TransportError,
  ConnectError,
  ResetError,
  TimeoutError,
  HttpStatusError,
  NotXmlError,
  TlsError,
  ClosedError,
  OutcomeUnknownError,
  VersionNegotiationError,
  isTransportError,
  CodecError,
  ClientError,
  MethodFaultError,
  isFault,
  UnsupportedMethodError,
  SessionError,
  SessionCacheError,
  ClientClosedError,
  PropertyPathError,
  ObjectGoneError,
  WatchEndedError,
  WatchClosedError,
  CollectorStateError,
  WaitTimeoutError,
  WatchOutageError,
  StsError,
  StsFaultError,
  StsResponseError,
  StsKeyError,
  TokenExpiredError,
  TokenRenewError,
  type StsOperation,
} from "./errors/index.js";

export {
  TRACE_REQUEST_CHANNEL,
  TRACE_RESPONSE_CHANNEL,
  type TraceRequestMessage,
  type TraceResponseMessage,
  type Handler,
  type Middleware,
  type SoapCall,
  type SoapResult,
} from "./soap/middleware.js";
export type { Layer } from "./client/pipeline.js";
export type { ApiCall } from "./session/api-call.js";
export { subscribeTrace, type TraceSubscriber } from "./client/trace.js";
export { redact, REDACTED } from "./soap/redact.js";
export { normalizeThumbprint, certificateThumbprint, type TlsOptions } from "./soap/tls.js";
export type { RetryOptions } from "./soap/retry.js";
export { compareVersions } from "./soap/versions.js";

// The PropertyCollector layer: typed retrieve, views, inventory paths.
export {
  retrieve,
  retrievePages,
  retrieveAny,
  retrievePagesAny,
  invalidPropertyPath,
  nearestPath,
  type RetrieveSource,
  type RetrieveOptions,
  type Retrieved,
  type MissingPropertyFault,
} from "./property/retrieve.js";
export type { PathsOf, ManagedTypeOf, PathOf, KindOf } from "./property/paths-of.js";
export type { Selected, RetrievedObject } from "./property/selection.js";
export { inventoryTraversal, everythingUnder, viewContents, ancestry } from "./property/traversal.js";
export { createContainerView, createListView, type ViewHandle } from "./view/index.js";
export { findByInventoryPath, inventoryPath } from "./inventory/index.js";
export {
  watch,
  waitForProperties,
  DEFAULT_OUTAGE_BUDGET_MS,
  type Watch,
  type WatchSpec,
  type WatchOptions,
  type ChangeSet,
} from "./property/watch.js";
export { waitForTask, taskFaultError, type WaitForTaskOptions } from "./task/index.js";

// vCenter SSO: tokens from the STS (bearer, holder-of-key), renewal.
export * from "./sts/index.js";
