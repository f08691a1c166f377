import { useLayoutEffect, useState } from 'react';

import { TOOLBAR_HEIGHT } from './styles';

export interface Viewport {
  width: number;
  height: number;
}

/** A viewer's height when it is given none, and the guess for a CSS height `expectedScrollerHeight` cannot read. */
export const DEFAULT_VIEWER_HEIGHT = 600;

/**
 * The height the log's scrolling element will have in a viewer of CSS height `height`, known before layout for pixels,
 * `vh` and `calc(<n>vh - <n>px)`, the forms this plugin uses; for any other it is a guess that the first layout
 * corrects.
 */
export function expectedScrollerHeight(height: number | string): number {
  const css = typeof height === 'number' ? `${height}px` : height.trim();
  const vh = typeof window === 'undefined' ? 0 : window.innerHeight / 100;
  const calc = /^calc\(([\d.]+)vh - ([\d.]+)px\)$/.exec(css);
  const units = /^([\d.]+)(px|vh)$/.exec(css);
  let viewer = DEFAULT_VIEWER_HEIGHT;
  if (calc) viewer = Number(calc[1]) * vh - Number(calc[2]);
  else if (units) viewer = Number(units[1]) * (units[2] === 'vh' ? vh : 1);
  return Math.max(0, Math.round(viewer - TOOLBAR_HEIGHT));
}

/** Whether elements' sizes can be observed: in every browser Deck supports, not in jsdom. */
export const resizeObservable = typeof ResizeObserver !== 'undefined';

/**
 * The inner size of a viewer's scrolling element, updated whenever the element changes size: a window resize, or a
 * panel around the viewer resized or collapsed. Until the element is laid out it is as high as
 * `expectedScrollerHeight(viewerHeight)`: when that is right, the first paint needs no second render. The width is
 * read only while `trackWidth` is set, and is 0 otherwise.
 *
 * A ResizeObserver reports the size after the browser's own layout and before it paints, so mounting the viewer forces
 * no layout of its own; only switching `trackWidth` on reads the size at once. Where there is no ResizeObserver
 * (jsdom), the size is read at once and on window resizes.
 */
export function useViewport(
  ref: React.RefObject<HTMLElement>,
  viewerHeight: number | string,
  trackWidth: boolean,
): Viewport {
  const [viewport, setViewport] = useState(() => ({ width: 0, height: expectedScrollerHeight(viewerHeight) }));
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    const measure = () => {
      const height = element.clientHeight;
      // 0 while the element is not laid out (hidden): the expected height stands until it is.
      if (height === 0) return;
      const width = trackWidth ? element.clientWidth : 0;
      setViewport((previous) =>
        previous.height === height && previous.width === width ? previous : { width, height },
      );
    };
    if (!resizeObservable) {
      measure();
      window.addEventListener('resize', measure);
      return () => window.removeEventListener('resize', measure);
    }
    // Switching wrapping on needs the width before the rows are laid out again: read it now, in the same commit.
    if (trackWidth) measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, trackWidth]);
  return viewport;
}
