import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useGithubSimulator } from './support/githubServer.js';
import { STAGE_SECRET, WEBHOOK_SECRET, appFor, useTempStore } from './support/app.js';

const sim = useGithubSimulator();
const temp = useTempStore();
const RUNS = { numRuns: 60 };

const sign = (body: string | Buffer) => `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;

/** Strings an attacker would try: traversal, SpEL, unicode edge cases, control characters, header injection. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '..',
    '../../etc/passwd',
    '%2e%2e%2f',
    '..%2F..%2Fapp%2Finstallations',
    '${T(java.lang.Runtime).getRuntime().exec("id")}',
    '#{7*7}',
    '${#toJson(execution)}',
    'a\r\nSet-Cookie: x=1',
    '\u0000',
    '\ud800',
    '\u202e',
    '\ufeff',
    'x'.repeat(10_000),
    'octo-org/hello-world',
    '__proto__',
    'constructor',
  ),
);

/** Any JSON value, with the keys the endpoints read mixed in so that the interesting branches are reached. */
const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }),
  fc.record(
    {
      executionId: fc.oneof(nasty, fc.jsonValue({ maxDepth: 2 })),
      stageId: fc.oneof(nasty, fc.jsonValue({ maxDepth: 2 })),
      repository: fc.oneof(nasty, fc.jsonValue({ maxDepth: 2 })),
      workflow: fc.oneof(nasty, fc.constantFrom('deploy.yml', '1'), fc.jsonValue({ maxDepth: 2 })),
      ref: fc.oneof(nasty, fc.jsonValue({ maxDepth: 2 })),
      dispatchType: fc.oneof(fc.constantFrom('workflow_dispatch', 'repository_dispatch'), nasty),
      inputs: fc.oneof(fc.dictionary(nasty, fc.oneof(nasty, fc.jsonValue({ maxDepth: 3 }))), fc.jsonValue()),
      application: fc.oneof(nasty, fc.jsonValue({ maxDepth: 2 })),
      details: fc.oneof(fc.record({ source: nasty, type: nasty }), fc.jsonValue({ maxDepth: 2 })),
      content: fc.oneof(fc.record({ executionId: nasty }), fc.jsonValue({ maxDepth: 2 })),
    },
    { requiredKeys: [] },
  ),
);

/** A clear client error: 4xx with our ErrorBody, naming what was wrong. */
function expectClientError(res: request.Response) {
  expect(res.status, `${res.status} ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toMatchObject({
    error: { name: expect.any(String), message: expect.any(String) },
    response: { statusCode: res.status },
  });
  expect(res.headers['set-cookie']).toBeUndefined();
}

const backend = () => appFor(sim, temp.store, {}, { lookupTimeoutMs: 200, lookupIntervalMs: 50 });

