/** The facts the links need; every field may be missing from an older or hand-made trigger. */
interface LinkFacts {
  repository?: string;
  link?: string;
  payload?: { repository?: { html_url?: string } };
}

/** The repository's web page: from the event (right on GitHub Enterprise Server too), else from the trigger's link. */
export function repositoryUrl(trigger: LinkFacts): string | undefined {
  const fromEvent = trigger.payload?.repository?.html_url;
  if (typeof fromEvent === 'string' && fromEvent) return fromEvent;
  // link is .../owner/repo/actions/runs/123 for runs and .../owner/repo/deployments for deployments.
  const fromLink = /^(https?:\/\/[^?#]+?\/[^/]+\/[^/]+)\/(?:actions\/runs\/\d+|deployments)\b/.exec(trigger.link ?? '');
  return fromLink?.[1];
}

export const shortSha = (sha: string | undefined) => (sha ?? '').slice(0, 7);

export const commitUrl = (repoUrl: string, sha: string) => `${repoUrl}/commit/${sha}`;

export const branchUrl = (repoUrl: string, branch: string) =>
  `${repoUrl}/tree/${branch.split('/').map(encodeURIComponent).join('/')}`;
