import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useGithubSimulator } from './support/githubServer.js';
import { ARTIFACT_HOST } from '../emulators/github/simulator.js';
import { STAGE_SECRET, appFor, useTempStore } from './support/app.js';
import {
  evaluateStageExpression,
  loadPreconfiguredWebhook,
  runWebhookStage,
  storedContext,
  type PreconfiguredWebhook,
} from './support/orca.js';

const ORCA_CONFIG = fileURLToPath(new URL('../../config/orca-local.yml', import.meta.url));

const sim = useGithubSimulator();
const temp = useTempStore();
let server: Server;
let webhook: PreconfiguredWebhook;

beforeEach(async () => {
  const app = appFor(sim, temp.store, { readFreshForMs: 0 });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as { port: number };
  webhook = loadPreconfiguredWebhook(ORCA_CONFIG, 'githubWorkflow', {
    GITHUB_BACKEND_URL: `http://127.0.0.1:${port}`,
    GITHUB_STAGE_SECRET: STAGE_SECRET,
  });
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const stage = (extra: Record<string, string> = {}) => ({
  type: 'githubWorkflow',
  name: 'Build',
  alias: 'preconfiguredWebhook',
  repository: 'octo-org/hello-world',
  dispatchType: 'workflow_dispatch',
  workflow: 'deploy.yml',
  ref: 'main',
  inputs: { region: 'eu-west-1' },
  waitForCompletion: true,
  propertyArtifact: 'results',
  propertyFile: 'outputs.json',
  ...extra,
});

const zip = (files: Record<string, string>) =>
  zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));

/** Runs the stage; the run completes with `conclusion` after uploading `artifacts`. */
async function runStage(
  artifacts: Record<string, Record<string, string>>,
  extra: Record<string, string> = {},
  conclusion: 'success' | 'failure' = 'success',
) {
  return runWebhookStage({
    webhook,
    stage: stage(extra),
    beforePoll: () => {
      const runId = sim.dispatches.at(-1)?.runId ?? 0;
      if (sim.runs.get(runId)?.run.status === 'completed') return;
      for (const [name, files] of Object.entries(artifacts)) sim.addArtifact(runId, { name, zip: zip(files) });
      sim.setRunStatus(runId, 'completed', conclusion);
    },
  });
}

const monitorBody = (outcome: Awaited<ReturnType<typeof runStage>>) =>
  outcome.webhook.monitor?.body as { outputs?: Record<string, unknown>; artifacts?: unknown[]; progress: string };

