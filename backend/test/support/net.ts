import { createServer } from 'node:net';

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * msw's listen options for tests that reach the app through supertest: requests to this machine go through, and
 * any other request no handler answered is an error, never a call to the network.
 */
export const localRequestsOnly = {
  onUnhandledRequest(request: Request, print: { error(): void }) {
    if (!LOCAL_HOSTS.has(new URL(request.url).hostname)) print.error();
  },
};
