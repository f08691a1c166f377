import { useCallback, useMemo, useState } from 'react';

import type { Layout } from './layout';
import { fixedLayout, measuredLayout } from './layout';
import type { LogModel } from './parse';
import type { Rows } from './rows';
import { ROW_HEIGHT } from './styles';

interface Measured {
  cols: number;
  /** Rendered height by line. */
  heights: ReadonlyMap<number, number>;
}

/**
 * Row positions. Unwrapped rows all have one height. Wrapped rows start from an estimate (characters ÷ columns, exact
 * for monospace text without wide characters) and take their measured height once rendered. Until the columns are
 * known (the view's width is read in the commit that switches wrapping on; never in jsdom), rows are one line high:
 * estimating every line for a width about to be replaced would cost a pass over the whole log.
 */
export function useRowLayout(options: {
  model: LogModel;
  rows: Rows;
  wrap: boolean;
  /** Columns of text a row holds; 0 or less when unknown. */
  columns: number;
}): { layout: Layout; measure(container: HTMLElement | null): void } {
  const { model, rows, wrap, columns } = options;
  const cols = Math.max(0, columns);
  const [measured, setMeasured] = useState<Measured>({ cols, heights: new Map() });

  const layout = useMemo(() => {
    if (!wrap || cols === 0) return fixedLayout(rows.length, ROW_HEIGHT);
    const heights = new Float64Array(rows.length);
    rows.forEach((line, row) => {
      heights[row] = ROW_HEIGHT * Math.max(1, Math.ceil(model.contentLength(line) / cols));
    });
    if (measured.cols === cols) {
      measured.heights.forEach((height, line) => {
        const row = rows.rowShowing(line);
        if (row >= 0) heights[row] = height;
      });
    }
    return measuredLayout(heights);
  }, [model, rows, wrap, cols, measured]);

  /** Reads the heights of the rendered rows (elements with `data-line`); call it after rendering. */
  const measure = useCallback(
    (element: HTMLElement | null) => {
      if (!wrap || cols === 0 || !element) return;
      const changes: Array<[number, number]> = [];
      element.querySelectorAll<HTMLElement>('[data-line]').forEach((rowElement) => {
        const line = Number(rowElement.dataset.line) - 1;
        const height = rowElement.offsetHeight;
        const row = rows.rowShowing(line);
        if (height > 0 && row >= 0 && layout.height(row) !== height) changes.push([line, height]);
      });
      if (changes.length === 0) return;
      setMeasured((previous) => {
        const heights = new Map(previous.cols === cols ? previous.heights : []);
        changes.forEach(([line, height]) => heights.set(line, height));
        return { cols, heights };
      });
    },
    [wrap, rows, layout, cols],
  );

  return { layout, measure };
}
