import React from 'react';

import { listGateExecutions, sendWorkflowRunWebhook } from './sandboxApi';
import { usePoll } from './usePoll';

/** Fires GitHub's workflow_run webhook at the backend and lists the pipelines the Gate emulator was asked to start. */
export function GatePanel() {
  const { data: executions = [] } = usePoll(listGateExecutions, 1_000);
  const [sent, setSent] = React.useState<string>();
  const send = () =>
    sendWorkflowRunWebhook().then(
      (answer) => setSent(`The backend answered ${answer.status}: ${JSON.stringify(answer.body)}`),
      (error: unknown) => setSent(String(error)),
    );
  return (
    <div>
      <p>
        Pipeline <strong>Deploy after CI</strong> has a <em>GitHub workflow finished</em> trigger for{' '}
        <code>octo-org/hello-world</code>, workflow <code>ci.yml</code>, branch <code>main</code>, conclusion{' '}
        <code>success</code>.
      </p>
      <button type="button" className="btn btn-default" onClick={send}>
        Send a workflow_run webhook (CI succeeded on main)
      </button>
      {sent && (
        <p className="small" data-testid="webhook-answer">
          {sent}
        </p>
      )}
      <h5>Pipelines started through Gate</h5>
      {executions.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <table className="table table-condensed" data-testid="gate-executions">
          <thead>
            <tr>
              <th>Pipeline</th>
              <th>Trigger</th>
              <th>Run</th>
              <th>Started</th>
            </tr>
          </thead>
          <tbody>
            {executions.map((execution) => (
              <tr key={execution.id}>
                <td>{execution.name}</td>
                <td>{String(execution.trigger.type)}</td>
                {/* The backend's trigger names the run workflowRunId (backend/src/triggers/triggerFacts.ts). */}
                <td>{String(execution.trigger.workflowRunId ?? execution.trigger.deploymentId ?? '')}</td>
                <td>{new Date(execution.startTime).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
