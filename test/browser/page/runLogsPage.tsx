import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import React from 'react';
import ReactDOM from 'react-dom';

import { RunLogs } from '../../../src/logs/RunLogs';

const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });

ReactDOM.render(
  <QueryClientProvider client={client}>
    <RunLogs owner="octo-org" repo="web-app" runId={42} height="80vh" />
  </QueryClientProvider>,
  document.getElementById('root'),
);
