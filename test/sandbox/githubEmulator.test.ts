import { createSign } from 'node:crypto';
import { get, request as httpRequest, type IncomingMessage } from 'node:http';

import { syntheticLog } from '../../bench/syntheticLog';
import { startGithubEmulator, type GithubEmulator } from '../../sandbox/githubEmulator';

let github: GithubEmulator;
beforeEach(async () => {
  github = await startGithubEmulator();
});
afterEach(async () => {
  await github.close();
});

function request(url: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => get(url, { headers }, resolve).on('error', reject));
}

/** The App's JWT (RS256, https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app). */
function appJwt(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat: now - 60, exp: now + 540, iss: String(github.sim.app.id) })}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(github.sim.app.privateKey, 'base64url')}`;
}

async function api(method: string, path: string, authorization: string): Promise<Record<string, unknown>> {
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    httpRequest(`${github.url}${path}`, { method, headers: { authorization, 'user-agent': 'test' } }, resolve)
      .on('error', reject)
      .end(),
  );
  const body = await readUpTo(response, Infinity, 10_000);
  expect(response.statusCode, body.toString()).toBeLessThan(300);
  return JSON.parse(body.toString()) as Record<string, unknown>;
}

/** A completed job with `log`, and where GitHub's 302 sends its log (the emulator's log host). */
async function jobWithLog(log: string): Promise<{ jobId: number; location: string }> {
  const run = github.sim.addRun({
    owner: 'octo-org',
    repo: 'hello-world',
    workflow: 'ci.yml',
    status: 'completed',
    conclusion: 'failure',
    jobs: [{ name: 'build', log }],
  });
  const jobId = github.sim.runs.get(Number(run.id))!.jobIds[0]!;
  // As the backend does: an installation token from the App's key, then GitHub's 302 to the log host.
  const installation = await api('GET', '/repos/octo-org/hello-world/installation', `Bearer ${appJwt()}`);
  const { token } = await api('POST', `/app/installations/${installation.id}/access_tokens`, `Bearer ${appJwt()}`);
  const redirect = await request(`${github.url}/repos/octo-org/hello-world/actions/jobs/${jobId}/logs`, {
    authorization: `token ${String(token)}`,
  });
  redirect.resume();
  expect(redirect.statusCode).toBe(302);
  return { jobId, location: redirect.headers.location! };
}

/** Reads `response` until it has `bytes` or nothing more comes within `ms`. */
function readUpTo(response: IncomingMessage, bytes: number, ms: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  return new Promise((resolve) => {
    const done = () => {
      response.off('data', onData);
      response.pause();
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= bytes) done();
    };
    const timer = setTimeout(done, ms);
    response.on('data', onData);
    response.once('end', done);
    response.resume();
  });
}

describe("the GitHub emulator's log host", () => {
  it("sends a large log's length and first bytes before it has read the rest, as a blob host does", async () => {
    const log = Buffer.from(syntheticLog(40_000));
    const { jobId, location } = await jobWithLog(log.toString());
    const release = github.sim.holdJobLog(jobId, 1_000_000);

    let response: IncomingMessage;
    let first: Buffer;
    try {
      response = await Promise.race([
        request(location),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('the log host answered nothing while the end of the log was held')), 5_000),
        ),
      ]);
      first = await readUpTo(response, 1_000_000, 5_000);
    } finally {
      release();
    }
    const rest = await readUpTo(response, log.length - first.length, 5_000);

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBe(String(log.length));
    expect(first.length).toBe(1_000_000);
    expect(Buffer.concat([first, rest]).equals(log)).toBe(true);
  });

  it('answers `Range: bytes=N-` with the bytes from N and a Content-Range, and 416 from the end on', async () => {
    // Longer than the pieces the host encodes at a time (256 Ki characters), so the range starts inside a later one.
    const log = Buffer.from(`${'2024-01-01T00:00:00.0000000Z ✓ step\n'.repeat(20_000)}`);
    const { location } = await jobWithLog(log.toString());

    const part = await request(location, { range: 'bytes=600000-' });
    const body = await readUpTo(part, log.length, 10_000);
    const past = await request(location, { range: `bytes=${log.length}-` });
    past.resume();

    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 600000-${log.length - 1}/${log.length}`);
    expect(body.equals(log.subarray(600_000))).toBe(true);
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${log.length}`);
  });
});
