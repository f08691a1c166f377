import React from 'react';

import type { MatchPreview } from './matchPreview';

/** "matches", or "does not match" and why. */
export function MatchResult({ preview }: { preview: MatchPreview }) {
  if (preview.matches) return <span className="text-success">matches</span>;
  return (
    <span>
      <span className="text-danger">does not match</span>: {preview.reasons.join('; ')}
    </span>
  );
}

/** The preview's lead sentence: how many of the recent events would have started the pipeline. */
export function matchCount(previews: MatchPreview[], [one, many]: [string, string]): string {
  const matching = previews.filter((preview) => preview.matches).length;
  const noun = previews.length === 1 ? one : many;
  return `${matching} of the ${previews.length} most recent ${noun} would start this pipeline.`;
}