describe('hostile input', () => {
  it('POST /webhooks/github: any headers and body get 202 or a 4xx JSON error', async () => {
    const app = backend();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          id: fc.option(nasty, { nil: undefined }),
          event: fc.option(fc.oneof(nasty, fc.constantFrom('workflow_run', 'deployment', 'ping')), { nil: undefined }),
          body: fc.oneof(
            fc.string(),
            fc.jsonValue({ maxDepth: 8 }).map((v) => JSON.stringify(v) ?? 'null'),
          ),
          signed: fc.boolean(),
          signature: nasty,
        }),
        async ({ id, event, body, signed, signature }) => {
          const req = request(app).post('/webhooks/github').set('content-type', 'application/json');
          // Headers over Node's 16 kB limit get 431 from Node itself (tested below); superagent hangs on that answer
          // instead of reporting it, so each header here stays well under the limit.
          const safe = (value: string) => value.replace(/[^\t\x20-\x7e]/g, '').slice(0, 4_000);
          if (id !== undefined) req.set('x-github-delivery', safe(id));
          if (event !== undefined) req.set('x-github-event', safe(event));
          req.set('x-hub-signature-256', signed ? sign(body) : safe(signature));
          const res = await req.send(body);
          if (res.status === 202 || res.status === 200) return;
          expectClientError(res);
        },
      ),
      RUNS,
    );
  });

  it('POST /webhooks/github: deep, truncated and non-UTF-8 bodies get a 4xx, or 202 when signed and an object', async () => {
    const app = backend();
    const post = (body: string | Buffer) =>
      request(app)
        .post('/webhooks/github')
        .set('content-type', 'application/json')
        .set('x-github-delivery', 'deep')
        .set('x-github-event', 'workflow_run')
        .set('x-hub-signature-256', sign(body))
        .send(body);
    // Signed JSON however deep is parsed without recursion; a delivery must be an object.
    expectClientError(await post('['.repeat(200_000) + ']'.repeat(200_000)));
    expect((await post(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`)).status).toBe(202);
    expectClientError(await post('['.repeat(200_000)));
    expectClientError(await post(Buffer.from([0xff, 0xfe, 0x00, 0x7b])));
  });

  it('POST /stage/dispatch and /stage/cancel: any body gets a 4xx JSON error or the documented answer', async () => {
    const app = backend();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/stage/dispatch', '/stage/cancel'), hostileJson, async (path, body) => {
        const res = await request(app)
          .post(path)
          .set('x-stage-secret', STAGE_SECRET)
          .set('content-type', 'application/json')
          .send(JSON.stringify(body));
        if (res.status === 200 || res.status === 202) return;
        // The run of a dispatch GitHub accepted could not be told apart: documented 503 with Retry-After.
        if (res.status === 503 && res.headers['retry-after']) return;
        expectClientError(res);
      }),
      RUNS,
    );
  });

  it('POST /stage/dispatch: a deep or oversized body, or a wrong secret, gets a 4xx', async () => {
    const app = backend();
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    expectClientError(
      await request(app)
        .post('/stage/dispatch')
        .set('x-stage-secret', STAGE_SECRET)
        .set('content-type', 'application/json')
        .send(deep),
    );
    expectClientError(
      await request(app)
        .post('/stage/dispatch')
        .set('x-stage-secret', STAGE_SECRET)
        .set('content-type', 'application/json')
        .send(JSON.stringify({ inputs: { big: 'x'.repeat(2 * 1024 * 1024) } })),
    );
    await fc.assert(
      fc.asyncProperty(nasty, async (secret) => {
        const res = await request(app)
          .post('/stage/dispatch')
          .set('x-stage-secret', secret.replace(/[^\t\x20-\x7e]/g, ''))
          .send({});
        expectClientError(res);
      }),
      { numRuns: 30 },
    );
  });

  it('GET /api and /stage/runs: any path parameter or query gets a 4xx JSON error or an answer', async () => {
    const app = backend();
    const templates = [
      (o: string, r: string) => `/api/repos/${o}/${r}/workflows`,
      (o: string, r: string, id: string) => `/api/repos/${o}/${r}/workflows/${id}/inputs`,
      (o: string, r: string) => `/api/repos/${o}/${r}/branches`,
      (o: string, r: string) => `/api/repos/${o}/${r}/runs`,
      (o: string, r: string) => `/api/repos/${o}/${r}/deployments`,
      (o: string, r: string, id: string) => `/api/repos/${o}/${r}/runs/${id}`,
      (o: string, r: string, id: string) => `/api/repos/${o}/${r}/runs/${id}/jobs`,
      (o: string, r: string, id: string) => `/api/repos/${o}/${r}/jobs/${id}/logs`,
      (o: string, r: string, id: string) => `/stage/runs/${o}/${r}/${id}`,
      () => `/api/pipeline-starts`,
    ];
    // Each segment under 4 kB: a request line over Node's limit gets 431 from Node (tested below), which supertest's
    // client hangs on instead of reporting.
    const segment = fc.oneof(
      nasty.map((value) => encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '\ufffd')).slice(0, 4_000)),
      fc.constantFrom('octo-org', 'hello-world', '1', '..', '%2e%2e', '..%2f..%2f', '%00'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: templates.length - 1 }),
        segment,
        segment,
        segment,
        // Node answers a request line over its 16 kB header limit with 431 itself (tested below).
        fc.dictionary(
          fc.constantFrom('status', 'branch', 'ref', 'page', 'per_page', 'since', 'x'),
          nasty.map((value) => value.slice(0, 300)),
          { maxKeys: 3 },
        ),
        async (which, o, r, id, query) => {
          const path = (templates[which] ?? templates[0])?.(o, r, id) ?? '/';
          const res = await request(app).get(path).set('x-stage-secret', STAGE_SECRET).query(query);
          if (res.status === 200) return;
          expectClientError(res);
        },
      ),
      RUNS,
    );
  });

  it('POST /events/echo: any event gets 200 or a 4xx JSON error', async () => {
    const app = backend();
    await fc.assert(
      fc.asyncProperty(hostileJson, async (body) => {
        const res = await request(app)
          .post('/events/echo/')
          .set('content-type', 'application/json')
          .send(JSON.stringify(body));
        if (res.status === 200) return;
        expectClientError(res);
      }),
      RUNS,
    );
    expectClientError(
      await request(app).post('/events/echo').set('content-type', 'application/json').send('['.repeat(200_000)),
    );
  });

  it('a URL or headers longer than the header limit get 431 from Node, and the server carries on', async () => {
    const server = backend().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const long = await fetch(`http://127.0.0.1:${port}/api/repos/octo-org/hello-world/runs?x=${'x'.repeat(40_000)}`);
      expect(long.status).toBe(431);
      const headers = await fetch(`http://127.0.0.1:${port}/webhooks/github`, {
        method: 'POST',
        headers: { 'x-github-delivery': 'x'.repeat(10_000), 'x-hub-signature-256': 'x'.repeat(10_000) },
        body: '[]',
      });
      expect(headers.status).toBe(431);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      server.close();
    }
  });

  it('keeps answering after all of it', async () => {
    await request(backend()).get('/health').expect(200);
  });
});
