import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';

import { queryClient } from '../../src/queryClient';
import { API, errorResponse } from '../msw/handlers';
import { requests, server, useMswServer } from '../msw/server';
import { choose, chooseTriggerType, field, previewRow, renderTriggersPage, setUpTriggersPage } from './render';
import { notFoundMessages } from '../../backend/src/github/notFoundMessages';

useMswServer();
beforeAll(setUpTriggersPage);
afterEach(() => queryClient.clear());

const appTrigger = { enabled: true, type: 'githubDeployment', repository: 'octo-org/app' };

describe('githubDeployment trigger editor', () => {
  it('is a trigger type of its own in Deck, added enabled, and saves repository, environment and ref', async () => {
    const user = userEvent.setup();
    const { saved } = renderTriggersPage([]);

    await user.click(screen.getByText('Add Trigger'));
    await chooseTriggerType(user, 'GitHub deployment created');
    await choose(user, 'Repository', 'octo-org/app');
    await user.click(screen.getByLabelText('Environment'));
    await user.paste('production|staging-.*');
    await user.click(screen.getByLabelText('Ref'));
    await user.paste('main');

    await waitFor(() =>
      expect(saved()).toEqual([
        {
          enabled: true,
          type: 'githubDeployment',
          repository: 'octo-org/app',
          environment: 'production|staging-.*',
          ref: 'main',
        },
      ]),
    );
  });

  it('previews which recent deployments would start the pipeline, and why the others would not', async () => {
    renderTriggersPage([{ ...appTrigger, environment: 'staging.*' }]);

    expect(await screen.findByText('2 of the 3 most recent deployments would start this pipeline.')).toBeVisible();
    const production = await previewRow('production');
    expect(production).toHaveTextContent('v1.4.2 (a84d88e)');
    expect(production).toHaveTextContent('by octocat');
    expect(production).toHaveTextContent('does not match: environment production does not match staging.*');
    expect(await previewRow('staging')).toHaveTextContent('main (acb5820)');
    expect(await previewRow('staging')).toHaveTextContent(/by github-actions\[bot\]matches$/);
    expect(await previewRow('staging-eu')).toHaveTextContent('feature/main-menu (7638417)');
    expect(within(await previewRow('staging')).getByRole('link', { name: '(acb5820)' })).toHaveAttribute(
      'href',
      'https://github.com/octo-org/app/commit/acb5820ced9479c074f688cc328bf03f341a511d',
    );
    expect(requests).toContain('/proxies/github/repos/octo-org/app/deployments');
  });

  it('updates the preview as the patterns change', async () => {
    const user = userEvent.setup();
    renderTriggersPage([appTrigger]);
    expect(await screen.findByText('3 of the 3 most recent deployments would start this pipeline.')).toBeVisible();

    await user.click(screen.getByLabelText('Ref'));
    await user.paste('v[0-9.]+');

    expect(await screen.findByText('1 of the 3 most recent deployments would start this pipeline.')).toBeVisible();
    expect(await previewRow('staging')).toHaveTextContent('does not match: ref main does not match v[0-9.]+');
  });

  it('shows an invalid pattern under its field, and that it never matches', async () => {
    renderTriggersPage([{ ...appTrigger, environment: '*prod' }]);

    expect(
      await within(await field('Environment')).findByText(/^Environment is not a valid regular expression: /),
    ).toBeVisible();
    expect(await previewRow('production')).toHaveTextContent(
      'does not match: the environment pattern is not a valid regular expression',
    );
  });

  it('says what failed when the deployments cannot be read', async () => {
    server.use(
      http.get(`${API}/repos/:owner/:repo/deployments`, ({ request }) =>
        errorResponse(
          502,
          'UpstreamError',
          'GitHub refused the permission deployments:read. Grant it to the GitHub App.',
          request,
        ),
      ),
    );
    renderTriggersPage([appTrigger]);

    expect(await screen.findByRole('alert', {}, { timeout: 3000 })).toHaveTextContent(
      'Failed to load the recent deployments of octo-org/app: GitHub refused the permission deployments:read. Grant it to the GitHub App.',
    );
  });

  it('says under Repository when the GitHub App cannot see the repository', async () => {
    renderTriggersPage([{ ...appTrigger, repository: 'octo-org/website' }]);

    expect(
      await within(await field('Repository')).findByText(notFoundMessages.installation('octo-org', 'website')),
    ).toBeVisible();
  });

  it('saves checkRun when asked to report the pipeline as a check run on the commit', async () => {
    const user = userEvent.setup();
    const { saved } = renderTriggersPage([appTrigger]);

    const box = within(await field('Check run')).getByRole('checkbox');
    expect(box).not.toBeChecked();
    await user.click(box);

    await waitFor(() => expect(saved()[0]).toMatchObject({ checkRun: true }));
  });
});
