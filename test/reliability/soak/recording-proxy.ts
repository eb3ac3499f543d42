/**
 * A plain-HTTP proxy on 127.0.0.1 in front of vcsim that reads every answer
 * to the end, whether or not the client is still there, and records each
 * object a Create* method made (PropertyCollector, PropertyFilter,
 * ContainerView, ListView). That is the server's own account of what it
 * created: a call the client aborted after sending still shows here, which a
 * client-side trace would miss. The leak test then asks the server about
 * each recorded object.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";

export interface CreatedObject {
  readonly method: string;
  readonly type: string;
  readonly value: string;
}

export interface RecordingProxy {
  readonly url: string;
  /** Everything created since start (or the last clear()), in order. */
  created(): readonly CreatedObject[];
  clear(): void;
  /** Requests forwarded, by SOAP method. */
  readonly methods: Map<string, number>;
  close(): Promise<void>;
}

const CREATED = /<(Create\w+)Response\b[^>]*>\s*<returnval\b[^>]*\btype="([A-Za-z]+)"[^>]*>([^<]+)<\/returnval>/;
const METHOD = /<soapenv:Body>\s*<(\w+)/;

export async function startRecordingProxy(upstream: string, ca: string): Promise<RecordingProxy> {
  const up = new URL(upstream);
  const agent = new https.Agent({ keepAlive: true, ca });
  const created: CreatedObject[] = [];
  const methods = new Map<string, number>();

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const method = METHOD.exec(body.toString("utf8"))?.[1] ?? "?";
    methods.set(method, (methods.get(method) ?? 0) + 1);
    const headers = { ...req.headers, host: up.host };
    delete headers.connection;
    const upReq = https.request({ hostname: up.hostname, port: up.port, path: req.url, method: req.method, headers, agent }, async (upRes) => {
      const parts: Buffer[] = [];
      for await (const c of upRes) parts.push(c as Buffer);
      const answer = Buffer.concat(parts);
      const m = CREATED.exec(answer.toString("utf8"));
      if (m) created.push({ method: m[1]!, type: m[2]!, value: m[3]! });
      if (res.destroyed) return; // the client gave up; the record above still counts
      const out: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(upRes.headers)) if (v !== undefined && !["connection", "keep-alive", "transfer-encoding", "content-length"].includes(k)) out[k] = v;
      res.writeHead(upRes.statusCode ?? 502, { ...out, "content-length": answer.length });
      res.end(answer);
    });
    upReq.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    upReq.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${up.pathname}`,
    created: () => [...created],
    clear: () => {
      created.length = 0;
    },
    methods,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
