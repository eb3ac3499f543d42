// Declarations for the three undici files runtime/soap/undici.ts imports by
// path. undici publishes types for its index only; each file's CommonJS
// export is the same value the index re-exports, so its type is the public one.
declare module "undici/lib/dispatcher/pool.js" {
  import type { Pool } from "undici";
  const PoolClass: typeof Pool;
  export = PoolClass;
}
declare module "undici/lib/core/connect.js" {
  import type { buildConnector } from "undici";
  const connectorFactory: typeof buildConnector;
  export = connectorFactory;
}
declare module "undici/lib/api/api-request.js" {
  import type { Dispatcher } from "undici";
  const apiRequest: (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
  export = apiRequest;
}
