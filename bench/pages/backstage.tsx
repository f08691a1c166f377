// Backstage's LogViewer is a lazy wrapper that needs a whole Backstage app for its loading spinner; the viewer itself
// is RealLogViewer, which needs only the two APIs, the router and the theme given here.
import { errorApiRef } from '@backstage/core-plugin-api';
import { translationApiRef } from '@backstage/core-plugin-api/alpha';
import { lightTheme } from '@backstage/theme';
import { createVersionedContext, createVersionedValueMap } from '@backstage/version-bridge';
import { ThemeProvider } from '@material-ui/core/styles';
import React from 'react';
import { createRoot } from 'react-dom/client';
import { MemoryRouter } from 'react-router-dom';

// @ts-expect-error: not exported by the package, bundled by path (bench/runBench.ts).
import { RealLogViewer } from 'backstage-real-log-viewer';
import { installHarness } from './harness';

const ApiContext = createVersionedContext<{ 1: { get(ref: { id: string }): unknown } }>('api-context');
const apis: Record<string, unknown> = {
  [errorApiRef.id]: { post: () => {}, error$: () => ({ subscribe: () => ({ unsubscribe: () => {} }) }) },
  [translationApiRef.id]: {
    getTranslation: () => ({ ready: true, t: (key: string) => key }),
    translation$: () => ({ subscribe: () => ({ unsubscribe: () => {} }) }),
  },
};
const holder = createVersionedValueMap({ 1: { get: (ref: { id: string }) => apis[ref.id] } });

installHarness({
  mount(text, root) {
    createRoot(root).render(
      <ApiContext.Provider value={holder}>
        <ThemeProvider theme={lightTheme}>
          <MemoryRouter>
            <div style={{ height: '90vh' }}>
              <RealLogViewer text={text} />
            </div>
          </MemoryRouter>
        </ThemeProvider>
      </ApiContext.Provider>,
    );
  },
  searchBox: (root) => root.querySelector('input'),
  matchCount(root) {
    for (const element of root.querySelectorAll('p, span')) {
      const shown = /^\d+\/(\d+)$/.exec(element.textContent ?? '');
      if (shown) return Number(shown[1]);
    }
    return null;
  },
});
