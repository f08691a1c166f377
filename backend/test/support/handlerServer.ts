import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';

export interface HandlerServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<Buffer | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Serves msw handlers over real HTTP on loopback, for simulators another process must reach (msw only intercepts
 * requests made in its own process). `handlers` is called once the port is known, so a simulator can be built
 * with its own URL. Requests no handler answers get 501.
 */
export async function serveHandlers(handlers: (url: string) => RequestHandler[]): Promise<HandlerServer> {
  let list: RequestHandler[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const body = await bodyOf(req);
      const request = new Request(`${url}${req.url ?? '/'}`, { method: req.method, headers, body });
      const response = await getResponse(list, request);
      if (!response) {
        res.writeHead(501, { 'content-type': 'text/plain' }).end(`No handler for ${req.method} ${req.url}`);
        return;
      }
      if (response.type === 'error') {
        // msw's HttpResponse.error(): a network failure, as a reset connection.
        req.socket.destroy();
        return;
      }
      const payload = Buffer.from(await response.arrayBuffer());
      const out: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (name !== 'content-length' && name !== 'transfer-encoding') out[name] = value;
      });
      res.writeHead(response.status, out).end(payload);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`The simulator failed: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  list = handlers(url);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
