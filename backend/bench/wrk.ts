import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** What one load run measured, whichever tool made it. */
export interface LoadResult {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 2xx, and socket errors and timeouts. */
  errors: number;
  /** 2xx answers. */
  ok: number;
}

/** wrk (Debian's `wrk` package) is on the PATH. */
export function hasWrk(): boolean {
  return spawnSync('wrk', ['-v']).error === undefined;
}

/*
 * wrk's Lua API (https://github.com/wg/wrk/blob/master/SCRIPTING): `init` gets the arguments after `--`; `request`
 * builds every request, here with a delivery id unique across runs (wrk runs one thread, below).
 */
const SCRIPT = `
local function read(path) local f = assert(io.open(path, "rb")); local s = f:read("*a"); f:close(); return s end
local body, signature, run, sent
function init(args)
  body, signature, run, sent = read(args[1] .. "/body.json"), read(args[1] .. "/signature"), args[2], 0
end
function request()
  sent = sent + 1
  return wrk.format("POST", "/webhooks/github", {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = "workflow_run",
    ["X-Hub-Signature-256"] = signature,
    ["X-GitHub-Delivery"] = string.format("%s-%d", run, sent),
  }, body)
end
`;

function milliseconds(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!match) throw new Error(`wrk printed a latency this does not read: ${text}`);
  return Number(match[1]) * { us: 0.001, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's'];
}

/** Reads wrk's report (`--latency`): requests/s, the latency distribution, and every kind of failure. */
export function parseWrk(report: string): LoadResult {
  const number = (pattern: RegExp) => Number(pattern.exec(report)?.[1] ?? Number.NaN);
  const latency = (percent: number) =>
    milliseconds(new RegExp(`^\\s*${percent}%\\s+(\\S+)`, 'm').exec(report)?.[1] ?? '');
  const total = number(/(\d+) requests in /);
  const non2xx = number(/Non-2xx or 3xx responses: (\d+)/) || 0;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(report);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const result = {
    perSecond: number(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: latency(50),
    p99Ms: latency(99),
    errors: non2xx + socketErrors,
    ok: total - non2xx,
  };
  if (Object.values(result).some(Number.isNaN)) throw new Error(`wrk's report did not read as expected:\n${report}`);
  return result;
}

/**
 * Signed webhook deliveries with wrk: one thread, so that the load generator takes at most one of the machine's cores
 * and little of it (a C loop; autocannon spends about 100 µs of CPU per request in JavaScript on the same cores).
 */
export async function wrkDeliveries(
  url: string,
  {
    body,
    signature,
    seconds,
    connections,
    run,
  }: { body: string; signature: string; seconds: number; connections: number; run: string },
): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-wrk-'));
  try {
    writeFileSync(join(dir, 'body.json'), body);
    writeFileSync(join(dir, 'signature'), signature);
    writeFileSync(join(dir, 'deliveries.lua'), SCRIPT);
    const args = [
      '-t1',
      `-c${connections}`,
      `-d${seconds}s`,
      '--latency',
      '-s',
      join(dir, 'deliveries.lua'),
      url,
      '--',
      dir,
      run,
    ];
    const { stdout } = await promisify(execFile)('wrk', args);
    return parseWrk(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
