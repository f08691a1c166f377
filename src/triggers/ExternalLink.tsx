import React from 'react';

/** A link to GitHub, or the plain text when the URL is unknown. */
export function ExternalLink({ href, children }: { href: string | undefined; children: React.ReactNode }) {
  if (!href) return <>{children}</>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" onClick={(event) => event.stopPropagation()}>
      {children}
    </a>
  );
}
