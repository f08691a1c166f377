import { setupServer, type SetupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { localRequestsOnly } from './net.js';
import { createGithubSimulator, type GithubSimulator } from '../../emulators/github/simulator.js';

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
    server.listen(localRequestsOnly);
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
