import type { IExecutionTriggerStatusComponentProps, ITrigger } from '@spinnaker/core';
import { Registry } from '@spinnaker/core';
import { render, screen, within } from '@testing-library/react';
import { createRequire } from 'node:module';
import React from 'react';

import type { PipelineConfig } from '../../backend/src/triggers/matching';
import { eventOf } from '../../backend/src/triggers/matching';
import { triggerFor } from '../../backend/src/triggers/triggerFacts';
import { registerTriggers } from '../../src/triggers/registerTriggers';

// The backend's dev dependency, hoisted to the root: GitHub's recorded webhook payloads.
interface Example {
  name: string;
  examples: Array<Record<string, unknown>>;
}
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as Example[];
const example = (event: string, index: number) => {
  const found = examples.find((candidate) => candidate.name === event)?.examples[index];
  if (!found) throw new Error(`no ${event} example ${index} in @octokit/webhooks-examples`);
  return structuredClone(found);
};

const pipeline: PipelineConfig = { id: '6f1c2a0e', name: 'Deploy to staging', application: 'checkout' };
const DELIVERY = '72d3162e-cc78-11e3-81ab-4c9367dc0958';

/** The trigger the backend sends Gate for a delivery of this recorded payload (backend/src/triggers/triggerFacts.ts). */
function startedBy(name: string, payload: Record<string, unknown>, configured: Record<string, unknown>): ITrigger {
  const event = eventOf(name, payload);
  if (!event) throw new Error(`${name} starts nothing`);
  return triggerFor({ pipeline, trigger: configured }, event, DELIVERY, payload) as unknown as ITrigger;
}

/** What Deck's ExecutionStatus (core pipeline/status/ExecutionStatus.tsx, not exported) renders for a trigger. */
function renderExecutionStatus(trigger: ITrigger) {
  const config = Registry.pipeline.getTriggerConfig(trigger.type);
  const Status = config.executionStatusComponent!;
  const authentication: IExecutionTriggerStatusComponentProps['authentication'] = { user: 'spinnaker-github' };
  return render(
    <div className="execution-status-section">
      <h5 className="execution-type">{config.executionTriggerLabel!(trigger)}</h5>
      <ul className="trigger-details">
        <Status trigger={trigger} authentication={authentication} />
      </ul>
    </div>,
  );
}

const link = (name: string) => screen.getByRole('link', { name });

beforeAll(() => registerTriggers(Registry.pipeline));

describe('execution trigger display', () => {
  it('shows a workflow run as "GitHub workflow test #163 on master (3484a3f)" with links to GitHub', () => {
    // octo-org/octo-repo: test.yml completed successfully on master.
    const trigger = startedBy('workflow_run', example('workflow_run', 1), {
      type: 'githubWorkflowRun',
      enabled: true,
      repository: 'octo-org/octo-repo',
      workflow: 'test.yml',
    });

    const { container } = renderExecutionStatus(trigger);

    expect(screen.getByRole('heading')).toHaveTextContent('GitHub workflow');
    const [run, repository] = within(container).getAllByRole('listitem');
    expect(run).toHaveTextContent(/^test #163 on master \(3484a3f\)$/);
    expect(`${screen.getByRole('heading').textContent} ${run.textContent}`).toBe(
      'GitHub workflow test #163 on master (3484a3f)',
    );
    expect(link('test #163')).toHaveAttribute('href', 'https://github.com/octo-org/octo-repo/actions/runs/289782451');
    expect(link('master')).toHaveAttribute('href', 'https://github.com/octo-org/octo-repo/tree/master');
    expect(link('3484a3f')).toHaveAttribute(
      'href',
      'https://github.com/octo-org/octo-repo/commit/3484a3fb816e0859fd6e1cea078d76385ff50625',
    );
    expect(repository).toHaveTextContent('octo-org/octo-repo');
    expect(link('octo-org/octo-repo')).toHaveAttribute('href', 'https://github.com/octo-org/octo-repo');
  });

  it('shows a deployment as "GitHub deployment to production (f95f852)" with links to GitHub', () => {
    const trigger = startedBy('deployment', example('deployment', 0), {
      type: 'githubDeployment',
      enabled: true,
      repository: 'Codertocat/Hello-World',
    });

    const { container } = renderExecutionStatus(trigger);

    const [deployment, repository] = within(container).getAllByRole('listitem');
    expect(`${screen.getByRole('heading').textContent} ${deployment.textContent}`).toBe(
      'GitHub deployment to production (f95f852)',
    );
    expect(link('production')).toHaveAttribute('href', 'https://github.com/Codertocat/Hello-World/deployments');
    expect(link('f95f852')).toHaveAttribute(
      'href',
      'https://github.com/Codertocat/Hello-World/commit/f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
    );
    expect(repository).toHaveTextContent('Codertocat/Hello-World');
  });

  it("links to the repository's own host on GitHub Enterprise Server", () => {
    const payload = example('workflow_run', 1);
    const ghes = 'https://github.example.com/octo-org/octo-repo';
    Object.assign(payload.repository as object, { html_url: ghes });
    Object.assign(payload.workflow_run as object, { html_url: `${ghes}/actions/runs/289782451` });

    renderExecutionStatus(startedBy('workflow_run', payload, { type: 'githubWorkflowRun', enabled: true }));

    expect(link('test #163')).toHaveAttribute('href', `${ghes}/actions/runs/289782451`);
    expect(link('master')).toHaveAttribute('href', `${ghes}/tree/master`);
    expect(link('octo-org/octo-repo')).toHaveAttribute('href', ghes);
  });

  it('still links from the trigger alone when the execution carries no payload', () => {
    const { payload: _payload, ...trigger } = startedBy('workflow_run', example('workflow_run', 1), {
      type: 'githubWorkflowRun',
      enabled: true,
    }) as ITrigger & { payload?: unknown };

    renderExecutionStatus(trigger as ITrigger);

    expect(link('master')).toHaveAttribute('href', 'https://github.com/octo-org/octo-repo/tree/master');
    expect(link('3484a3f')).toHaveAttribute(
      'href',
      'https://github.com/octo-org/octo-repo/commit/3484a3fb816e0859fd6e1cea078d76385ff50625',
    );
  });
});
