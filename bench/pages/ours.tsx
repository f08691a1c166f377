import React from 'react';
import ReactDOM from 'react-dom';

import { LogViewer } from '../../src/logs/LogViewer';
import { parseLog } from '../../src/logs/parse';
import { installHarness } from './harness';

installHarness({
  mount(text, root) {
    const model = parseLog(text);
    ReactDOM.render(<LogViewer model={model} lineCount={model.lineCount} height="90vh" />, root);
  },
  searchBox: (root) => root.querySelector('input[aria-label="Search log"]'),
  submitSearch(input) {
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  },
  matchCount(root) {
    const shown = /(\d+) of (\d+)/.exec(root.querySelector('.ghlv-count')?.textContent ?? '');
    return shown ? Number(shown[2]) : null;
  },
});
