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
  if (previews.length === 1) {
    return `The most recent ${one} ${matching ? 'would start' : 'would not start'} this pipeline.`;
  }
  return `${matching} of the ${previews.length} most recent ${many} would start this pipeline.`;
}
