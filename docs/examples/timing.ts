// Time every call with a middleware layer: no runtime file changes.
import { connect, type Layer } from "../../runtime/index.js";
import { schemas, ServiceInstance } from "./bindings.js";
import type { Target } from "./connection.js";

export interface Timing {
  readonly method: string;
  readonly ms: number;
  readonly ok: boolean;
}

/** A "call" layer, outermost: its time includes a re-login and retries the call needed. */
export function timing(record: (t: Timing) => void): Layer {
  return {
    name: "timing",
    step: "call",
    middleware: (next) => async (call) => {
      const start = performance.now();
      let ok = false;
      try {
        const result = await next(call);
        ok = true;
        return result;
      } finally {
        record({ method: call.method, ms: performance.now() - start, ok });
      }
    },
  };
}

export async function timedSession(target: Target): Promise<Timing[]> {
  const timings: Timing[] = [];
  {
    // Given to connect, the layer also times connect's own calls and the login.
    await using client = await connect({ ...target, bindings: schemas, middleware: [timing((t) => timings.push(t))] });
    await client.call(ServiceInstance.CurrentTime, client.serviceInstance);
  } // leaving the block logs out: timed too
  for (const t of timings) console.log(`${t.method}: ${t.ms.toFixed(1)} ms${t.ok ? "" : " (failed)"}`);
  return timings;
}
