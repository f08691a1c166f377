import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

import { ORCA_RETRY, SandboxOrca } from '../../sandbox/orca';

const BACKEND = 'http://backend.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Time that moves only when the stand-in sleeps: five minutes of retries take no time. */
function fakeClock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

const notFound = () =>
  HttpResponse.json(
    { error: { name: 'RateLimitedError', message: 'GitHub accepted the dispatch of deploy.yml, but no run …' } },
    { status: 503, headers: { 'retry-after': '10' } },
  );

function dispatchCalls(answer: (call: number) => Response) {
  const times: number[] = [];
  return {
    times,
    handler: (clock: { now(): number }) =>
      http.post(`${BACKEND}/stage/dispatch`, () => answer(times.push(clock.now()))),
  };
}

const stage = {
  name: 'Send',
  repository: 'octo-org/app',
  dispatchType: 'repository_dispatch',
  eventType: 'release',
  waitForCompletion: true,
};

async function settled(orca: SandboxOrca, id: string) {
  await vi.waitFor(() => expect(orca.executions.get(id)?.status).not.toBe('RUNNING'));
  return orca.executions.get(id)!;
}

describe('the sandbox Orca stand-in', () => {
  it('retries a 503 every 10 s, as Orca does, until the backend finds the run', async () => {
    const clock = fakeClock();
    const calls = dispatchCalls((call) =>
      call < 4 ? notFound() : HttpResponse.json({ runId: 7, statusUrl: `${BACKEND}/stage/runs/octo-org/app/7` }),
    );
    server.use(
      calls.handler(clock),
      http.get(`${BACKEND}/stage/runs/octo-org/app/7`, () => HttpResponse.json({ status: 'SUCCEEDED' })),
    );
    const orca = new SandboxOrca({ backendUrl: BACKEND, stageSecret: 's', application: 'app', clock });

    const execution = await settled(orca, orca.run(stage).id);

    expect(calls.times).toEqual([0, 10_000, 20_000, 30_000]);
    expect(execution.status).toBe('SUCCEEDED');
  });

  it('gives up after 5 minutes and keeps the backend’s last answer for Deck to show', async () => {
    const clock = fakeClock();
    const calls = dispatchCalls(() => notFound());
    server.use(calls.handler(clock));
    const orca = new SandboxOrca({ backendUrl: BACKEND, stageSecret: 's', application: 'app', clock });

    const execution = await settled(orca, orca.run(stage).id);

    expect(execution.status).toBe('TERMINAL');
    expect(calls.times.at(-1)).toBe(ORCA_RETRY.timeoutMs);
    expect(calls.times).toHaveLength(ORCA_RETRY.timeoutMs / ORCA_RETRY.backoffMs + 1);
    expect(execution.stages[0]!.context.webhook?.body).toMatchObject({
      error: { message: expect.stringContaining('GitHub accepted the dispatch') },
    });
  });

  it('does not retry a 504 or a 4xx, as Orca does not', async () => {
    for (const status of [504, 422]) {
      const clock = fakeClock();
      const calls = dispatchCalls(() => HttpResponse.json({ error: { message: 'no' } }, { status }));
      server.use(calls.handler(clock));
      const orca = new SandboxOrca({ backendUrl: BACKEND, stageSecret: 's', application: 'app', clock });

      expect((await settled(orca, orca.run(stage).id)).status).toBe('TERMINAL');
      expect(calls.times).toEqual([0]);
    }
  });
});
