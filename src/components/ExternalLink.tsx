import React from 'react';

/**
 * GitHub's own link blue, underlined: Deck's link colour on white falls short of the 4.5:1 contrast WCAG asks of
 * text, and a link inside a sentence must differ by more than its colour (axe: color-contrast, link-in-text-block).
 */
export const LINK_STYLE: React.CSSProperties = { color: '#0969da', textDecoration: 'underline' };

/** A link to GitHub in a new tab, or the plain text when the URL is unknown. */
export function ExternalLink({ href, children }: { href: string | null | undefined; children: React.ReactNode }) {
  if (!href) return <>{children}</>;
  return (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      style={LINK_STYLE}
      onClick={(event) => event.stopPropagation()}
    >
      {children}
    </a>
  );
}
