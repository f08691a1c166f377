import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';

import { bootstrapAngular } from '../angular';
import { API, errorResponse } from '../msw/handlers';
import { requests, server, useMswServer } from '../msw/server';
import { renderStageEditor } from '../render';

useMswServer();
beforeAll(() => bootstrapAngular());

type User = ReturnType<typeof userEvent.setup>;

/** The form item (label, input and messages) of the field with this label. */
async function field(label: string): Promise<HTMLElement> {
  const label_ = await screen.findByText(label, { selector: '.sp-formLabel, .sp-formLabel *' });
  return label_.closest('.sp-formItem') as HTMLElement;
}

async function choose(user: User, label: string, option: string): Promise<void> {
  await user.click(await screen.findByLabelText(label));
  await user.click(await screen.findByText(option, { selector: '.Select-option' }));
}

const deployStage = { repository: 'octo-org/app', workflow: 'deploy.yml' };

describe('<GithubWorkflowStageEditor />', () => {
  it('offers the repositories the App can see, then the workflows and branches of the chosen one', async () => {
    const user = userEvent.setup();
    const { saved } = renderStageEditor();

    await choose(user, 'Repository', 'octo-org/app');
    // A placeholder that reads as an instruction, not as a value already chosen.
    expect(await screen.findByText('Choose a workflow, or type its file name')).toHaveClass('Select-placeholder');
    await choose(user, 'Workflow', 'Deploy (deploy.yml)');
    expect(await screen.findByText('Default branch (main)')).toBeInTheDocument();
    await choose(user, 'Ref', 'release/1.x');

    await screen.findByText('Inputs of .github/workflows/deploy.yml at release/1.x');
    expect(saved()).toMatchObject({
      repository: 'octo-org/app',
      dispatchType: 'workflow_dispatch',
      workflow: 'deploy.yml',
      ref: 'release/1.x',
      waitForCompletion: true,
    });
  });

  it('takes a repository that is not in the list when typed', async () => {
    const user = userEvent.setup();
    const { saved } = renderStageEditor();

    await user.type(await screen.findByLabelText('Repository'), 'octo-org/website');
    await user.click(await screen.findByText('Use "octo-org/website"'));

    await waitFor(() => expect(saved().repository).toBe('octo-org/website'));
  });

  it("builds the inputs form from the workflow's declared inputs, with the defaults filled in", async () => {
    const { saved } = renderStageEditor(deployStage);

    await screen.findByText('Inputs of .github/workflows/deploy.yml at main');
    const environment = await field('environment');
    expect(within(environment).getByTitle('Required')).toBeInTheDocument();
    expect(within(environment).getByText('staging')).toBeInTheDocument();
    expect(within(await field('dry-run')).getByRole('checkbox')).not.toBeChecked();
    expect(within(await field('replicas')).getByRole('textbox')).toHaveValue('2');
    const version = await field('version');
    expect(within(version).getByTitle('Required')).toBeInTheDocument();
    expect(within(version).getByText('Input version is required.')).toBeInTheDocument();

    await waitFor(() => expect(saved().inputs).toEqual({ environment: 'staging', 'dry-run': false, replicas: '2' }));
  });

  it('refuses a number input GitHub would refuse and saves what was typed as text', async () => {
    const user = userEvent.setup();
    const { saved } = renderStageEditor(deployStage);
    const replicas = within(await field('replicas')).getByRole('textbox');
    expect(within(await field('replicas')).getByText(/GitHub passes it as text/)).toHaveTextContent(
      'the workflow reads it as a number in inputs.replicas and as a string in github.event.inputs.replicas',
    );

    await user.clear(replicas);
    await user.type(replicas, 'abc');
    expect(
      await within(await field('replicas')).findByText(/Input replicas must be a number, e.g. 3 or 2.5/),
    ).toBeInTheDocument();

    await user.clear(replicas);
    await user.type(replicas, '3');
    await waitFor(() => expect(saved().inputs?.replicas).toBe('3'));
    expect(within(await field('replicas')).queryByText(/must be a number/)).not.toBeInTheDocument();
  });

  it('picks a choice input with the first click, after another field lost focus', async () => {
    const user = userEvent.setup();
    const { saved } = renderStageEditor(deployStage);
    const version = within(await field('version')).getByRole('textbox');
    await user.type(version, '1.4.2');

    await user.click(within(await field('environment')).getByLabelText('environment'));
    await user.click(await screen.findByText('production', { selector: '.Select-option' }));

    await waitFor(() => expect(saved().inputs).toMatchObject({ environment: 'production', version: '1.4.2' }));
  });

  it('flags a choice written in the pipeline JSON that the workflow does not offer', async () => {
    renderStageEditor({ ...deployStage, inputs: { environment: 'qa', version: '1' } });

    expect(
      await within(await field('environment')).findByText(
        'Input environment must be one of staging, production: GitHub refuses any other value.',
      ),
    ).toBeInTheDocument();
  });

  it('says under Ref, before save, that GitHub will not dispatch to a commit sha typed there', async () => {
    const user = userEvent.setup();
    renderStageEditor(deployStage);

    await user.type(await screen.findByLabelText('Ref'), '3f786850e387550fdab836ed7e6dc881de23001b');
    await user.click(await screen.findByText('Use "3f786850e387550fdab836ed7e6dc881de23001b"'));

    expect(
      await within(await field('Ref')).findByText(
        /^Ref is a commit sha\. GitHub dispatches a workflow only to a branch or tag\. Give the branch or tag, and pass the commit as a workflow input/,
      ),
    ).toBeInTheDocument();
  });

  it('leaves the correlation input to the stage', async () => {
    renderStageEditor(deployStage);

    const note = (await screen.findByText('spinnaker_correlation_id', { selector: 'code' })).parentElement;
    expect(note).toHaveTextContent('The stage sets spinnaker_correlation_id itself, to find the run it starts.');
    expect(screen.queryByText('spinnaker_correlation_id', { selector: '.sp-formLabel *' })).not.toBeInTheDocument();
  });

  it('shows the description of an input as its help', async () => {
    const user = userEvent.setup();
    renderStageEditor(deployStage);

    const version = await field('version');
    await user.hover(version.querySelector('.help-field')!);

    expect(await screen.findByText('The image tag to deploy')).toBeInTheDocument();
  });

  it('follows the inputs the workflow declares at the chosen ref and flags the ones it no longer declares', async () => {
    const user = userEvent.setup();
    const { saved } = renderStageEditor({ ...deployStage, inputs: { environment: 'staging', version: 'v1.4.2' } });
    await screen.findByText('Inputs of .github/workflows/deploy.yml at main');

    await choose(user, 'Ref', 'release/1.x');

    await screen.findByText('Inputs of .github/workflows/deploy.yml at release/1.x');
    expect(within(await field('legacy-mode')).getByRole('checkbox')).toBeChecked();
    expect(screen.queryByText('version', { selector: '.sp-formLabel *' })).not.toBeInTheDocument();
    const stale = screen.getByRole('alert');
    expect(stale).toHaveTextContent('.github/workflows/deploy.yml at release/1.x does not declare these inputs');
    expect(stale).toHaveTextContent('version = "v1.4.2"');
    expect(saved().inputs).toMatchObject({ version: 'v1.4.2', 'dry-run': false, replicas: '2' });

    await user.click(within(stale).getByRole('button', { name: 'Remove version' }));

    await waitFor(() => expect(saved().inputs).not.toHaveProperty('version'));
    expect(saved().inputs).toMatchObject({ environment: 'staging', 'legacy-mode': true });
  });

  it('shows the backend error under the Repository field when the App is not installed', async () => {
    renderStageEditor({ repository: 'octo-org/x', workflow: 'deploy.yml' });

    const repository = await field('Repository');
    expect(
      await within(repository).findByText(/The GitHub App is not installed on octo-org\/x, or that repository/),
    ).toBeInTheDocument();
    expect(within(await field('Workflow')).queryByText(/not installed/)).not.toBeInTheDocument();
  });

  it('says once, under the Repository field, that Fiat does not let the user read the repository', async () => {
    const denied =
      'alice@example.com may not read octo-org/app: no Spinnaker application the access policy maps to it grants them READ in Fiat.';
    server.use(
      http.get(`${API}/repos/:owner/:repo/*`, ({ request }) => errorResponse(403, 'NotAllowedError', denied, request)),
    );
    renderStageEditor({ repository: 'octo-org/app', workflow: 'deploy.yml' });

    expect(await within(await field('Repository')).findByText(denied)).toBeInTheDocument();
    expect(within(await field('Workflow')).queryByText(/may not read/)).not.toBeInTheDocument();
  });

  it('shows a failure to load the workflows under the Workflow field', async () => {
    server.use(
      http.get(`${API}/repos/:owner/:repo/workflows`, ({ request }) =>
        errorResponse(502, 'UpstreamError', 'GitHub refused the installation token: check GITHUB_APP_ID.', request),
      ),
    );
    renderStageEditor({ repository: 'octo-org/app' });

    const workflow = await field('Workflow');
    expect(
      await within(workflow).findByText(
        'Failed to load the workflows of octo-org/app: GitHub refused the installation token: check GITHUB_APP_ID.',
      ),
    ).toBeInTheDocument();
  });

  it('says under the Workflow field when the workflow cannot be dispatched', async () => {
    renderStageEditor({ repository: 'octo-org/app', workflow: 'ci.yml' });

    const workflow = await field('Workflow');
    expect(
      await within(workflow).findByText(
        '.github/workflows/ci.yml has no workflow_dispatch trigger at main, so it cannot be dispatched.',
      ),
    ).toBeInTheDocument();
  });

  it('accepts SpEL values without looking them up', async () => {
    const { saved } = renderStageEditor({
      repository: '${trigger.parameters.repository}',
      workflow: 'deploy.yml',
      ref: '${trigger.branch}',
    });

    expect(await screen.findByText(/Inputs are not looked up while/)).toBeInTheDocument();
    await screen.findByText('${trigger.parameters.repository}');
    expect(requests).toEqual(['/proxies/github/repos']);
    expect(saved()).toMatchObject({ repository: '${trigger.parameters.repository}', ref: '${trigger.branch}' });
    expect(screen.queryByText(/must be written owner\/repo/)).not.toBeInTheDocument();
  });

  it('looks up the workflows of a repository but not the inputs at a SpEL ref', async () => {
    renderStageEditor({ ...deployStage, ref: '${trigger.branch}' });

    expect(await screen.findByText(/Inputs are not looked up while/)).toBeInTheDocument();
    await waitFor(() => expect(requests).toContain('/proxies/github/repos/octo-org/app/workflows'));
    expect(requests.filter((path) => path.includes('/inputs'))).toEqual([]);
  });

  describe('repository_dispatch', () => {
    it('shows JSON errors of the client payload inline and saves the parsed object', async () => {
      const user = userEvent.setup();
      const { saved } = renderStageEditor(deployStage);

      await user.click(await screen.findByLabelText('Send an event (repository_dispatch)'));
      await user.type(await screen.findByLabelText('Event type'), 'deploy');
      const payload = screen.getByLabelText('Client payload');
      await user.click(payload);
      await user.paste('{"environment": "production",}');

      const payloadField = await field('Client payload');
      expect(await within(payloadField).findByText(/^Client payload is not valid JSON: /)).toBeInTheDocument();

      await user.clear(payload);
      await user.paste('{"environment": "production", "sha": "${trigger.hash}"}');

      await waitFor(() => expect(within(payloadField).queryByText(/not valid JSON/)).not.toBeInTheDocument());
      expect(saved()).toMatchObject({
        dispatchType: 'repository_dispatch',
        eventType: 'deploy',
        clientPayload: { environment: 'production', sha: '${trigger.hash}' },
      });
      expect(saved()).not.toHaveProperty('workflow');
    });

    it('says a JSON array is not a client payload', async () => {
      renderStageEditor({ repository: 'octo-org/app', dispatchType: 'repository_dispatch', clientPayload: '[1, 2]' });

      const payloadField = await field('Client payload');
      expect(await within(payloadField).findByText('Client payload must be a JSON object.')).toBeInTheDocument();
    });

    it('restores the workflow fields when switching back', async () => {
      const user = userEvent.setup();
      const { saved } = renderStageEditor({ ...deployStage, ref: 'main' });

      await user.click(await screen.findByLabelText('Send an event (repository_dispatch)'));
      await waitFor(() => expect(saved()).not.toHaveProperty('workflow'));
      await user.click(screen.getByLabelText('Run a workflow (workflow_dispatch)'));

      await waitFor(() => expect(saved()).toMatchObject({ workflow: 'deploy.yml', ref: 'main' }));
    });
  });

  it('waits for completion unless told otherwise', async () => {
    const user = userEvent.setup();
    const { saved } = renderStageEditor(deployStage);

    const wait = within(await field('Wait for completion')).getByRole('checkbox');
    expect(wait).toBeChecked();
    await user.click(wait);

    await waitFor(() => expect(saved().waitForCompletion).toBe(false));
  });

  it("saves checkRun when asked to report the pipeline as a check run on the run's commit", async () => {
    const user = userEvent.setup();
    const { saved } = renderStageEditor(deployStage);

    const box = within(await field('Check run')).getByRole('checkbox');
    expect(box).not.toBeChecked();
    await user.click(box);

    await waitFor(() => expect(saved().checkRun).toBe(true));
  });
});
