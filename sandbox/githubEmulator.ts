import { createServer } from 'node:http';
import { getResponse } from 'msw';

import { LOG_HOST } from '../backend/emulators/github/logs.js';
import { GithubSimulator, type RecordedRequest } from '../backend/emulators/github/simulator.js';
import { close, listen, sendFetchResponse, streamFetchResponse, toFetchRequest } from './http.js';

const REPOSITORY_DISPATCH = /^\/repos\/[^/]+\/[^/]+\/dispatches$/;

/** Where the emulator serves what GitHub serves from its log host. */
const LOG_PATH = '/_logs';

export interface GithubEmulator {
  /** The API base URL, for GITHUB_API_URL. */
  url: string;
  sim: GithubSimulator;
  close(): Promise<void>;
}

/**
 * The simulated GitHub the tests use too (backend/emulators/github/) behind a real HTTP server on loopback. The log host's signed
 * URLs are rewritten to this server, so the backend follows GitHub's 302 to the emulator.
 */
export async function startGithubEmulator(
  options: {
    repositoryDispatchDelayMs?: number;
    /** Told of each request the simulator recorded (the log benchmark counts log downloads with it). */
    onRequest?: (request: RecordedRequest) => void;
  } = {},
): Promise<GithubEmulator> {
  const server = createServer();
  const url = await listen(server, 0);
  const sim = new GithubSimulator({ apiUrl: url });
  server.on('request', (req, res) => {
    void (async () => {
      const received = await toFetchRequest(req, url);
      const { pathname, search } = new URL(received.url);
      if (received.method === 'POST' && REPOSITORY_DISPATCH.test(pathname)) {
        // GitHub answers 204 at once and starts the workflows listening to the event some seconds later. (The
        // simulator's own checks of the event then run late too: the backend checks the payload before sending.)
        setTimeout(() => {
          void getResponse(sim.handlers, received).then(async (answer) => {
            if (answer && answer.status !== 204) process.stderr.write(`repository_dispatch: ${await answer.text()}\n`);
          });
        }, options.repositoryDispatchDelayMs ?? 3_000);
        await sendFetchResponse(res, new Response(null, { status: 204 }));
        return;
      }
      const logHost = pathname.startsWith(`${LOG_PATH}/`);
      const request = logHost
        ? new Request(`${LOG_HOST}${pathname.slice(LOG_PATH.length)}${search}`, received)
        : received;
      const response = (await getResponse(sim.handlers, request)) ?? new Response('Not Found', { status: 404 });
      // The simulator records every request for tests; a sandbox that runs for hours must not keep them. (Told before
      // a streamed answer has left: the record is whole once the answer has begun.)
      for (const recorded of sim.requests.splice(0)) options.onRequest?.(recorded);
      const location = response.headers.get('location');
      if (location?.startsWith(LOG_HOST)) {
        const headers = new Headers(response.headers);
        headers.set('location', `${url}${LOG_PATH}${location.slice(LOG_HOST.length)}`);
        await sendFetchResponse(res, new Response(null, { status: response.status, headers }));
      } else if (logHost) {
        // The log host's answer leaves as it is read, so the first lines of a large log arrive before its last.
        await streamFetchResponse(res, response);
      } else {
        await sendFetchResponse(res, response);
      }
    })().catch((error: unknown) => {
      // A streamed answer that fails half-way is cut short, as a broken connection would be.
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  // GitHub's hourly rate limit resets; the simulator's only resets with reset(), which would also drop the world.
  const resetLimits = setInterval(() => sim['rateLimits'].clear(), 60_000);
  resetLimits.unref();
  return {
    url,
    sim,
    close: async () => {
      clearInterval(resetLimits);
      await close(server);
    },
  };
}
