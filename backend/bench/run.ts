import { fork, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import startPostgres from '../test/support/postgres.js';
import { STAGE_SECRET, WEBHOOK_SECRET } from './secrets.js';
import { hasWrk, wrkDeliveries, type LoadResult } from './wrk.js';

/** `npm run bench:backend`: webhook acknowledgements and status polls under load, next to a bare baseline. */
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const VIEWERS = 100;
const TARGETS = (process.env.BENCH_TARGETS ?? 'baseline,sqlite,postgres').split(',');
const WRK = process.env.BENCH_LOAD !== 'autocannon' && hasWrk();

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: unknown[];
}[];
// The recorded `workflow_run` `completed` example: 16,960 bytes, the size of a real delivery.
const body = JSON.stringify(examples.find((e) => e.name === 'workflow_run')?.examples[0]);
const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;

/** What a target answers (the baseline only `cpuMicros`). */
interface Counts {
  /** CPU time the target's process has used, all of its threads. */
  cpuMicros: number;
  githubRequests: number;
  runId: number;
  /** Deliveries in the target's database. */
  storedDeliveries: number;
}

interface Target {
  url: string;
  child: ChildProcess;
  ask(): Promise<Counts>;
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
        child.once('message', (message) => resolve(message as Counts));
        child.send('count');
      }),
  };
}

async function load(options: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ duration: DURATION_S, connections: CONNECTIONS, ...options });
}

/** Signed deliveries, each with a new `X-GitHub-Delivery` so that each is stored (a repeated id is a duplicate). */
async function deliveries(url: string): Promise<LoadResult> {
  if (WRK) {
    return wrkDeliveries(url, { body, signature, seconds: DURATION_S, connections: CONNECTIONS, run: randomUUID() });
  }
  const r = await load({
    url: `${url}/webhooks/github`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-github-event': 'workflow_run', 'x-hub-signature-256': signature },
    requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'x-github-delivery': randomUUID() } }) }],
  });
  return {
    perSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.non2xx + r.errors + r.timeouts,
    ok: r['2xx'],
  };
}

/** CPU time every core of the machine has spent busy: the server, the database, the load generator, the kernel. */
function machineCpuMicros(): number {
  return cpus().reduce((sum, { times }) => sum + (times.user + times.nice + times.sys + times.irq) * 1000, 0);
}

interface Measured {
  result: LoadResult;
  /** CPU µs per acknowledged delivery: the server's process, and every core of the machine. */
  serverCpu: number;
  machineCpu: number;
  /** What the target answered just before and just after the run. */
  before: Counts;
  after: Counts;
}

/** A delivery run, with the CPU it cost. */
async function measuredDeliveries(target: Target): Promise<Measured> {
  const [before, machine] = [await target.ask(), machineCpuMicros()];
  const result = await deliveries(target.url);
  const [after, machineAfter] = [await target.ask(), machineCpuMicros()];
  const perDelivery = (micros: number) => Math.round(micros / result.ok);
  return {
    result,
    serverCpu: perDelivery(after.cpuMicros - before.cpuMicros),
    machineCpu: perDelivery(machineAfter - machine),
    before,
    after,
  };
}

const row = (name: string, { result: r, serverCpu, machineCpu }: Measured, stored = '–') =>
  `| ${name} | ${Math.round(r.perSecond).toLocaleString('en')} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.errors} | ${serverCpu} | ${machineCpu} | ${stored} |`;

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
  `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; ${DURATION_S} s per run, ${CONNECTIONS} connections, ${body.length}-byte workflow_run delivery, load from ${WRK ? 'wrk (one thread)' : 'autocannon'}`,
);
say('');
say(
  '| server | deliveries/s | p50 ms | p99 ms | errors | server CPU µs/delivery | machine CPU µs/delivery | stored / acknowledged |',
);
say('| --- | --: | --: | --: | --: | --: | --: | --: |');
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
  for (const [name, kind, env] of targets.filter(([, kind]) => TARGETS.includes(kind))) {
    const target = await start(kind, env);
    try {
      await deliveries(target.url); // warm-up, not reported
      const measured = await measuredDeliveries(target);
      if (kind === 'baseline') {
        say(row(name, measured));
        continue;
      }
      // Every acknowledged delivery must be in the database (the ones in flight when the run stopped may be too).
      const { result, before, after } = measured;
      const stored = after.storedDeliveries - before.storedDeliveries;
      say(row(name, measured, `${stored.toLocaleString('en')} / ${result.ok.toLocaleString('en')}`));
      if (stored < result.ok) throw new Error(`${result.ok - stored} acknowledged deliveries are not in the database`);
      const { runId } = after;
      const status = await load({
        url: `${target.url}/stage/runs/octo-org/hello-world/${runId}`,
        headers: { 'x-stage-secret': STAGE_SECRET },
      });
      const githubBefore = (await target.ask()).githubRequests;
      const viewers = await load({
        url: `${target.url}/api/repos/octo-org/hello-world/runs/${runId}/jobs`,
        connections: VIEWERS,
      });
      const github = (await target.ask()).githubRequests - githubBefore;
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
