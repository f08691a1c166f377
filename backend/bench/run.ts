import { fork, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import startPostgres from '../test/support/postgres.js';
import { STAGE_SECRET, WEBHOOK_SECRET } from './secrets.js';

/** `npm run bench:backend`: webhook acknowledgements and status polls under load, next to a bare baseline. */
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const VIEWERS = 100;

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: unknown[];
}[];
// The recorded `workflow_run` `completed` example: 16,960 bytes, the size of a real delivery.
const body = JSON.stringify(examples.find((e) => e.name === 'workflow_run')?.examples[0]);
const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;

interface Target {
  url: string;
  child: ChildProcess;
  ask(): Promise<{ githubRequests: number; runId: number }>;
}

async function start(kind: string, env: NodeJS.ProcessEnv = {}): Promise<Target> {
  const child = fork(new URL('./target.ts', import.meta.url).pathname, [kind], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve((JSON.parse(chunk.toString()) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`the ${kind} target exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    ask: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve(message as { githubRequests: number; runId: number }));
        child.send('count');
      }),
  };
}

async function load(options: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ duration: DURATION_S, connections: CONNECTIONS, ...options });
}

function deliveries(url: string) {
  return load({
    url: `${url}/webhooks/github`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-github-event': 'workflow_run', 'x-hub-signature-256': signature },
    // Every delivery a new id, so each one is stored (a repeated id would be a duplicate).
    requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'x-github-delivery': randomUUID() } }) }],
  });
}

const row = (name: string, r: autocannon.Result) =>
  `| ${name} | ${Math.round(r.requests.average).toLocaleString('en')} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx + r.errors + r.timeouts} |`;

const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

const provided: Record<string, string | undefined> = {};
process.env.POSTGRES_FSYNC = 'on';
const stopPostgres = await startPostgres({
  provide: (key: string, value: string | undefined) => (provided[key] = value),
} as unknown as Parameters<typeof startPostgres>[0]);

say(
  `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; ${DURATION_S} s per run, ${CONNECTIONS} connections, ${body.length}-byte workflow_run delivery`,
);
say('');
say('| server | deliveries/s | p50 ms | p99 ms | errors |');
say('| --- | --: | --: | --: | --: |');
try {
  const targets: [string, string, NodeJS.ProcessEnv][] = [
    ['baseline: Express + @octokit/webhooks verify, 202', 'baseline', {}],
    ['backend, embedded store', 'sqlite', {}],
    ...(provided.postgresUrl
      ? ([['backend, PostgreSQL', 'postgres', { BENCH_DATABASE_URL: provided.postgresUrl }]] as [
          string,
          string,
          NodeJS.ProcessEnv,
        ][])
      : []),
  ];
  const polls: string[] = [];
  for (const [name, kind, env] of targets) {
    const target = await start(kind, env);
    try {
      await deliveries(target.url).then(() => undefined); // warm-up, not reported
      say(row(name, await deliveries(target.url)));
      if (kind === 'baseline') continue;
      const { runId } = await target.ask();
      const status = await load({
        url: `${target.url}/stage/runs/octo-org/hello-world/${runId}`,
        headers: { 'x-stage-secret': STAGE_SECRET },
      });
      const before = (await target.ask()).githubRequests;
      const viewers = await load({
        url: `${target.url}/api/repos/octo-org/hello-world/runs/${runId}/jobs`,
        connections: VIEWERS,
      });
      const github = (await target.ask()).githubRequests - before;
      polls.push(
        `| ${name} | ${Math.round(status.requests.average).toLocaleString('en')} | ${status.latency.p99} | ${Math.round(viewers.requests.average).toLocaleString('en')} | ${github} in ${DURATION_S} s |`,
      );
    } finally {
      target.child.kill();
    }
  }
  say('');
  say(`| server | stage status polls/s | p99 ms | ${VIEWERS} viewers of one running job: reads/s | GitHub requests |`);
  say('| --- | --: | --: | --: | --: |');
  for (const line of polls) say(line);
} finally {
  await stopPostgres?.();
}
