import type { Application, IPipeline, IPipelineCommand } from '@spinnaker/core';
import { ManualExecutionModal } from '@spinnaker/core';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { createRequire } from 'node:module';
import React from 'react';

import {
  ECHO_TRIGGER_FIELDS,
  echoManualTrigger,
  withoutNullEntries,
} from '../../backend/emulators/spinnaker/echoTrigger';
import type { DeploymentDto, RunDto } from '../../backend/src/contract';
import { toRun, toWorkflow } from '../../backend/src/github/githubReads';
import { eventOf } from '../../backend/src/triggers/matching';
import { triggerFor } from '../../backend/src/triggers/triggerFacts';
import { queryClient } from '../../src/queryClient';
import { errorResponse, GATE_URL, API } from '../msw/handlers';
import { server, useMswServer } from '../msw/server';
import { setUpTriggersPage } from './render';
import { LOADING_EVENT } from '../../src/triggers/manualExecution/manualLabels';

useMswServer();
beforeAll(setUpTriggersPage);
beforeEach(() => {
  // Deck's dialog reads the application's notifications (AppNotificationsService); this application has none.
  server.use(http.get(`${GATE_URL}/notifications/application/:application`, () => HttpResponse.json({})));
});
afterEach(() => queryClient.clear());

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as Array<{
  name: string;
  examples: Array<Record<string, unknown>>;
}>;
/** GitHub's recorded `workflow_run` `completed` delivery: octo-org/octo-repo, test.yml, run #163 on master. */
const delivered = structuredClone(examples.find((e) => e.name === 'workflow_run')!.examples[1]!);
/** GitHub's recorded `deployment` `created` delivery: Codertocat/Hello-World, production, ref master. */
const deploymentDelivered = structuredClone(examples.find((e) => e.name === 'deployment')!.examples[0]!);

const ECHO_FIELDS = new Set<string>(Object.values(ECHO_TRIGGER_FIELDS).flat());
/** What Deck's start reaches Orca as: Deck's trigger with the user Deck adds, through Gate and Echo's model. */
const throughEcho = (trigger: object) =>
  echoManualTrigger({
    ...(trigger as Record<string, unknown>),
    user: 'jane',
    eventId: 'gate-event-id',
    executionId: '01GATEEXECUTION',
  });
/**
 * The webhook path's trigger, minus what only a delivery has, reduced to the fields Echo's model keeps, without null
 * entries (Orca stores every execution so: withoutNullEntries).
 */
const echoKept = (webhook: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(webhook).filter(
      ([key, value]) =>
        value !== null && ECHO_FIELDS.has(key) && !['type', 'eventId', 'correlationId', 'payload'].includes(key),
    ),
  );
const ADDED_BY_DECK_GATE_ECHO = {
  type: 'manual',
  dryRun: false,
  rebake: false,
  preferred: false,
  user: 'jane',
  eventId: 'gate-event-id',
  executionId: '01GATEEXECUTION',
};

/** Deck's dialog lets the user press Run at once; these tests press it once the chosen event has loaded. */
const eventLoaded = () => waitFor(() => expect(screen.queryByText(LOADING_EVENT)).not.toBeInTheDocument());

/** Deck's manual execution dialog (core ManualPipelineExecutionModal) for one pipeline; resolves with its command. */
function openDialog(triggers: Array<Record<string, unknown>>) {
  let started: (command: IPipelineCommand) => void = () => {};
  const command = new Promise<IPipelineCommand>((resolve) => (started = resolve));
  // Deck writes each trigger's label into the pipeline's own trigger object.
  const pipeline = {
    id: 'p1',
    name: 'Release',
    application: 'deployer',
    stages: [],
    triggers: structuredClone(triggers),
  } as unknown as IPipeline;
  const application = {
    name: 'deployer',
    executions: { data: [] },
    pipelineConfigs: { data: [pipeline] },
  } as unknown as Application;
  render(
    <ManualExecutionModal
      application={application}
      pipeline={pipeline}
      closeModal={(result: IPipelineCommand) => started(result)}
      dismissModal={() => {}}
    />,
  );
  return command;
}

