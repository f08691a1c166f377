import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';

import type { ScrollMap } from './layout';
import { scrollMap } from './layout';
import { ROW_HEIGHT } from './styles';
import { resizeObservable } from './useViewport';

export interface Scroller {
  map: ScrollMap;
  /** Content offset at the top of the viewport. */
  contentTop: number;
  /** How far rendered rows are shifted so that they sit in the viewport when scroll positions are scaled. */
  shift: number;
  scrollToContent(y: number): void;
  scrollToEnd(): void;
  onScroll(): void;
}

/**
 * Scroll position of a virtualized list whose content is `contentHeight` px tall. With `follow`, the view stays pinned
 * to the bottom as content grows, as long as the user was at the bottom.
 */
export function useScroller(
  ref: React.RefObject<HTMLElement>,
  viewportHeight: number,
  contentHeight: number,
  follow: boolean,
): Scroller {
  const [scrollTop, setScrollTop] = useState(0);
  const atBottom = useRef(follow);
  const map = useMemo(() => scrollMap(contentHeight, viewportHeight), [contentHeight, viewportHeight]);
  const maxScroll = Math.max(0, map.scrollHeight - viewportHeight);

  const whenShown = useRef<ResizeObserver | null>(null);
  useEffect(() => () => whenShown.current?.disconnect(), []);

  const scrollTo = useCallback(
    (value: number) => {
      const top = Math.max(0, Math.min(maxScroll, value));
      const element = ref.current;
      if (element) {
        element.scrollTop = top;
        whenShown.current?.disconnect();
        // An element inside a hidden container (display: none) does not scroll, and would be shown at its top with
        // the rows for `top` out of view: scroll it when it is shown. Setting scrollTop has laid the page out already.
        if (top > 0 && element.clientHeight === 0 && resizeObservable) {
          const observer = new ResizeObserver(() => {
            if (element.clientHeight === 0) return;
            observer.disconnect();
            element.scrollTop = top;
          });
          observer.observe(element);
          whenShown.current = observer;
        }
      }
      setScrollTop(top);
      atBottom.current = top >= maxScroll - 1;
    },
    [ref, maxScroll],
  );

  const onScroll = useCallback(() => {
    const element = ref.current;
    if (!element) return;
    setScrollTop(element.scrollTop);
    atBottom.current = element.scrollTop + element.clientHeight >= element.scrollHeight - ROW_HEIGHT;
  }, [ref]);

  // The render that ends following is followed too: it brings the log's last lines.
  const followed = useRef(follow);
  useLayoutEffect(() => {
    if ((follow || followed.current) && atBottom.current) scrollTo(maxScroll);
    followed.current = follow;
  }, [follow, maxScroll, scrollTo]);

  const top = Math.min(scrollTop, maxScroll);
  const contentTop = map.toContent(top);
  const scrollToContent = useCallback((y: number) => scrollTo(map.toScroll(y)), [map, scrollTo]);
  const scrollToEnd = useCallback(() => scrollTo(maxScroll), [maxScroll, scrollTo]);
  return { map, contentTop, shift: top - contentTop, scrollToContent, scrollToEnd, onScroll };
}
