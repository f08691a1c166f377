import type { Application, IPipeline, IPipelineCommand } from '@spinnaker/core';
import { ManualExecutionModal } from '@spinnaker/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { createRequire } from 'node:module';
import React from 'react';

import type { RunDto } from '../../backend/src/contract';
import { toRun, toWorkflow } from '../../backend/src/github/githubReads';
import { eventOf } from '../../backend/src/triggers/matching';
import { triggerFor } from '../../backend/src/triggers/triggerFacts';
import { queryClient } from '../../src/queryClient';
import { errorResponse, GATE_URL, API } from '../msw/handlers';
import { server, useMswServer } from '../msw/server';
import { setUpTriggersPage } from './render';

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
    expect(trigger).toEqual({ ...fromWebhook, type: 'manual', dryRun: false });
    expect(trigger).toMatchObject({ workflowRunId: 289782451, runNumber: 163, branch: 'master' });
  });

  it('starts it for the run the user picks', async () => {
    const user = userEvent.setup();
    const command = openDialog([configured]);

    await user.selectOptions(await screen.findByRole('combobox', { name: 'Workflow run' }), String(older.id));
    await user.click(screen.getByRole('button', { name: 'Run' }));

    expect((await command).trigger).toMatchObject({
      type: 'manual',
      workflowRunId: older.id,
      runNumber: 162,
      branch: 'release',
      conclusion: 'failure',
      linkText: 'test.yml #162',
    });
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
  it('starts the pipeline for the chosen deployment with the facts its event would give', async () => {
    const user = userEvent.setup();
    const command = openDialog([
      { type: 'githubDeployment', enabled: false, repository: 'octo-org/app', environment: 'staging.*' },
    ]);

    const choice = await screen.findByRole('combobox', { name: 'Deployment' });
    expect([...choice.querySelectorAll('option')].map((option) => option.textContent)).toEqual([
      expect.stringMatching(/^staging · main /),
      expect.stringMatching(/^staging-eu · feature\/main-menu /),
    ]);
    await user.selectOptions(choice, '1296267');
    await user.click(screen.getByRole('button', { name: 'Run' }));

    expect((await command).trigger).toEqual({
      type: 'manual',
      dryRun: false,
      enabled: false,
      repository: 'octo-org/app',
      environment: 'staging-eu',
      sha: '7638417db6d59f3c431d3e1f261cc637155684cd',
      ref: 'feature/main-menu',
      deploymentId: 1296267,
      link: 'https://github.com/octo-org/app/deployments',
      linkText: 'deployment to staging-eu',
    });
  });
});
