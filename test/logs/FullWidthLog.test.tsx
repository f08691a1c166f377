import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { RunLogs } from '../../src/logs/RunLogs';
import { job, jobsHandler, logHandler, renderWithClient, server, useBackend } from './support';

const TS = '2024-03-14T09:00:10.0000000Z ';
const LONG = `kubectl apply: ${'deployment.apps/hello-world configured, '.repeat(12)}done`;

/** A one-line log of job 3, "deploy", opened at full width. */
async function openDeployLog() {
  server.use(jobsHandler([job(3, 'deploy')]), logHandler(3, `${TS}apply done\n`));
  renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} />);
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: 'Full width' }));
  const dialog = screen.getByRole('dialog');
  return { user, dialog, log: await within(dialog).findByLabelText('Log of deploy') };
}

describe('<FullWidthLogButton /> in <RunLogs />', () => {
  useBackend();

  it('opens the job’s log over the page, searchable, and gives the focus back to the button on close', async () => {
    server.use(jobsHandler([job(3, 'deploy')]), logHandler(3, `${TS}starting\n${TS}${LONG}\n${TS}finished\n`));
    renderWithClient(<RunLogs owner="octo-org" repo="web-app" runId={42} height={300} />);
    const user = userEvent.setup();

    const opener = await screen.findByRole('button', { name: 'Full width' });
    await user.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Log of deploy, full width' });
    // Outside the execution details pane: a child of <body>, not of the section.
    expect(dialog.parentElement).toBe(document.body);
    const log = await within(dialog).findByLabelText('Log of deploy');
    expect(log).toHaveTextContent(LONG);

    await user.type(within(dialog).getByRole('searchbox', { name: 'Search log' }), 'apply');
    expect(await within(dialog).findByText('1 of 1')).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Close full width' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(opener).toHaveFocus();
    expect(document.body.style.overflow).toBe('');
  });

  it('closes on Escape once the log’s own search is empty', async () => {
    const { user, dialog } = await openDeployLog();
    const search = within(dialog).getByRole('searchbox', { name: 'Search log' });
    await user.type(search, 'apply');
    // The first Escape clears the search, the second closes the view.
    await user.keyboard('{Escape}');
    expect(search).toHaveValue('');
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('closes on Escape in the log once no line is selected', async () => {
    const { user, log } = await openDeployLog();
    await user.click(within(log).getByRole('button', { name: 'Line 1' }));
    expect(log).toHaveFocus();
    // The first Escape clears the selection, the second closes the view.
    await user.keyboard('{Escape}');
    expect(log.querySelector('.ghlv-selected')).toBeNull();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('keeps Tab and Shift+Tab inside the view, away from the page under it', async () => {
    const { user, dialog, log } = await openDeployLog();
    const close = within(dialog).getByRole('button', { name: 'Close full width' });
    expect(close).toHaveFocus();
    // Back from the first control to the last, the log; on from the last to the first.
    await user.tab({ shift: true });
    expect(log).toHaveFocus();
    await user.tab();
    expect(close).toHaveFocus();
  });

  it('keeps following a running job’s log while open', async () => {
    const lines = [`${TS}deploying\n`];
    server.use(
      jobsHandler([job(5, 'deploy', { status: 'in_progress', conclusion: null, completedAt: null })]),
      logHandler(5, () => lines.join(''), false),
    );
    renderWithClient(
      <RunLogs owner="octo-org" repo="web-app" runId={42} poll={{ jobsMs: 50, logMinMs: 20, logMaxMs: 80 }} />,
    );
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Full width' }));
    const dialog = screen.getByRole('dialog');
    const log = await within(dialog).findByLabelText('Log of deploy');
    expect(log).toHaveTextContent('deploying');
    lines.push(`${TS}rollout complete\n`);
    await waitFor(() => expect(log).toHaveTextContent('rollout complete'));
  });
});
