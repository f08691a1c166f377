import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GateProxy {
  url: string;
  /** Bytes of every answer body the proxy sent, in order. */
  sent: number[];
  close(): Promise<void>;
}

/**
 * What Gate's `ProxyController` (spinnaker/gate gate-proxy/…/controllers/ProxyController.kt) does with
 * `/proxies/github/**`: forwards the path and the query (no request headers), reads the whole answer into a String,
 * parses it as JSON when it starts with `{` or `[` (and writes it out again), turns an upstream 5xx into 502, and
 * answers with only `Content-Type`, `X-Proxy-Status-Code` and `X-Proxy-Url`. Anything else gets a 404.
 */
export async function startGateProxy(backendUrl: () => string): Promise<GateProxy> {
  const sent: number[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://gate');
      if (!url.pathname.startsWith('/proxies/github/')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":404,"error":"Not Found"}');
        return;
      }
      const proxied = `${backendUrl()}/api${url.pathname.slice('/proxies/github'.length)}${url.search}`;
      const upstream = await forward(proxied);
      const text = upstream.body.toString('utf8');
      const body = text.startsWith('{') || text.startsWith('[') ? JSON.stringify(JSON.parse(text)) : text;
      const bytes = Buffer.from(body);
      sent.push(bytes.length);
      res.writeHead(upstream.status >= 500 ? 502 : upstream.status, {
        'content-type': upstream.contentType ?? 'text/plain',
        'x-proxy-status-code': String(upstream.status),
        'x-proxy-url': proxied,
        'content-length': String(bytes.length),
      });
      res.end(bytes);
    })().catch((error: unknown) => {
      const cause = error instanceof Error && error.cause ? ` (${String(error.cause)})` : '';
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`${String(error)}${cause}`);
    });
  });
  // Longer than undici's 4 s keep-alive: a connection the server closes just as the client reuses it is reset.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * One GET on a connection of its own. (A pool, as Gate's OkHttp keeps, meets connections the backend closed after 5 s
 * idle while this process was busy; OkHttp retries those, fetch does not.)
 */
function forward(url: string): Promise<{ status: number; contentType?: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'],
          body: Buffer.concat(chunks),
        }),
      );
    }).on('error', reject);
  });
}
