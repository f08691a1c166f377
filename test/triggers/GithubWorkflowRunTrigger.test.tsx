import { SETTINGS } from '@spinnaker/core';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';

import { queryClient } from '../../src/queryClient';
import { GATE_URL } from '../msw/handlers';
import { requests, server, useMswServer } from '../msw/server';
import { choose, chooseTriggerType, field, previewRow, renderTriggersPage, setUpTriggersPage } from './render';
import { notFoundMessages } from '../../backend/src/github/notFoundMessages';

useMswServer();
beforeAll(setUpTriggersPage);
afterEach(() => queryClient.clear());

const deployTrigger = {
  enabled: true,
  type: 'githubWorkflowRun',
  repository: 'octo-org/app',
  workflow: 'deploy.yml',
};

describe('githubWorkflowRun trigger editor', () => {
  it('is a trigger type of its own in Deck, added enabled', async () => {
    const user = userEvent.setup();
    const { saved } = renderTriggersPage([]);

    await user.click(screen.getByText('Add Trigger'));
    await chooseTriggerType(user, 'GitHub workflow finished');

    expect(await screen.findByLabelText('Repository')).toBeInTheDocument();
    expect(saved()).toEqual([{ enabled: true, type: 'githubWorkflowRun' }]);
  });

  it('offers the repositories, then the workflows of the chosen one, and saves what the backend matches', async () => {
    const user = userEvent.setup();
    const { saved } = renderTriggersPage([{ enabled: true, type: 'githubWorkflowRun' }]);

    await choose(user, 'Repository', 'octo-org/app');
    await choose(user, 'Workflow', 'Deploy (deploy.yml)');
    await user.click(screen.getByLabelText('Branch'));
    await user.paste('main|release/.*');
    await choose(user, 'Conclusion', 'success');
    await choose(user, 'Conclusion', 'failure');

    await waitFor(() =>
      expect(saved()).toEqual([
        {
          enabled: true,
          type: 'githubWorkflowRun',
          repository: 'octo-org/app',
          workflow: 'deploy.yml',
          branch: 'main|release/.*',
          conclusion: 'success,failure',
        },
      ]),
    );
  });

  it('saves * alone when any conclusion is chosen, and nothing (success) when none is', async () => {
    const user = userEvent.setup();
    const { saved } = renderTriggersPage([{ ...deployTrigger, conclusion: 'failure' }]);

    await choose(user, 'Conclusion', 'any conclusion (*)');
    await waitFor(() => expect(saved()[0].conclusion).toBe('*'));

    await user.click(within(await field('Conclusion')).getByTitle('Clear all'));
    await waitFor(() => expect(saved()[0]).not.toHaveProperty('conclusion'));
    expect(within(await field('Conclusion')).getByText('Default: success')).toBeInTheDocument();
  });

  it("clears the workflow when the repository changes, since it was the old repository's", async () => {
    const user = userEvent.setup();
    const { saved } = renderTriggersPage([deployTrigger]);

    await choose(user, 'Repository', 'octo-org/infra');

    await waitFor(() =>
      expect(saved()[0]).toEqual({ enabled: true, type: 'githubWorkflowRun', repository: 'octo-org/infra' }),
    );
  });

  it("previews which of the workflow's recent runs would start the pipeline, and why the others would not", async () => {
    renderTriggersPage([{ ...deployTrigger, branch: 'main|release/.*' }]);

    expect(await screen.findByText('2 of the 5 most recent runs would start this pipeline.')).toBeInTheDocument();
    expect(await previewRow('Deploy #565')).toHaveTextContent('Deploy #565mainsuccessmatches');
    expect(await previewRow('Deploy #563')).toHaveTextContent('release/1.xsuccessmatches');
    expect(await previewRow('Deploy #564')).toHaveTextContent('does not match: conclusion failure is not success');
    expect(await previewRow('Deploy #562')).toHaveTextContent(
      'does not match: branch feature/main-menu does not match main|release/.*',
    );
    expect(await previewRow('Deploy #566')).toHaveTextContent('in progressdoes not match: it is not completed');
    expect(within(await previewRow('Deploy #565')).getByRole('link', { name: 'Deploy #565' })).toHaveAttribute(
      'href',
      'https://github.com/octo-org/app/actions/runs/30433690',
    );
    expect(requests).toContain('/proxies/github/repos/octo-org/app/runs?workflow=deploy.yml');
  });

  it('updates the preview as the branch pattern and conclusions change, without reading the runs again', async () => {
    const user = userEvent.setup();
    renderTriggersPage([deployTrigger]);
    await screen.findByText('3 of the 5 most recent runs would start this pipeline.');

    await user.type(screen.getByLabelText('Branch'), 'main');
    expect(await screen.findByText('1 of the 5 most recent runs would start this pipeline.')).toBeInTheDocument();

    await choose(user, 'Conclusion', 'failure');
    expect(await screen.findByText('1 of the 5 most recent runs would start this pipeline.')).toBeInTheDocument();
    expect(await previewRow('Deploy #564')).toHaveTextContent('failurematches');
    expect(await previewRow('Deploy #565')).toHaveTextContent('does not match: conclusion success is not failure');

    expect(requests.filter((path) => path.includes('/runs'))).toHaveLength(1);
  });

  it("finds the workflow's file when the trigger names the workflow", async () => {
    renderTriggersPage([{ ...deployTrigger, workflow: 'Deploy' }]);

    expect(await screen.findByText('3 of the 5 most recent runs would start this pipeline.')).toBeInTheDocument();
    expect(requests).toContain('/proxies/github/repos/octo-org/app/runs?workflow=deploy.yml');
  });

  it('says what failed when the runs cannot be read', async () => {
    renderTriggersPage([{ ...deployTrigger, workflow: 'gone.yml' }]);

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Failed to load the recent runs of gone.yml in octo-org/app: Workflow gone.yml does not exist in octo-org/app.',
    );
  });

  it('asks for a repository and a workflow before previewing', async () => {
    renderTriggersPage([{ enabled: true, type: 'githubWorkflowRun', repository: 'octo-org/app' }]);

    expect(
      await screen.findByText('Choose a workflow to see which of its recent runs would start this pipeline.'),
    ).toBeInTheDocument();
    expect(requests.some((path) => path.includes('/runs'))).toBe(false);
  });

  // Deck's trigger form shows messages for the fields the trigger already had (SpinFormik touches them); a missing
  // field shows once touched, and blocks saving either way (validators.test.ts).
  it('shows what is wrong under each field', async () => {
    renderTriggersPage([
      { enabled: true, type: 'githubWorkflowRun', repository: 'app', branch: 'release/(', conclusion: 'succes' },
    ]);

    expect(await within(await field('Repository')).findByText(/^Repository must be written owner\/repo/)).toBeVisible();
    expect(within(await field('Branch')).getByText(/^Branch is not a valid regular expression: /)).toBeVisible();
    expect(within(await field('Conclusion')).getByText(/^Conclusion succes is not one GitHub reports/)).toBeVisible();
  });

  it('says under Repository when the GitHub App cannot see the repository', async () => {
    renderTriggersPage([{ enabled: true, type: 'githubWorkflowRun', repository: 'octo-org/website' }]);

    expect(
      await within(await field('Repository')).findByText(notFoundMessages.installation('octo-org', 'website')),
    ).toBeVisible();
  });

  it("leaves Run As User to Deck's trigger form, which shows it when Fiat is on", async () => {
    SETTINGS.feature.fiatEnabled = true;
    server.use(
      http.get(`${GATE_URL}/auth/user/serviceAccounts`, () => HttpResponse.json(['deployer@managed-service-account'])),
    );
    try {
      renderTriggersPage([{ ...deployTrigger, runAsUser: 'deployer@managed-service-account' }]);

      expect(
        await within(await field('Run As User')).findByText('deployer@managed-service-account'),
      ).toBeInTheDocument();
    } finally {
      SETTINGS.feature.fiatEnabled = false;
    }
  });

  it("saves checkRun when asked to report the pipeline as a check run on the run's commit", async () => {
    const user = userEvent.setup();
    const { saved } = renderTriggersPage([deployTrigger]);

    await user.click(within(await field('Check run')).getByRole('checkbox'));

    await waitFor(() => expect(saved()[0]).toMatchObject({ checkRun: true }));
    expect(screen.getByText("Report this pipeline as a check run on the run's commit")).toBeInTheDocument();
  });
});
