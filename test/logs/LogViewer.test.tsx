import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { formatTimestamp } from '../../src/logs/format';
import { LogViewer } from '../../src/logs/LogViewer';
import { parseLog } from '../../src/logs/parse';
import { SEARCH_DELAY_MS } from '../../src/logs/useLogSearch';
import { readLogFixture } from './fixtures';

function renderLog(text: string, height = 400) {
  const model = parseLog(text);
  render(<LogViewer model={model} lineCount={model.lineCount} label="Job log" height={height} />);
  return screen.getByLabelText('Job log');
}

const row = (region: HTMLElement, line: number) => region.querySelector<HTMLElement>(`[data-line="${line}"]`);
const fixture = readLogFixture('failed-job.log');
const TS = '2024-03-14T09:00:10.0000000Z ';

describe('<LogViewer />', () => {
  it('folds groups by default and opens one when its header is clicked', async () => {
    const region = renderLog(fixture);
    const checkout = screen.getByRole('button', { name: 'Expand Run actions/checkout@v4' });
    expect(checkout).toHaveAttribute('aria-expanded', 'false');
    expect(region).not.toHaveTextContent('ssh-strict: true');

    await userEvent.click(checkout);
    expect(screen.getByRole('button', { name: 'Collapse Run actions/checkout@v4' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    expect(region).toHaveTextContent('ssh-strict: true');

    await userEvent.click(screen.getByRole('button', { name: 'Collapse Run actions/checkout@v4' }));
    expect(region).not.toHaveTextContent('ssh-strict: true');
  });

  it('hides ##[endgroup] lines and shows annotations as GitHub does', () => {
    // Tall enough for every row of the folded log.
    const region = renderLog(fixture, 1000);
    expect(region).not.toHaveTextContent('##[');
    expect(region).toHaveTextContent('Warning: The `set-output` command is deprecated');
    expect(row(region, 63)).toHaveClass('ghlv-k-warning');
  });

  it('counts matches, opens the folded group holding the current one and moves between them', async () => {
    const region = renderLog(fixture);
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search log' }), 'cache');

    expect(await screen.findByText('1 of 4')).toBeInTheDocument();
    // "cache: npm" sits in the folded setup-node group, which opens for it; "hostedtoolcache" and "Cache" match too.
    expect(region).toHaveTextContent('cache: npm');
    expect(region.querySelector('mark.ghlv-current')).toHaveTextContent('cache');

    await userEvent.click(screen.getByRole('button', { name: 'Next match' }));
    expect(screen.getByText('2 of 4')).toBeInTheDocument();
    expect(region.querySelector('mark.ghlv-current')?.closest('[data-line]')).toHaveTextContent(
      'Found in cache @ /opt/hostedtoolcache/node/20.11.1/x64',
    );

    await userEvent.type(screen.getByRole('searchbox', { name: 'Search log' }), '{Shift>}{Enter}{/Shift}');
    expect(screen.getByText('1 of 4')).toBeInTheDocument();
  });

  it('stays on the match Enter went to once the typing pause has passed', async () => {
    // Time moves only when the test says, so the typing pause cannot pass while the test types.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // Matches on lines 491 and 506; the user reads from line 500 down, so Enter goes to line 506 and centres it,
      // which brings line 491 into view above it.
      const lines = Array.from({ length: 1000 }, (_, i) =>
        i === 490 || i === 505 ? `needle ${i + 1}` : `line ${i + 1}`,
      );
      const region = renderLog(lines.join('\n'));
      region.scrollTop = 499 * 20;
      fireEvent.scroll(region);
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      await user.type(screen.getByRole('searchbox', { name: 'Search log' }), 'needle{Enter}');
      expect(screen.getByText('2 of 2')).toBeInTheDocument();

      await act(async () => {
        await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS * 2);
      });
      expect(screen.getByText('2 of 2')).toBeInTheDocument();
      expect(region.querySelector('mark.ghlv-current')?.closest('[data-line]')).toHaveAttribute('data-line', '506');
    } finally {
      vi.useRealTimers();
    }
  });

  it("goes to the new term's first match when Next is pressed before the typing pause has passed", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const lines = Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`);
      [lines[9], lines[599]] = ['alpha 10', 'alpha 600'];
      [lines[4], lines[29]] = ['beta 5', 'beta 30'];
      const region = renderLog(lines.join('\n'));
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      const box = screen.getByRole('searchbox', { name: 'Search log' });
      await user.type(box, 'alpha{Enter}');
      expect(screen.getByText('1 of 2')).toHaveAttribute('aria-busy', 'false');

      // The user types the next term and clicks Next at once: alpha's matches are still marked.
      await user.clear(box);
      await user.type(box, 'beta');
      // A screen reader waits for the count rather than reading "Searching…" at each pause in the typing.
      expect(screen.getByText('Searching…')).toHaveAttribute('aria-busy', 'true');
      await user.click(screen.getByRole('button', { name: 'Next match' }));
      expect(screen.getByText('1 of 2')).toBeInTheDocument();
      expect(region.querySelector('mark.ghlv-current')?.closest('[data-line]')).toHaveAttribute('data-line', '5');
      expect(row(region, 600)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('starts the search of an unscrolled log at its first match, even in the first lines', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => (i === 2 || i === 49 ? `needle ${i + 1}` : `line ${i + 1}`));
    const region = renderLog(lines.join('\n'));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search log' }), 'needle');

    expect(await screen.findByText('1 of 2')).toBeInTheDocument();
    expect(region.querySelector('mark.ghlv-current')?.closest('[data-line]')).toHaveAttribute('data-line', '3');
  });

  it('starts a term typed again at the first match below the view, not at the match it was left on', async () => {
    const needles = [2, 49, 99, 149, 199];
    const lines = Array.from({ length: 1000 }, (_, i) => (needles.includes(i) ? `needle ${i + 1}` : `line ${i + 1}`));
    const region = renderLog(lines.join('\n'));
    const box = screen.getByRole('searchbox', { name: 'Search log' });
    await userEvent.type(box, 'needle');
    expect(await screen.findByText('1 of 5')).toBeInTheDocument();
    await userEvent.type(box, '{Enter}{Enter}{Enter}');
    expect(screen.getByText('4 of 5')).toBeInTheDocument();

    // Back at the top, the user mistypes the term and corrects it.
    region.scrollTop = 0;
    fireEvent.scroll(region);
    await userEvent.type(box, 'x');
    expect(await screen.findByText('No matches')).toBeInTheDocument();
    await userEvent.type(box, '{Backspace}');
    expect(await screen.findByText(/ of 5$/)).toHaveTextContent('1 of 5');
  });

  it('folds the group holding the current match when the user folds it', async () => {
    const region = renderLog(
      [`${TS}##[group]Run npm ci`, `${TS}added 100 packages`, `${TS}##[endgroup]`, `${TS}done`].join('\n'),
    );
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search log' }), 'packages{Enter}');
    expect(await screen.findByText('1 of 1')).toBeInTheDocument();
    expect(region).toHaveTextContent('added 100 packages');

    await userEvent.click(screen.getByRole('button', { name: 'Collapse Run npm ci' }));
    expect(screen.getByRole('button', { name: 'Expand Run npm ci' })).toHaveAttribute('aria-expanded', 'false');
    expect(region).not.toHaveTextContent('added 100 packages');

    // Going to the match again opens the group again; Collapse all folds it too.
    await userEvent.click(screen.getByRole('button', { name: 'Next match' }));
    expect(region).toHaveTextContent('added 100 packages');
    await userEvent.click(screen.getByRole('button', { name: 'Collapse all' }));
    expect(region).not.toHaveTextContent('added 100 packages');
  });

  it('marks as many matches as it counts: in the "Error: " label, and on the last state of a progress line only', async () => {
    const region = renderLog(
      `${TS}building\n${TS}##[error]Process completed with exit code 1.\n${TS}Downloading 10%\rDownloading 100%\n`,
    );
    const box = screen.getByRole('searchbox', { name: 'Search log' });
    const found = async (term: string) => {
      await userEvent.clear(box);
      await userEvent.type(box, `${term}{Enter}`);
      const count = await screen.findByText(/ of |No matches/);
      return { count: count.textContent, marks: [...region.querySelectorAll('mark')].map((mark) => mark.textContent) };
    };
    expect(row(region, 2)).toHaveTextContent('Error: Process completed with exit code 1.');
    expect(await found('error')).toEqual({ count: '1 of 1', marks: ['Error'] });
    expect(await found('error: process')).toEqual({ count: '1 of 1', marks: ['Error: ', 'Process'] });
    expect(row(region, 3)).toHaveTextContent(/^3Downloading 100%$/);
    expect(await found('%D')).toEqual({ count: 'No matches', marks: [] });
    expect(await found('downloading')).toEqual({ count: '1 of 1', marks: ['Downloading'] });
    expect(await found('100%')).toEqual({ count: '1 of 1', marks: ['100%'] });
  });

  it('says when nothing matches', async () => {
    renderLog(fixture);
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search log' }), 'no such text');
    expect(await screen.findByText('No matches')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next match' })).toBeDisabled();
  });

  it('hides timestamps until the user asks for them', async () => {
    const region = renderLog(fixture);
    expect(region).not.toHaveTextContent('2024-03-14T09:00:10.0007919Z');
    await userEvent.click(screen.getByRole('button', { name: 'Timestamps' }));
    expect(screen.getByRole('button', { name: 'Timestamps' })).toHaveAttribute('aria-pressed', 'true');
    // In the viewer's time zone, the full value on hover.
    const time = row(region, 1)?.querySelector('time.ghlv-ts');
    expect(time).toHaveAttribute('title', '2024-03-14T09:00:10.0007919Z');
    expect(time).toHaveTextContent(formatTimestamp('2024-03-14T09:00:10.0007919Z'));
    expect(time).not.toHaveTextContent('T09:00:10.0007919Z');
  });

  it('formats timestamps in the given time zone and leaves an unreadable one as written', () => {
    expect(formatTimestamp('2026-12-05T07:56:55.0000000Z', 'UTC')).toBe('Dec 5, 2026, 07:56:55');
    expect(formatTimestamp('2026-12-05T07:56:55.0000000Z', 'Europe/Paris')).toBe('Dec 5, 2026, 08:56:55');
    expect(formatTimestamp('not a time')).toBe('not a time');
  });

  it('selects a line from its number and moves the selection with the arrow keys', async () => {
    const user = userEvent.setup();
    const region = renderLog(fixture);
    await user.click(screen.getByRole('button', { name: 'Line 20' }));
    expect(row(region, 20)).toHaveClass('ghlv-selected');
    expect(screen.getByRole('button', { name: 'Copy line' })).toBeInTheDocument();
    // The keys go where the click left the focus: the log.
    expect(region).toHaveFocus();

    await user.keyboard('{ArrowDown}');
    expect(row(region, 21)).toHaveClass('ghlv-selected');
    // The focus stays on the log, so a screen reader is told which line is selected.
    expect(document.querySelector('.ghlv-announce')).toHaveTextContent(
      `Line 21: ${row(region, 21)?.textContent?.replace(/^21/, '')}`,
    );
    await user.keyboard('{ArrowUp}{ArrowUp}');
    // Up from line 20 skips the folded permissions group's body and ##[endgroup] to its header, line 16.
    expect(row(region, 16)).toHaveClass('ghlv-selected');
    expect(row(region, 16)).toHaveAttribute('aria-current', 'true');
    await user.keyboard('{Enter}');
    expect(row(region, 16)?.querySelector('.ghlv-caret')).toHaveAttribute('aria-expanded', 'true');
    await user.keyboard('{Escape}');
    expect(region.querySelector('.ghlv-selected')).toBeNull();
    await user.keyboard('/');
    expect(screen.getByRole('searchbox', { name: 'Search log' })).toHaveFocus();
  });

  it('leaves the view where it is when the line selected is in view, and scrolls only as far as needed when not', async () => {
    const user = userEvent.setup();
    const region = renderLog(Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`).join('\n'));
    // Line 100 at the top of the view.
    region.scrollTop = 99 * 20;
    fireEvent.scroll(region);

    await user.click(within(region).getByRole('button', { name: 'Line 105' }));
    await user.keyboard('{ArrowDown}');
    expect(row(region, 106)).toHaveClass('ghlv-selected');
    expect(region.scrollTop).toBe(99 * 20);

    // Up from the top line: the line above comes into view at the top, not in the middle.
    await user.click(within(region).getByRole('button', { name: 'Line 100' }));
    await user.keyboard('{ArrowUp}');
    expect(row(region, 99)).toHaveClass('ghlv-selected');
    expect(region.scrollTop).toBe(98 * 20);
  });

  it('goes to the search box on Ctrl+F in the log, where the browser would find only the rows drawn', async () => {
    const user = userEvent.setup();
    const region = renderLog(Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n'));
    const box = screen.getByRole('searchbox', { name: 'Search log' });
    await user.type(box, 'line 4');
    await user.click(within(region).getByRole('button', { name: 'Line 3' }));
    await user.keyboard('{Control>}f{/Control}');
    expect(box).toHaveFocus();
    // What was typed is selected: typing replaces it.
    await user.keyboard('line 7');
    expect(box).toHaveValue('line 7');
  });

  it('shows a copy message for 2 seconds from the last copy, not from the first', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const user = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
      const region = renderLog(Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n'));
      await user.click(screen.getByRole('button', { name: 'Copy log' }));
      expect(await screen.findByText('Copied the log')).toBeInTheDocument();
      act(() => {
        vi.advanceTimersByTime(1500);
      });
      await user.click(within(region).getByRole('button', { name: 'Line 3' }));
      await user.click(screen.getByRole('button', { name: 'Copy line' }));
      expect(await screen.findByText('Copied line 3')).toBeInTheDocument();
      act(() => {
        vi.advanceTimersByTime(1000);
      });
      expect(screen.getByText('Copied line 3')).toBeInTheDocument();
      act(() => {
        vi.advanceTimersByTime(1000);
      });
      expect(screen.queryByText('Copied line 3')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('is one Tab stop: Tab enters the log and the next Tab leaves it', async () => {
    const user = userEvent.setup();
    const region = renderLog(fixture);
    screen.getByRole('button', { name: 'Download' }).focus();
    await user.tab();
    expect(region).toHaveFocus();
    await user.tab();
    expect(document.body).toHaveFocus();
    await user.tab({ shift: true });
    expect(region).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(region.querySelector('.ghlv-selected')).not.toBeNull();
  });

  it('offers its tools as a labelled group that Tab walks, not as a toolbar whose arrow keys would do nothing', async () => {
    const user = userEvent.setup();
    renderLog(fixture);
    const tools = screen.getByRole('group', { name: 'Log tools' });
    screen.getByRole('searchbox', { name: 'Search log' }).focus();

    const reached = [];
    for (let i = 0; i < 6; i++) {
      await user.tab();
      reached.push(document.activeElement?.textContent);
    }

    expect(screen.queryByRole('toolbar')).toBeNull();
    // The match buttons wait for a term; the rest take the Tab in turn.
    expect(reached).toEqual(['Expand all', 'Collapse all', 'Timestamps', 'Wrap', 'Copy log', 'Download']);
    expect(within(tools).getByRole('button', { name: 'Download' })).toBeInTheDocument();
  });

  it('colours ANSI output and keeps only the rows in view in the DOM', () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `\x1b[32mline ${i + 1}\x1b[0m`).join('\n');
    const region = renderLog(lines);
    expect(row(region, 1)?.querySelector('span[style]')).toHaveStyle({ color: '#3fb950' });
    expect(region.querySelectorAll('[data-line]').length).toBeLessThan(100);
    expect(row(region, 50_000)).toBeNull();

    fireEvent.keyDown(region, { key: 'End' });
    expect(row(region, 50_000)).toHaveTextContent('line 50000');
  });

  it('wraps long lines on demand', async () => {
    renderLog(`short\n${'x'.repeat(5000)}\n`);
    const wrap = screen.getByRole('button', { name: 'Wrap' });
    await userEvent.click(wrap);
    expect(wrap).toHaveAttribute('aria-pressed', 'true');
    expect(document.querySelector('.ghlv')).toHaveClass('ghlv-wrap');
  });
});