describe('the GitHub Workflow stage reads its results file into the stage outputs', () => {
  it('ends with the keys of outputs.json, which a following stage reads with the documented SpEL', async () => {
    const outcome = await runStage({
      results: { 'outputs.json': JSON.stringify({ version: '1.4.2', image: { tag: 'sha-abc' }, replicas: 3 }) },
      coverage: { 'index.html': '<html></html>' },
    });

    expect(outcome.status).toBe('SUCCEEDED');
    expect(monitorBody(outcome).outputs).toEqual({ version: '1.4.2', image: { tag: 'sha-abc' }, replicas: 3 });
    const runId = sim.dispatches.at(-1)?.runId;
    expect(monitorBody(outcome).artifacts).toEqual([
      expect.objectContaining({
        name: 'results',
        expired: false,
        sizeInBytes: expect.any(Number),
        expiresAt: expect.any(String),
        htmlUrl: `https://github.com/octo-org/hello-world/actions/runs/${runId}/artifacts/${sim.artifactIdOf('results')}`,
      }),
      expect.objectContaining({ name: 'coverage' }),
    ]);

    // docs/stage.md, "Results in later stages".
    const execution = [{ name: 'Build', context: storedContext(outcome) }];
    expect(
      evaluateStageExpression(
        "${#stage('Build')['context']['webhook']['monitor']['body']['outputs']['version']}",
        execution,
      ),
    ).toBe('1.4.2');
    expect(
      evaluateStageExpression(
        "${#stage('Build')['context']['webhook']['monitor']['body']['outputs']['image']['tag']}",
        execution,
      ),
    ).toBe('sha-abc');
  });

  it('follows the download redirect without the installation token', async () => {
    await runStage({ results: { 'outputs.json': '{"a":1}' } });
    const download = sim.requests.find((request) => request.host === 'artifacts');
    expect(download).toMatchObject({ method: 'GET', status: 200 });
    expect(download?.headers.authorization).toBeUndefined();
    expect(sim.requests.some((request) => request.path.endsWith('/zip') && request.status === 302)).toBe(true);
    expect(ARTIFACT_HOST).toMatch(/^https:/);
  });

  it('reads YAML and Java properties files', async () => {
    const yaml = await runStage(
      { results: { 'out/results.yml': 'version: 2.0.0\nflags:\n  - a\n' } },
      {
        propertyFile: 'out/results.yml',
      },
    );
    expect(monitorBody(yaml).outputs).toEqual({ version: '2.0.0', flags: ['a'] });

    const properties = await runStage(
      { results: { 'build.properties': 'version=3.1\nimage.tag = sha-9\n' } },
      {
        propertyFile: 'build.properties',
      },
    );
    expect(monitorBody(properties).outputs).toEqual({ version: '3.1', 'image.tag': 'sha-9' });
  });

  it('makes values from the run inert for SpEL', async () => {
    const outcome = await runStage({
      results: { 'outputs.json': JSON.stringify({ note: "${#jsonFromUrl('http://evil.example.com')}" }) },
    });
    expect(monitorBody(outcome).outputs).toEqual({ note: "$ {#jsonFromUrl('http://evil.example.com')}" });
  });

  it.each([
    [
      { other: { 'outputs.json': '{}' } },
      {},
      'Run \\d+ uploaded no artifact named "results" \\(its artifacts: "other"\\)',
    ],
    [{ results: { 'other.json': '{}' } }, {}, 'Artifact "results" has no file outputs.json; it holds other.json'],
    [{ results: { 'outputs.json': '{"a":' } }, {}, 'outputs.json does not parse as json: '],
    [{ results: { 'outputs.json': '[1, 2]' } }, {}, 'outputs.json does not parse as json: its top level must be a map'],
    [{ results: { 'r.yaml': 'a: [' } }, { propertyFile: 'r.yaml' }, 'r.yaml does not parse as yaml: '],
    [
      { results: { 'outputs.json': `{"a":"${'x'.repeat(300 * 1024)}"}` } },
      {},
      'outputs.json in artifact "results" is \\d+ bytes; the stage reads results files of at most 262144 bytes',
    ],
  ])('fails the stage saying which and why (%#)', async (artifacts, extra, message) => {
    const outcome = await runStage(artifacts, extra);
    expect(outcome.status).toBe('TERMINAL');
    expect(outcome.progressMessages.at(-1)).toMatch(
      new RegExp(`^The run succeeded but its results could not be read: ${message}`),
    );
  });

  it('fails the stage when the artifact has expired', async () => {
    const outcome = await runWebhookStage({
      webhook,
      stage: stage(),
      beforePoll: () => {
        const runId = sim.dispatches.at(-1)?.runId ?? 0;
        if (sim.runs.get(runId)?.run.status === 'completed') return;
        sim.addArtifact(runId, { name: 'results', zip: zip({ 'outputs.json': '{}' }), expired: true });
        sim.setRunStatus(runId, 'completed', 'success');
      },
    });
    expect(outcome.status).toBe('TERMINAL');
    expect(outcome.progressMessages.at(-1)).toContain('Artifact "results" has expired');
  });

  it('lists the artifacts of a failed run without reading its results file', async () => {
    const outcome = await runStage({ results: { 'outputs.json': '{"a":1}' } }, {}, 'failure');
    expect(outcome.status).toBe('TERMINAL');
    expect(monitorBody(outcome).outputs).toBeUndefined();
    expect(monitorBody(outcome).artifacts).toEqual([expect.objectContaining({ name: 'results' })]);
    expect(sim.requests.some((request) => request.host === 'artifacts')).toBe(false);
  });

  it('refuses a results file whose format it cannot tell', async () => {
    const outcome = await runStage({}, { propertyFile: 'outputs.txt' });
    expect(outcome.status).toBe('TERMINAL');
    expect(outcome.error).toContain('propertyFile outputs.txt must end in .json, .yml, .yaml or .properties');
  });
});