describe('manual execution of a pipeline with a githubWorkflowRun trigger', () => {
  const configured = {
    type: 'githubWorkflowRun',
    enabled: true,
    repository: 'octo-org/octo-repo',
    workflow: 'test.yml',
    conclusion: '*',
  };
  const recorded = toRun(delivered.workflow_run as Parameters<typeof toRun>[0]);
  const older: RunDto = {
    ...recorded,
    id: recorded.id - 1,
    runNumber: recorded.runNumber - 1,
    headBranch: 'release',
    conclusion: 'failure',
  };
  beforeEach(() => {
    server.use(
      http.get(`${API}/repos`, () =>
        HttpResponse.json({
          items: [
            {
              fullName: 'octo-org/octo-repo',
              owner: 'octo-org',
              name: 'octo-repo',
              private: false,
              defaultBranch: 'master',
              htmlUrl: 'https://github.com/octo-org/octo-repo',
            },
          ],
        }),
      ),
      http.get(`${API}/repos/octo-org/octo-repo/workflows`, () =>
        HttpResponse.json({ items: [toWorkflow(delivered.workflow as Parameters<typeof toWorkflow>[0])] }),
      ),
      http.get(`${API}/repos/octo-org/octo-repo/runs`, () =>
        HttpResponse.json({ items: [{ ...older, id: 1, status: 'in_progress', conclusion: null }, recorded, older] }),
      ),
      // The backend rebuilds the event from GitHub's REST answers, whose objects have the webhook's shape.
      http.get(`${API}/repos/octo-org/octo-repo/runs/:runId/event`, ({ params }) => {
        const run = delivered.workflow_run as Record<string, unknown>;
        const workflowRun =
          Number(params.runId) === recorded.id
            ? run
            : { ...run, id: older.id, run_number: 162, head_branch: 'release', conclusion: 'failure' };
        const { workflow, repository } = delivered;
        return HttpResponse.json({ action: 'completed', workflow_run: workflowRun, workflow, repository });
      }),
    );
  });

  it("starts the pipeline with the trigger fields the run's webhook delivery gives it", async () => {
    const user = userEvent.setup();
    const command = openDialog([configured]);

    expect(await screen.findByText('GitHub workflow test.yml in octo-org/octo-repo')).toBeInTheDocument();
    const choice = await screen.findByRole('combobox', { name: 'Workflow run' });
    // Completed runs only, newest first; the newest is chosen.
    expect([...choice.querySelectorAll('option')].map((option) => option.textContent)).toEqual([
      expect.stringMatching(/^#163 /),
      expect.stringMatching(/^#162 .*\(release, failure, /),
    ]);
    await eventLoaded();
    await user.click(screen.getByRole('button', { name: 'Run' }));

    const { trigger } = await command;
    const webhook = triggerFor(
      { pipeline: { id: 'p1', name: 'Release', application: 'deployer' }, trigger: configured },
      eventOf('workflow_run', delivered)!,
      'a-delivery-id',
      delivered,
    );
    const { eventId, correlationId, payload, type, ...fromWebhook } = webhook;
    expect([eventId, correlationId, payload, type]).not.toContain(undefined);
    // What Deck sends Gate: the webhook's facts, and the event as payload.
    const { payload: sentPayload, ...sent } = trigger as unknown as Record<string, unknown>;
    expect(sent).toEqual({ ...fromWebhook, type: 'manual', dryRun: false });
    expect(trigger).toMatchObject({ workflowRunId: 289782451, runNumber: 163, branch: 'master' });
    expect(sentPayload).toEqual({
      action: 'completed',
      workflow_run: delivered.workflow_run,
      workflow: delivered.workflow,
      repository: delivered.repository,
    });

    // What reaches Orca: the webhook's fields that Echo's model keeps, and the same payload expressions.
    const orca = throughEcho(trigger);
    const { payload: orcaPayload, ...orcaFields } = orca;
    expect(orcaFields).toEqual({ ...echoKept(webhook), ...ADDED_BY_DECK_GATE_ECHO });
    expect(orcaFields).toMatchObject({ repository: 'octo-org/octo-repo', branch: 'master', linkText: 'test.yml #163' });
    expect(orca).not.toHaveProperty('sha');
    const webhookPayload = payload as typeof delivered;
    for (const part of ['action', 'workflow_run', 'workflow', 'repository'] as const) {
      expect((orcaPayload as typeof delivered)[part]).toEqual(withoutNullEntries(webhookPayload[part]));
    }
    expect(orcaPayload).toMatchObject({
      workflow_run: { head_sha: webhook.sha, run_number: 163, id: 289782451, conclusion: 'success' },
    });
  });

  it('starts it for the run the user picks', async () => {
    const user = userEvent.setup();
    const command = openDialog([configured]);

    await user.selectOptions(await screen.findByRole('combobox', { name: 'Workflow run' }), String(older.id));
    await eventLoaded();
    await user.click(screen.getByRole('button', { name: 'Run' }));

    const { trigger } = await command;
    expect(trigger).toMatchObject({
      type: 'manual',
      workflowRunId: older.id,
      runNumber: 162,
      branch: 'release',
      conclusion: 'failure',
      linkText: 'test.yml #162',
    });
    expect(throughEcho(trigger).payload).toMatchObject({
      workflow_run: { id: older.id, run_number: 162, head_branch: 'release', conclusion: 'failure' },
    });
  });

  it("says so when the run's event cannot be loaded, and starts with the facts alone", async () => {
    server.use(
      http.get(`${API}/repos/octo-org/octo-repo/runs/:runId/event`, ({ request }) =>
        errorResponse(502, 'UpstreamError', 'GitHub answered 500', request),
      ),
    );
    const user = userEvent.setup();
    const command = openDialog([configured]);

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Failed to load the workflow_run event of run 289782451 in octo-org/octo-repo: GitHub answered 500',
    );
    await user.click(screen.getByRole('button', { name: 'Run' }));
    const { trigger } = await command;
    expect(trigger).toMatchObject({ workflowRunId: 289782451 });
    expect(trigger).not.toHaveProperty('payload');
  });

  it('offers only the runs the trigger would have fired on', async () => {
    openDialog([{ ...configured, conclusion: 'success', branch: 'mast' }]);

    expect(
      await screen.findByText(
        'None of the recent runs of test.yml in octo-org/octo-repo matches this trigger: the pipeline starts without a workflow run.',
      ),
    ).toBeInTheDocument();
  });

  it("says why when the backend cannot list the repository's runs", async () => {
    server.use(
      http.get(`${API}/repos/octo-org/octo-repo/runs`, ({ request }) =>
        errorResponse(502, 'UpstreamError', 'GitHub answered 500', request),
      ),
    );
    openDialog([configured]);

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Failed to load the recent runs of test.yml in octo-org/octo-repo: GitHub answered 500',
    );
  });
});

