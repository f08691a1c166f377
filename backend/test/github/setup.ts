import { setupServer, type SetupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createGithubSimulator, type GithubSimulator } from './simulator.js';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Registers the simulated GitHub for the current test file: an msw server that fails on any request
 * it does not handle (except to this machine, where supertest reaches the Express app), and after
 * each test a check that no request or answer broke GitHub's OpenAPI description, then a fresh world.
 */
export function useGithubSimulator(options: { apiUrl?: string } = {}): GithubSimulator {
  const sim = createGithubSimulator(options);
  let server: SetupServer | undefined;

  beforeAll(() => {
    server = setupServer(...sim.handlers);
    server.listen({
      onUnhandledRequest(request, print) {
        if (LOCAL_HOSTS.has(new URL(request.url).hostname)) return;
        print.error();
      },
    });
  });

  afterEach(() => {
    server?.resetHandlers();
    const violations = [...sim.violations];
    sim.reset();
    expect(violations, 'requests to or answers from the simulated GitHub that break its OpenAPI description').toEqual(
      [],
    );
  });

  afterAll(() => {
    server?.close();
  });

  return sim;
}
