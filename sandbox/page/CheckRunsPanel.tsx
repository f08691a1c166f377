import React from 'react';

import { listCheckRuns } from './sandboxApi';
import { usePoll } from './usePoll';

/** The check runs the backend wrote on octo-org/hello-world's commits, read from the GitHub emulator. */
export function CheckRunsPanel() {
  const { data: checkRuns = [] } = usePoll(listCheckRuns, 1_000);
  return (
    <div>
      <p>
        Both pipelines above ask for a check run (<code>&quot;checkRun&quot;: true</code> on their triggers): send a{' '}
        <em>workflow_run</em> webhook or create a deployment, and the backend shows the pipeline on the commit, in
        progress, then with its result once the Gate emulator ends it (docs/check-runs.md).
      </p>
      <table className="table table-condensed" data-testid="check-runs">
        <thead>
          <tr>
            <th>Check run</th>
            <th>Commit</th>
            <th>Status</th>
            <th>Title</th>
            <th>Summary (Markdown, as GitHub receives it)</th>
          </tr>
        </thead>
        <tbody>
          {checkRuns.length === 0 && (
            <tr>
              <td colSpan={5}>none yet</td>
            </tr>
          )}
          {checkRuns.map((run) => (
            <tr key={run.id}>
              <td>{run.detailsUrl ? <a href={run.detailsUrl}>{run.name}</a> : run.name}</td>
              <td>
                <code>{run.headSha.slice(0, 7)}</code>
              </td>
              <td>
                <strong>{run.conclusion ?? run.status}</strong>
              </td>
              <td>{run.title}</td>
              <td>
                <pre className="small">{run.summary}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
