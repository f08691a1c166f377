import { render, screen, within } from '@testing-library/react';
import React from 'react';

import { ArtifactsView } from '../../src/stages/githubWorkflow/ArtifactsView';
import { polledContext } from './contexts';

// The last poll's answer as the backend gives it once the run has completed (backend/test/stageResults.test.ts).
const completed = {
  ...polledContext,
  webhook: {
    ...polledContext.webhook,
    monitor: {
      body: {
        ...polledContext.webhook.monitor.body,
        status: 'SUCCEEDED',
        artifacts: [
          {
            id: 90001,
            name: 'results',
            sizeInBytes: 2048,
            expired: false,
            expiresAt: '2027-03-05T18:00:00Z',
            htmlUrl: 'https://github.com/octo-org/app/actions/runs/30433642/artifacts/90001',
          },
          { id: 90002, name: 'old-logs', sizeInBytes: 10, expired: true, expiresAt: null, htmlUrl: 'https://x' },
        ],
        outputs: { version: '1.4.2', image: { tag: 'sha-abc' } },
      },
    },
  },
};

describe('<ArtifactsView />', () => {
  it("lists the run's artifacts with a download link, size and expiry, and the outputs of the results file", () => {
    render(<ArtifactsView stage={{ context: completed }} />);

    const [results, logs] = within(screen.getByRole('table')).getAllByRole('row').slice(1);
    expect(within(results).getByRole('link', { name: 'results' })).toHaveAttribute(
      'href',
      'https://github.com/octo-org/app/actions/runs/30433642/artifacts/90001',
    );
    expect(results).toHaveTextContent('2.0 KiB');
    expect(results).toHaveTextContent('2027-03-05T18:00:00Z');
    expect(within(logs).queryByRole('link')).toBeNull();
    expect(logs).toHaveTextContent('expired');
    expect(screen.getByText('version').nextSibling).toHaveTextContent('1.4.2');
    expect(screen.getByText('image').nextSibling).toHaveTextContent('{"tag":"sha-abc"}');
  });

  it('shows nothing while the run has not completed', () => {
    const { container } = render(<ArtifactsView stage={{ context: polledContext }} />);
    expect(container).toBeEmptyDOMElement();
  });
});
