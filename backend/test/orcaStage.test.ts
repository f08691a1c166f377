import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useGithubSimulator } from './support/githubServer.js';
import { recordDispatch, setDispatchRun } from '../src/store/index.js';
import { STAGE_SECRET, appFor, useTempStore } from './support/app.js';
import { loadPreconfiguredWebhook, runWebhookStage, type PreconfiguredWebhook } from './support/orca.js';

// config/orca-local.yml, the file the install docs hand to operators, driven as Orca's webhook stage drives it.
const ORCA_CONFIG = fileURLToPath(new URL('../../config/orca-local.yml', import.meta.url));
// The same for Spinnaker releases before 2026.1, which have no sensitiveHeaders.
const ORCA_CONFIG_BEFORE_2026_1 = fileURLToPath(new URL('../../config/orca-local.before-2026.1.yml', import.meta.url));

const sim = useGithubSimulator();
const temp = useTempStore();
let server: Server;
let webhook: PreconfiguredWebhook;
let env: Record<string, string>;

// A backend per test: the simulated GitHub starts each test afresh, and forgets the tokens it issued.
beforeEach(async () => {
  const app = appFor(sim, temp.store, { readFreshForMs: 0 });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as { port: number };
  env = { GITHUB_BACKEND_URL: `http://127.0.0.1:${port}`, GITHUB_STAGE_SECRET: STAGE_SECRET };
  webhook = loadPreconfiguredWebhook(ORCA_CONFIG, 'githubWorkflow', env);
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** The stage JSON as the Deck plugin saves it. */
const deployStage = {
  type: 'githubWorkflow',
  alias: 'preconfiguredWebhook',
  repository: 'octo-org/hello-world',
  dispatchType: 'workflow_dispatch',
  workflow: 'deploy.yml',
  ref: 'main',
  inputs: { region: 'eu-west-1', dry_run: true },
  waitForCompletion: true,
};

const runIdOf = (outcome: { webhook: { body?: unknown } }) => (outcome.webhook.body as { runId: number }).runId;

describe('config/orca-local.yml driven as Orca runs a preconfigured webhook stage', () => {
  it('is the stage type and label Deck shows', () => {
    expect(webhook).toMatchObject({ type: 'githubWorkflow', label: 'GitHub Workflow', enabled: true });
  });

  it('sends the stage secret on every call and keeps it out of the execution; before 2026.1 it is in it', async () => {
    const finish = () => sim.setRunStatus(sim.dispatches.at(-1)?.runId ?? 0, 'completed', 'success');
    const outcome = await runWebhookStage({ webhook, stage: deployStage, beforePoll: finish });

    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.requests.map((request) => request.headers['X-Stage-Secret'])).toEqual(
      outcome.requests.map(() => STAGE_SECRET),
    );
    expect(JSON.stringify(outcome.context)).not.toContain(STAGE_SECRET);

    const older = loadPreconfiguredWebhook(ORCA_CONFIG_BEFORE_2026_1, 'githubWorkflow', env);
    const before = await runWebhookStage({ webhook: older, stage: deployStage, beforePoll: finish });
    expect(before.status).toBe('SUCCEEDED');
    expect(JSON.stringify(before.context)).toContain(STAGE_SECRET);
  });

  it('dispatches, polls with progress and succeeds with the run', async () => {
    let runId = 0;
    const outcome = await runWebhookStage({
      webhook,
      stage: deployStage,
      beforePoll: (poll) => {
        runId = sim.dispatches[0]?.runId ?? 0;
        if (poll === 2) sim.setRunStatus(runId, 'in_progress');
        if (poll === 3) sim.setRunStatus(runId, 'completed', 'success');
      },
    });

    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.progressMessages).toEqual(['0 of 2 jobs done', '0 of 2 jobs done', '2 of 2 jobs done']);
    // GitHub takes input values as strings, as its own UI and CLI send them.
    expect(sim.dispatches).toEqual([
      expect.objectContaining({ ref: 'main', inputs: { region: 'eu-west-1', dry_run: 'true' } }),
    ]);
    const [create] = outcome.requests;
    expect(create).toMatchObject({ method: 'POST', status: 200 });
    expect(create?.headers['X-Stage-Secret']).toBe(STAGE_SECRET);
    expect(JSON.parse(create?.body ?? '')).toEqual({
      executionId: '01JEXECUTIONORCA',
      stageId: 'stage-orca',
      stageStartTime: expect.any(Number),
      application: 'hello',
      repository: 'octo-org/hello-world',
      dispatchType: 'workflow_dispatch',
      workflow: 'deploy.yml',
      ref: 'main',
      inputs: { region: 'eu-west-1', dry_run: true },
      eventType: null,
      clientPayload: null,
      waitForCompletion: true,
      propertyArtifact: null,
      propertyFile: null,
      checkRun: null,
    });
    // The execution context keeps the run for the execution details and the log viewer (docs/orca.md).
    expect(outcome.webhook.monitor?.body).toMatchObject({
      run: { owner: 'octo-org', repo: 'hello-world', runId, runAttempt: 1, status: 'completed', conclusion: 'success' },
    });
    expect(outcome.requests.filter((r) => r.url.endsWith('/stage/cancel'))).toEqual([]);
  });

  it('ends TERMINAL naming the failed job, and the cancel Orca then sends does no harm', async () => {
    const outcome = await runWebhookStage({
      webhook,
      stage: deployStage,
      beforePoll: () => {
        const runId = sim.dispatches[0]?.runId ?? 0;
        if (sim.runs.get(runId)?.run.status !== 'completed') sim.setRunStatus(runId, 'completed', 'failure');
      },
    });

    expect(outcome.status).toBe('TERMINAL');
    expect(outcome.progressMessages.at(-1)).toBe('Failed: build, deploy');
    const cancel = outcome.requests.at(-1);
    expect(cancel).toMatchObject({ method: 'POST', status: 202, response: { cancelled: false } });
  });

  it('cancels the GitHub run when the user cancels the stage', async () => {
    const outcome = await runWebhookStage({
      webhook,
      stage: deployStage,
      beforePoll: (poll) => (poll === 2 ? 'cancel' : undefined),
    });

    expect(outcome.status).toBe('CANCELED');
    expect(outcome.requests.at(-1)).toMatchObject({ status: 202, response: { cancelled: true } });
    expect(sim.runs.get(runIdOf(outcome))?.run).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
  });

  it('succeeds against GitHub Enterprise Server before 3.21 with exactly one dispatch', async () => {
    sim.withoutRunDetails();
    const outcome = await runWebhookStage({
      webhook,
      stage: deployStage,
      beforePoll: () => sim.setRunStatus(sim.dispatches[0]?.runId ?? 0, 'completed', 'success'),
    });

    expect(outcome.status).toBe('SUCCEEDED');
    expect(sim.dispatches).toHaveLength(1);
    expect(runIdOf(outcome)).toBe(sim.dispatches[0]?.runId);
  });

  it('ends TERMINAL naming inputs when an input refers to a trigger parameter the pipeline lacks', async () => {
    // Orca leaves the unresolvable ${trigger.parameters.version} in the context; #toJson(inputs) then refuses it,
    // so the whole payload template is sent unevaluated.
    const outcome = await runWebhookStage({
      webhook,
      stage: { ...deployStage, inputs: { region: 'eu-west-1', version: '${trigger.parameters.version}' } },
    });

    expect(outcome.status).toBe('TERMINAL');
    expect(outcome.requests[0]?.body).toContain('"inputs": ${#toJson(inputs)}');
    expect(outcome.requests[0]?.status).toBe(400);
    expect(outcome.error).toMatch(
      /an expression in one of the stage's fields failed; look at inputs, clientPayload, ref/,
    );
    expect(outcome.error).toMatch(/without a trigger parameter the stage refers to/);
    expect(sim.dispatches).toEqual([]);
  });

  it('sends a repository_dispatch with its client payload', async () => {
    const outcome = await runWebhookStage({
      webhook,
      stage: {
        type: 'githubWorkflow',
        repository: 'octo-org/hello-world',
        dispatchType: 'repository_dispatch',
        eventType: 'release',
        clientPayload: { version: '3.1.0' },
        waitForCompletion: false,
      },
    });

    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.webhook.body).toMatchObject({ name: expect.stringMatching(/^Release 3\.1\.0 \[/) });
  });

  it('ends TERMINAL, dispatching nothing, for a stage written without waitForCompletion, which Orca would not wait for', async () => {
    // Written by hand or by a template: Orca takes a stage without the field as not waiting, so it would succeed as
    // soon as the run had started and let the stages after it run before the workflow had finished.
    const { waitForCompletion: _omitted, ...written } = deployStage;
    const outcome = await runWebhookStage({ webhook, stage: written });

    expect(outcome.status).toBe('TERMINAL');
    expect(outcome.requests[0]?.status).toBe(400);
    expect(outcome.error).toMatch(/waitForCompletion.*is missing: set it on the stage, true to finish with the run/);
    expect(sim.dispatches).toEqual([]);
  });

  it('ends TERMINAL at once with the reason when the workflow cannot be dispatched', async () => {
    const outcome = await runWebhookStage({ webhook, stage: { ...deployStage, workflow: 'ci.yml' } });

    expect(outcome.status).toBe('TERMINAL');
    expect(outcome.requests.filter((r) => r.url.endsWith('/stage/dispatch'))).toHaveLength(1);
    expect(outcome.error).toMatch(/has no workflow_dispatch trigger at main/);
    expect(sim.dispatches).toEqual([]);
  });

  it('retries a dispatch whose run is still being looked for, without dispatching twice', async () => {
    sim.withoutRunDetails();
    // Another stage dispatched the same workflow through the same App a moment ago, so at first two runs could be ours.
    const other = sim.addRun({ owner: 'octo-org', repo: 'hello-world', workflow: 'deploy.yml', actor: sim.bot });
    const outcome = await runWebhookStage({
      webhook,
      stage: { ...deployStage, waitForCompletion: false },
      beforeCreate: async (attempt) => {
        if (attempt !== 2) return;
        // Meanwhile the other stage found its run.
        await recordDispatch(temp.store.db, {
          key: 'other',
          owner: 'octo-org',
          repo: 'hello-world',
          correlationId: 'c',
          request: '{}',
        });
        await setDispatchRun(temp.store.db, 'other', Number(other.id));
      },
    });

    expect(outcome.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(outcome.status).toBe('SUCCEEDED');
    expect(sim.dispatches).toHaveLength(1);
    expect(runIdOf(outcome)).toBe(sim.dispatches[0]?.runId);
  });
});
