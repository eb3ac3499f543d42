/** Every error the runtime raises: one base, one brand, one table of codes (docs/ERRORS.md). */
export { ErrorCode } from "./codes.js";
export { TsvmomiError, type ErrorOptions } from "./base.js";
export {
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
  type CallContext,
  type TimeoutPhase,
  type TlsFailure,
} from "./transport.js";
export { CodecError, type CodecErrorDetails } from "./codec.js";
export {
  ClientError,
  MethodFaultError,
  faultChainOf,
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
  type SoapFaultInfo,
} from "./client.js";
export { StsError, StsFaultError, StsResponseError, StsKeyError, TokenExpiredError, TokenRenewError, type StsOperation } from "./sts.js";
