import { SETTINGS } from '@spinnaker/core';
import { setupServer } from 'msw/node';

import { GATE_URL, handlers } from './handlers';

export const server = setupServer(...handlers);

/** Paths (with query) of every request the test made, in order. */
export const requests: string[] = [];

server.events.on('request:start', ({ request }) => {
  const url = new URL(request.url);
  requests.push(url.pathname + url.search);
});

/** msw for one test file: unhandled requests fail the test, each test starts from the default handlers. */
export function useMswServer(): void {
  beforeAll(() => {
    SETTINGS.gateUrl = GATE_URL;
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterEach(() => {
    server.resetHandlers();
    requests.length = 0;
  });
  afterAll(() => server.close());
}
