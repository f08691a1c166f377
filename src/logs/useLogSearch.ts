import { useEffect, useMemo, useState } from 'react';

import type { LogModel } from './parse';
import type { SearchResult } from './search';
import { firstMatchFrom, searchLog, termPattern } from './search';

/** Typing pauses this long before a search runs: one scan of a million lines costs tens of milliseconds. */
export const SEARCH_DELAY_MS = 150;

export interface LogSearch {
  query: string;
  setQuery(query: string): void;
  /** The term the result is for; lags `query` while the user types. */
  result: SearchResult;
  pattern?: RegExp;
  searching: boolean;
  /** Index of the current match, -1 without matches. */
  current: number;
  /** Counts the moves to a match: each one goes to its match, also to the one that was already current. */
  moves: number;
  goTo(index: number): void;
  /** Runs the search for what is typed without waiting for the typing pause (Enter). */
  searchNow(): void;
}

/**
 * Search state of a log viewer. `lineCount` re-runs the search as a live log grows. A new term starts at the first
 * match at or below `anchorLine()`, read when the term is applied.
 */
export function useLogSearch(model: LogModel, lineCount: number, anchorLine: () => number): LogSearch {
  const [query, setQuery] = useState('');
  const [applied, setApplied] = useState({ term: '', anchor: 0 });
  // The match the user moved to, for the term as applied last: a term typed again starts afresh from the view.
  const [cursor, setCursor] = useState({ applied, index: -1, moves: 0 });
  useEffect(() => {
    // A term already applied stays as it is. Enter applies it before the pause ends, and scrolls to its match; applying
    // it again would pick the current match afresh from the new view, possibly one above. It also spares the viewer a
    // render on every mount.
    const apply = () =>
      setApplied((previous) => (previous.term === query ? previous : { term: query, anchor: anchorLine() }));
    const timer = setTimeout(apply, query ? SEARCH_DELAY_MS : 0);
    return () => clearTimeout(timer);
  }, [query, anchorLine]);
  const { term, anchor } = applied;
  const result = useMemo(() => searchLog(model, term, lineCount), [model, term, lineCount]);
  const pattern = useMemo(() => (term ? termPattern(term) : undefined), [term]);
  const count = result.lines.length;
  const current =
    count === 0 ? -1 : cursor.applied === applied ? Math.min(cursor.index, count - 1) : firstMatchFrom(result, anchor);
  const goTo = (index: number) => {
    if (count > 0) setCursor(({ moves }) => ({ applied, index: (index + count) % count, moves: moves + 1 }));
  };
  const searchNow = () => setApplied({ term: query, anchor: anchorLine() });
  return { query, setQuery, result, pattern, searching: query !== term, current, moves: cursor.moves, goTo, searchNow };
}
