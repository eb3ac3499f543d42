import type { HeaderSealer } from "../codec/encode-request.js";

/**
 * A call as the layers above the codec see it: the method's schema, arguments
 * keyed by parameter name (`_this` included) and what the policies need to decide.
 */
import type { MethodSchema } from "../schema.js";

export interface ApiCall {
  /** The schema the caller passed (a generated descriptor or a runtime built-in), used as is by encoder and decoder. */
  readonly schema: MethodSchema;
  /** `schema.name`, for the layers that only name the call. */
  readonly method: string;
  readonly args: Record<string, unknown>;
  /** Read-only call: the retry layer may resend it after a transport failure. */
  readonly safe: boolean;
  readonly signal?: AbortSignal;
  readonly timeout?: number;
  /** The call's overall deadline, set once by the client from `timeout`; every attempt and wait fits in it. */
  readonly deadline?: { readonly at: number; readonly ms: number };
  /** Pre-serialized SOAP header children, or a sealer that signs the body (holder-of-key LoginByToken). */
  readonly soapHeaders?: string | HeaderSealer;
  /** False for the session's own calls (Login, validation): a NotAuthenticated must not trigger a re-login. */
  readonly recover?: boolean;
  /** The result's array items go to a consumer as they decode (CallOptions.stream); see StreamedCall. */
  readonly stream?: StreamedCall;
}

/**
 * A call whose items are handed out while its body is read. Once the first
 * item went out the call is never sent again, by the retry layer or by a
 * re-login's replay: a second answer would hand the same items out twice.
 * Whatever fails after that reaches the consumer as the error it is.
 */
export interface StreamedCall {
  readonly field?: string;
  readonly onItems: (items: unknown[], parent: unknown) => void | Promise<void>;
  /** Set by the codec when the first items were handed out. */
  started: boolean;
}
