import { notifyManager, QueryClient } from '@tanstack/react-query';
import { unstable_batchedUpdates } from 'react-dom';

// react-query 4 does this in build/lib/setBatchUpdatesFn.mjs, but its package.json "sideEffects" lists only
// ./src/setBatchUpdatesFn.ts, so bundlers drop that module (https://github.com/TanStack/query/issues/2675).
// React 16 batches state updates only inside its own event handlers.
notifyManager.setBatchNotifyFunction(unstable_batchedUpdates);

/** The plugin's one QueryClient, shared by every component Deck mounts. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 5_000 },
  },
});
