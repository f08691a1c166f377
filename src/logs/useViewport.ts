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

/**
 * The inner size of a viewer's scrolling element, updated when the window resizes. Until the element is laid out it is
 * as high as `expectedScrollerHeight(viewerHeight)`: when that is right, the first paint needs no second render. The
 * width is read only while `trackWidth` is set, and is 0 otherwise.
 */
export function useViewport(
  ref: React.RefObject<HTMLElement>,
  viewerHeight: number | string,
  trackWidth: boolean,
): Viewport {
  const [viewport, setViewport] = useState(() => ({ width: 0, height: expectedScrollerHeight(viewerHeight) }));
  useLayoutEffect(() => {
    const measure = () => {
      const element = ref.current;
      if (!element || element.clientHeight === 0) return;
      const height = element.clientHeight;
      const width = trackWidth ? element.clientWidth : 0;
      setViewport((previous) =>
        previous.height === height && previous.width === width ? previous : { width, height },
      );
    };
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [ref, trackWidth]);
  return viewport;
}
