import React, { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';

import { copyText, downloadText } from './clipboard';
import { shownLog, shownText } from './lineText';
import { LogRow } from './LogRow';
import { LogToolbar } from './LogToolbar';
import type { LogModel } from './parse';
import { LineKind } from './parse';
import { foldedGroupOf, foldedGroups, visibleLines } from './rows';
import { ordinalInLine } from './search';
import { injectStyles, ROW_HEIGHT } from './styles';
import { useLogSearch } from './useLogSearch';
import { useRowLayout } from './useRowLayout';
import { useScroller } from './useScroller';
import { DEFAULT_VIEWER_HEIGHT, useViewport } from './useViewport';

export interface LogViewerProps {
  /** The parsed log. It may grow (live logs): give its `lineCount` as `lineCount` so the viewer notices. */
  model: LogModel;
  lineCount: number;
  /** Name of the downloaded file. */
  fileName?: string;
  /** Select and scroll to the first `##[error]` line when it is there on mount. */
  focusFirstError?: boolean;
  /** The log is still being written: keep the view pinned to the bottom while the user is there. */
  live?: boolean;
  /** CSS height of the whole viewer; 600 px when not given. */
  height?: number | string;
  /** Accessible name of the scrolling log. */
  label?: string;
  /** More of a completed log is on its way: Download waits for it. */
  reading?: boolean;
  /** Hands the keyboard focus on to the viewer that replaces this one (see `focusHandover`). */
  handover?: FocusHandover;
}

/** Where a viewer had the keyboard focus when another took its place. */
export interface FocusHandover {
  leave(where: 'search' | 'log' | undefined): void;
  take(): 'search' | 'log' | undefined;
}

/**
 * For a viewer remounted on another log (`key`): the new one takes the focus where the old one had it, so that a
 * keyboard or screen-reader user is not sent to the top of the page. Make one per place that shows a log.
 */
export function focusHandover(): FocusHandover {
  let left: 'search' | 'log' | undefined;
  return {
    leave: (where) => (left = where),
    take: () => {
      const where = left;
      left = undefined;
      return where;
    },
  };
}

/** Rows rendered beyond each edge of the view once the user scrolls, so that scrolling does not show blank lines. */
const OVERSCAN = 10;

/**
 * A GitHub Actions log: only the rows in view are in the DOM, `##[group]`s fold, and search, line selection, copy,
 * wrap, timestamps and download work on logs of millions of lines. Remount it (with a `key`) for another log.
 */
export function LogViewer(props: LogViewerProps) {
  const { model, lineCount, live = false, focusFirstError = false } = props;
  const complete = model.complete;
  const initialLine = focusFirstError ? model.firstError : -1;
  const [overrides, setOverrides] = useState<ReadonlyMap<number, boolean>>(new Map());
  const [showTimestamps, setShowTimestamps] = useState(false);
  const [wrap, setWrap] = useState(false);
  const [selected, setSelected] = useState(initialLine);
  // Where to scroll once: a line to centre (the first error), or one to bring into view (a line the user selects).
  const [target, setTarget] = useState(initialLine >= 0 ? { line: initialLine, centre: true } : null);
  const [status, setStatus] = useState('');
  const [charWidth, setCharWidth] = useState(0);
  const searchRef = useRef<HTMLInputElement>(null);
  const probeRef = useRef<HTMLSpanElement>(null);
  const scrollerRef = useRef<HTMLDivElement>(null);
  const topLine = useRef(0);
  // The first paint renders only the rows in view: overscan would add a fifth to a small log's first paint.
  const [overscan, setOverscan] = useState(0);

  useLayoutEffect(injectStyles, []);
  const rootRef = useRef<HTMLDivElement>(null);
  const { handover } = props;
  // The old viewer's cleanup runs before this one's effects in the commit that replaces it, while its DOM is there.
  useLayoutEffect(() => {
    const where = handover?.take();
    if (where === 'search') searchRef.current?.focus();
    else if (where === 'log') scrollerRef.current?.focus({ preventScroll: true });
    const [root, searchBox] = [rootRef.current, searchRef.current];
    return () => {
      const active = document.activeElement;
      const inside = active !== null && root !== null && root.contains(active);
      handover?.leave(!inside ? undefined : active === searchBox ? 'search' : 'log');
    };
  }, [handover]);
  // Only wrapped lines need the width of a character; reading it would cost the first paint a second render.
  useLayoutEffect(() => {
    const width = probeRef.current ? probeRef.current.offsetWidth / 10 : 0;
    if (width > 0) setCharWidth(width);
  }, [wrap]);

  const search = useLogSearch(
    model,
    lineCount,
    useCallback(() => topLine.current, []),
  );
  const { current } = search;
  const matches = search.result.lines;
  const currentLine = current >= 0 ? matches[current] : -1;
  const folded = useMemo(
    () => foldedGroups(model, overrides, lineCount, complete),
    [model, overrides, lineCount, complete],
  );
  const rows = useMemo(() => visibleLines(model, folded, lineCount), [model, folded, lineCount]);

  const height = props.height ?? DEFAULT_VIEWER_HEIGHT;
  const viewport = useViewport(scrollerRef, height, wrap);
  const digits = String(lineCount).length;
  const gutterChars = digits + 5 + (showTimestamps ? 25 : 0);
  const columns = charWidth > 0 ? Math.floor((viewport.width - 24) / charWidth) - gutterChars : 0;
  const { layout, measure } = useRowLayout({ model, rows, wrap, columns });
  const scroller = useScroller(scrollerRef, viewport.height, layout.total, live);
  const { contentTop, scrollToContent } = scroller;
  const topRow = layout.rowAt(contentTop);
  const first = Math.max(0, topRow - overscan);
  const last = Math.min(rows.length - 1, layout.rowAt(contentTop + viewport.height) + overscan);

  useLayoutEffect(() => {
    topLine.current = rows.length > 0 ? rows.line(topRow) : 0;
    measure(scrollerRef.current);
  }, [rows, topRow, first, last, measure]);

  // A match that becomes current opens its folded group, once: the user may fold it again.
  const matchKey = `${search.result.term}\n${current}\n${search.moves}`;
  const [openedFor, setOpenedFor] = useState(matchKey);
  if (openedFor !== matchKey) {
    setOpenedFor(matchKey);
    const group = currentLine >= 0 ? foldedGroupOf(model, folded, currentLine) : -1;
    if (group >= 0) setOverrides((previous) => new Map(previous).set(group, false));
  }

  // Scroll to a selected line or the current match once each: not again when rows or heights change afterwards.
  const scrolledTo = useRef<{ target: unknown; match: string }>({ target: null, match: '' });
  useLayoutEffect(() => {
    const done = scrolledTo.current;
    let line = -1;
    let centre = true;
    if (target && done.target !== target) ({ line, centre } = target);
    else if (currentLine >= 0 && done.match !== matchKey) line = currentLine;
    // Centring needs the height as laid out; scrolling lays the page out anyway. When layout found another height than
    // the one expected, the render that the measured height brings comes back here before anything is painted.
    const shown = line >= 0 ? (scrollerRef.current?.clientHeight ?? 0) : 0;
    if (shown > 0 && shown !== viewport.height) return;
    done.target = target;
    done.match = matchKey;
    if (line < 0) return;
    const row = rows.rowOf(line);
    const top = layout.top(row);
    const bottom = top + layout.height(row);
    if (centre) scrollToContent((top + bottom) / 2 - viewport.height / 2);
    else if (top < contentTop) scrollToContent(top);
    else if (bottom > contentTop + viewport.height) scrollToContent(bottom - viewport.height);
  }, [target, matchKey, currentLine, rows, layout, viewport.height, contentTop, scrollToContent]);

  // A match far along a long line is scrolled to sideways too, once its row is drawn.
  const revealedMatch = useRef('');
  useLayoutEffect(() => {
    if (wrap || currentLine < 0 || revealedMatch.current === matchKey) return;
    const view = scrollerRef.current;
    const mark = view?.querySelector('mark.ghlv-current');
    if (!view || !mark) return;
    revealedMatch.current = matchKey;
    const box = view.getBoundingClientRect();
    const { left, right } = mark.getBoundingClientRect();
    if (left < box.left || right > box.right) view.scrollLeft += left - (box.left + box.width / 2);
  });

  const select = useCallback(
    (line: number, centre = false) => {
      const group = foldedGroupOf(model, folded, line);
      if (group >= 0) setOverrides((previous) => new Map(previous).set(group, false));
      setSelected(line);
      setTarget({ line, centre });
    },
    [model, folded],
  );
  // A log read range by range may reach its first error only after the first screen: open it then, unless the user has
  // already selected a line or scrolled. Set while rendering, as React advises for state that follows props.
  const [errorShown, setErrorShown] = useState(initialLine >= 0);
  if (focusFirstError && !errorShown && model.firstError >= 0) {
    setErrorShown(true);
    if (selected < 0 && contentTop === 0) select(model.firstError, true);
  }
  const toggleGroup = useCallback(
    (group: number) => setOverrides((previous) => new Map(previous).set(group, !folded[group])),
    [folded],
  );
  // A click on a line number or fold arrow leaves the focus on the log, where the keys work.
  const selectByPointer = useCallback(
    (line: number) => {
      select(line);
      scrollerRef.current?.focus({ preventScroll: true });
    },
    [select],
  );
  const toggleByPointer = useCallback(
    (group: number) => {
      toggleGroup(group);
      scrollerRef.current?.focus({ preventScroll: true });
    },
    [toggleGroup],
  );
  const foldAll = (fold: boolean) => setOverrides(new Map(Array.from(folded, (_, group) => [group, fold])));

  // Download saves the whole log: asked for while the rest of a completed log is being read, it waits for it. Each
  // click counts; the effect saves once for the latest click the log is ready for.
  const [downloads, setDownloads] = useState(0);
  const saved = useRef(0);
  const { reading = false, fileName = 'job.log' } = props;
  useEffect(() => {
    if (reading || saved.current === downloads) return;
    saved.current = downloads;
    downloadText(model.text(), model.complete ? fileName : fileName.replace(/(\.log)?$/, '-partial$1'));
  }, [downloads, reading, model, fileName]);

  // A message shows for 2 s: a new one restarts the wait, and none is set once the viewer is gone.
  const flashTimer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(flashTimer.current), []);
  const flash = (message: string) => {
    setStatus(message);
    clearTimeout(flashTimer.current);
    flashTimer.current = setTimeout(() => setStatus(''), 2000);
  };
  const copy = async () => {
    const text = selected >= 0 ? shownText(model, selected, showTimestamps) : shownLog(model, showTimestamps);
    const copied = await copyText(text);
    flash(copied ? (selected >= 0 ? `Copied line ${selected + 1}` : 'Copied the log') : 'Copy failed');
  };

  // Next and previous match. While a new term waits for the typing pause, they search for it at once: the old term's
  // matches, still marked, are not where the user means to go.
  const move = (delta: number) => (search.searching ? search.searchNow() : search.goTo(current + delta));
  const scrollBy = (delta: number) => scrollToContent(contentTop + delta);
  const onKeyDown = (event: React.KeyboardEvent) => {
    // Ctrl+F (⌘F) in the log goes to its search box: the browser's own find sees only the rows drawn, about a screen.
    if (event.key === 'f' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) {
      event.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
      return;
    }
    const row = selected >= 0 ? rows.rowOf(selected) : -1;
    // With no line selected yet, the arrows start from the first line in view.
    const moveSelection = (delta: number) => {
      if (rows.length === 0) return;
      const next = row >= 0 ? Math.min(rows.length - 1, Math.max(0, row + delta)) : layout.rowAt(contentTop);
      select(rows.line(next));
    };
    // An action that returns false did nothing: the key is left to the page (Escape closes the full-width view).
    const keys: Record<string, () => void | false> = {
      '/': () => searchRef.current?.focus(),
      n: () => move(1),
      N: () => move(-1),
      ArrowDown: () => moveSelection(1),
      ArrowUp: () => moveSelection(-1),
      PageDown: () => scrollBy(viewport.height - ROW_HEIGHT),
      PageUp: () => scrollBy(ROW_HEIGHT - viewport.height),
      Home: () => scrollToContent(0),
      End: () => scroller.scrollToEnd(),
      Enter: () => {
        if (selected >= 0 && model.kind(selected) === LineKind.Group) toggleGroup(model.group(selected));
      },
      Escape: () => (selected >= 0 ? setSelected(-1) : false),
    };
    // Anywhere in the log (a line number or fold arrow clicked last), but not while typing in a field.
    const typing = event.target instanceof HTMLElement && event.target.closest('input, textarea, select');
    const action = typing ? undefined : keys[event.key];
    if (action && !event.ctrlKey && !event.metaKey && !event.altKey && action() !== false) event.preventDefault();
  };

  const currentOrdinal = current >= 0 ? ordinalInLine(search.result, current) : -1;
  const rendered: React.ReactNode[] = [];
  for (let row = first; row <= last; row++) {
    const line = rows.line(row);
    rendered.push(
      <LogRow
        key={line}
        model={model}
        line={line}
        top={layout.top(row) + scroller.shift}
        showTimestamp={showTimestamps}
        selected={line === selected}
        folded={model.kind(line) === LineKind.Group && folded[model.group(line)] === 1}
        pattern={search.pattern}
        currentMatch={line === currentLine ? currentOrdinal : -1}
        onSelect={selectByPointer}
        onToggleGroup={toggleByPointer}
      />,
    );
  }

  return (
    <div ref={rootRef} className={wrap ? 'ghlv ghlv-wrap' : 'ghlv'} style={{ height }}>
      <LogToolbar
        ref={searchRef}
        query={search.query}
        onQuery={search.setQuery}
        matchCount={matches.length}
        currentMatch={current}
        searching={search.searching}
        onNext={() => move(1)}
        onPrevious={() => move(-1)}
        showTimestamps={showTimestamps}
        onToggleTimestamps={() => setShowTimestamps(!showTimestamps)}
        wrap={wrap}
        onToggleWrap={() => setWrap(!wrap)}
        hasGroups={folded.length > 0}
        onExpandAll={() => foldAll(false)}
        onCollapseAll={() => foldAll(true)}
        copyLabel={selected >= 0 ? 'Copy line' : 'Copy log'}
        onCopy={copy}
        onDownload={() => setDownloads((count) => count + 1)}
        status={reading && downloads > 0 ? 'Reading the rest of the log to download it…' : status}
      />
      <div
        ref={scrollerRef}
        className="ghlv-scroller"
        tabIndex={0}
        role="region"
        aria-label={props.label ?? 'Log'}
        onScroll={() => {
          scroller.onScroll();
          setOverscan(OVERSCAN);
        }}
        onKeyDown={onKeyDown}
      >
        {lineCount === 0 && (
          <div className="ghlv-empty">{live ? 'Waiting for the job to write its log…' : 'The log is empty.'}</div>
        )}
        <div
          className="ghlv-inner"
          style={{
            height: scroller.map.scrollHeight,
            ['--ghlv-number-width' as string]: `calc(${digits}ch + 20px)`,
            width: wrap ? undefined : `calc(${model.maxLength + gutterChars}ch + 24px)`,
          }}
        >
          {rendered}
        </div>
        {wrap && (
          <span ref={probeRef} className="ghlv-probe" aria-hidden>
            0000000000
          </span>
        )}
      </div>
      {/* The focus stays on the log while the arrows move the selection: this tells a screen reader which line it is.
          Outside the log's region, whose text is the log's own. */}
      <div className="ghlv-announce" aria-live="polite">
        {selected >= 0 && selected < lineCount ? `Line ${selected + 1}: ${shownText(model, selected)}` : ''}
      </div>
    </div>
  );
}