describe('manual execution of a pipeline with a githubDeployment trigger', () => {
  const deployment = deploymentDelivered.deployment as Record<string, unknown> & {
    id: number;
    creator: { login: string };
  };
  const repository = deploymentDelivered.repository as { full_name: string; html_url: string };
  const listed: DeploymentDto = {
    id: deployment.id,
    environment: String(deployment.environment),
    ref: String(deployment.ref),
    sha: String(deployment.sha),
    task: String(deployment.task),
    description: null,
    creator: deployment.creator.login,
    createdAt: String(deployment.created_at),
  };
  beforeEach(() => {
    server.use(
      http.get(`${API}/repos`, () =>
        HttpResponse.json({
          items: [
            {
              fullName: repository.full_name,
              owner: 'Codertocat',
              name: 'Hello-World',
              private: false,
              defaultBranch: 'master',
              htmlUrl: repository.html_url,
            },
          ],
        }),
      ),
      http.get(`${API}/repos/Codertocat/Hello-World/deployments`, () =>
        HttpResponse.json({ items: [{ ...listed, id: 1, environment: 'staging' }, listed] }),
      ),
      http.get(`${API}/repos/Codertocat/Hello-World/deployments/:id/event`, () =>
        HttpResponse.json({ action: 'created', deployment, repository }),
      ),
    );
  });

  it('starts the pipeline for the chosen deployment with the fields its webhook delivery gives', async () => {
    const user = userEvent.setup();
    const configured = {
      type: 'githubDeployment',
      enabled: false,
      repository: 'Codertocat/Hello-World',
      environment: 'prod.*',
    };
    const command = openDialog([configured]);

    const choice = await screen.findByRole('combobox', { name: 'Deployment' });
    expect([...choice.querySelectorAll('option')].map((option) => option.textContent)).toEqual([
      expect.stringMatching(/^production · master /),
    ]);
    await eventLoaded();
    await user.click(screen.getByRole('button', { name: 'Run' }));

    const { trigger } = await command;
    const webhook = triggerFor(
      { pipeline: { id: 'p1', name: 'Release', application: 'deployer' }, trigger: configured },
      eventOf('deployment', deploymentDelivered)!,
      'a-delivery-id',
      deploymentDelivered,
    );
    const { eventId: _eventId, correlationId: _correlationId, payload, type: _type, ...fromWebhook } = webhook;
    const { payload: _sent, ...sent } = trigger as unknown as Record<string, unknown>;
    expect(sent).toEqual({ ...fromWebhook, type: 'manual', dryRun: false });
    expect(sent).toMatchObject({ environment: 'production', ref: 'master', deploymentId: deployment.id });

    const { payload: orcaPayload, ...orcaFields } = throughEcho(trigger);
    expect(orcaFields).toEqual({ ...echoKept(webhook), ...ADDED_BY_DECK_GATE_ECHO, enabled: false });
    expect(orcaFields).not.toHaveProperty('environment');
    expect(orcaPayload).toEqual(
      withoutNullEntries({
        action: 'created',
        deployment: (payload as typeof deploymentDelivered).deployment,
        repository: (payload as typeof deploymentDelivered).repository,
      }),
    );
    expect(orcaPayload).toMatchObject({ deployment: { sha: webhook.sha, environment: 'production', ref: 'master' } });
  });
});
