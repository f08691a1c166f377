import React from 'react';

import { listDeployments, sendDeploymentWebhook } from './sandboxApi';
import { usePoll } from './usePoll';

/** Creates a GitHub deployment (and its webhook) and shows the statuses the backend writes back on GitHub. */
export function DeploymentsPanel() {
  const { data: deployments = [] } = usePoll(listDeployments, 1_000);
  const [sent, setSent] = React.useState<string>();
  const create = () =>
    sendDeploymentWebhook().then(
      (answer) => setSent(`The backend answered ${answer.status}: ${JSON.stringify(answer.body)}`),
      (error: unknown) => setSent(String(error)),
    );
  return (
    <div>
      <p>
        Pipeline <strong>Deploy a GitHub deployment</strong> has a <em>GitHub deployment created</em> trigger for{' '}
        <code>octo-org/hello-world</code>, environment <code>production</code>. The Gate emulator ends each pipeline it
        started with success after 8 seconds and tells the backend as Echo would.
      </p>
      <button type="button" className="btn btn-default" onClick={create}>
        Create a GitHub deployment (production, main)
      </button>
      {sent && (
        <p className="small" data-testid="deployment-answer">
          {sent}
        </p>
      )}
      <h5>Deployments of octo-org/hello-world on GitHub</h5>
      <table className="table table-condensed" data-testid="deployments">
        <thead>
          <tr>
            <th>Deployment</th>
            <th>Environment</th>
            <th>Ref</th>
            <th>Statuses written by the backend (newest first)</th>
          </tr>
        </thead>
        <tbody>
          {deployments.map((deployment) => (
            <tr key={deployment.id}>
              <td>{deployment.id}</td>
              <td>{deployment.environment}</td>
              <td>{deployment.ref}</td>
              <td>
                {deployment.statuses.length === 0
                  ? 'none'
                  : deployment.statuses.map((status, i) => (
                      <div key={i}>
                        <strong>{status.state}</strong>: {status.description}
                        {status.logUrl && (
                          <>
                            {' '}
                            <a href={status.logUrl}>execution</a>
                          </>
                        )}
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
