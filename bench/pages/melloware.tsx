import { LazyLog } from '@melloware/react-logviewer';
import React from 'react';
import { createRoot } from 'react-dom/client';

import { installHarness } from './harness';

installHarness({
  mount(text, root) {
    createRoot(root).render(
      <div style={{ height: '90vh' }}>
        <LazyLog text={text} enableSearch enableSearchNavigation caseInsensitive extraLines={1} />
      </div>,
    );
  },
  searchBox: (root) => root.querySelector('.react-lazylog-searchbar-input'),
  matchCount(root) {
    const shown = /(\d+) matches/.exec(root.querySelector('.react-lazylog-searchbar-matches')?.textContent ?? '');
    return shown ? Number(shown[1]) : null;
  },
});
