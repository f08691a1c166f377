import { lastAtOrBelow } from './sorted';

/** Vertical positions of rows: fixed height when lines do not wrap, summed heights when they do. */
export interface Layout {
  count: number;
  total: number;
  top(row: number): number;
  height(row: number): number;
  /** The row at content offset `y`. */
  rowAt(y: number): number;
}

export function fixedLayout(count: number, rowHeight: number): Layout {
  return {
    count,
    total: count * rowHeight,
    top: (row) => row * rowHeight,
    height: () => rowHeight,
    rowAt: (y) => Math.max(0, Math.min(count - 1, Math.floor(y / rowHeight))),
  };
}

export function measuredLayout(heights: Float64Array): Layout {
  const count = heights.length;
  const tops = new Float64Array(count + 1);
  for (let i = 0; i < count; i++) tops[i + 1] = tops[i] + heights[i];
  return {
    count,
    total: tops[count],
    top: (row) => tops[row],
    height: (row) => heights[row],
    rowAt: (y) => lastAtOrBelow(tops, y, count),
  };
}

/**
 * Browsers cap an element's height (Firefox near 17.9 million px), far below a million 20 px rows, so past this the
 * scrollable height is capped and scroll positions are scaled onto the content.
 */
export const MAX_SCROLL_HEIGHT = 15_000_000;

export interface ScrollMap {
  scrollHeight: number;
  /** Content offset shown at the top for a scrollTop. */
  toContent(scrollTop: number): number;
  toScroll(contentY: number): number;
}

export function scrollMap(contentHeight: number, viewport: number): ScrollMap {
  if (contentHeight <= MAX_SCROLL_HEIGHT) {
    return { scrollHeight: contentHeight, toContent: (s) => s, toScroll: (y) => y };
  }
  const ratio = (contentHeight - viewport) / (MAX_SCROLL_HEIGHT - viewport);
  return {
    scrollHeight: MAX_SCROLL_HEIGHT,
    toContent: (s) => s * ratio,
    toScroll: (y) => y / ratio,
  };
}
