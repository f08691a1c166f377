import { notifyManager, QueryClient } from '@tanstack/react-query';
import { unstable_batchedUpdates } from 'react-dom';

import { ResponseError } from './api/ResponseError';

// react-query 4 does this in build/lib/setBatchUpdatesFn.mjs, but its package.json "sideEffects" lists only
// ./src/setBatchUpdatesFn.ts, so bundlers drop that module (https://github.com/TanStack/query/issues/2675).
// React 16 batches state updates only inside its own event handlers.
notifyManager.setBatchNotifyFunction(unstable_batchedUpdates);

/** Once, and only for failures that may pass: no response, 5xx. A 404 or 422 will not change by asking again. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = error instanceof ResponseError ? error.status : 0;
  return failureCount < 1 && (status === 0 || status >= 500);
}

/** The plugin's one QueryClient, shared by every component Deck mounts. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 5_000 },
  },
});
