/**
 * Subscribing to the redacted SOAP trace without touching
 * node:diagnostics_channel directly. Publishing costs nothing until someone
 * subscribes.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import {
  TRACE_REQUEST_CHANNEL,
  TRACE_RESPONSE_CHANNEL,
  type TraceRequestMessage,
  type TraceResponseMessage,
} from "../soap/middleware.js";

export interface TraceSubscriber {
  onRequest?(message: TraceRequestMessage): void;
  onResponse?(message: TraceResponseMessage): void;
}

/** Returns the function that unsubscribes. */
export function subscribeTrace(subscriber: TraceSubscriber): () => void {
  const onRequest = (m: unknown) => subscriber.onRequest?.(m as TraceRequestMessage);
  const onResponse = (m: unknown) => subscriber.onResponse?.(m as TraceResponseMessage);
  subscribe(TRACE_REQUEST_CHANNEL, onRequest);
  subscribe(TRACE_RESPONSE_CHANNEL, onResponse);
  return () => {
    unsubscribe(TRACE_REQUEST_CHANNEL, onRequest);
    unsubscribe(TRACE_RESPONSE_CHANNEL, onResponse);
  };
}
