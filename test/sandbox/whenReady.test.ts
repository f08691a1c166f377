import express from 'express';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { close, listen } from '../../sandbox/http';
import { whenReady } from '../../sandbox/whenReady';

/** A page built in the background, as the sandbox builds its tools page, served at /sandbox/ once built. */
async function serve(build: Promise<void>, pageDir: string, arrived = () => undefined as void) {
  const app = express();
  app.use((_req, _res, next) => {
    arrived();
    next();
  });
  app.use('/sandbox', whenReady(build, 'The sandbox tools page'), express.static(pageDir));
  const server: Server = createServer(app);
  servers.push(server);
  return listen(server, 0);
}

const servers: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => close(server)));
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

describe('routes whose content is built in the background', () => {
  it('answer a request made during the build with what the build wrote', async () => {
    const pageDir = mkdtempSync(join(tmpdir(), 'when-ready-'));
    dirs.push(pageDir);
    let finish = () => undefined as void;
    const build = new Promise<void>((resolve) => (finish = resolve));
    let arrived = () => undefined as void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const url = await serve(build, pageDir, arrived);

    const answer = fetch(`${url}/sandbox/index.html`);
    // The request reached the server before the page exists; without waiting, the static route would answer 404.
    await arrival;
    writeFileSync(join(pageDir, 'index.html'), '<title>GitHub for Spinnaker: sandbox</title>');
    finish();

    const response = await answer;
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('GitHub for Spinnaker: sandbox');
  });

  it('answer a failed build with a 500 that says what did not build and why', async () => {
    const url = await serve(Promise.reject(new Error('Could not resolve "./Missing"')), tmpdir());

    const response = await fetch(`${url}/sandbox/index.html`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: { name: 'BuildError', message: 'The sandbox tools page did not build: Could not resolve "./Missing"' },
    });
  });
});
