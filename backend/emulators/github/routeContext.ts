import type { IssuedToken } from './auth.js';
import type { MatchedOperation } from './openapi.js';
import { notFound, type SimResponse } from './responses.js';
import type { RepoState, World } from './world.js';

export type Caller = { kind: 'app' } | ({ kind: 'installation'; token: string } & IssuedToken) | { kind: 'anonymous' };

export interface RouteContext {
  world: World;
  operation: MatchedOperation;
  url: URL;
  headers: Headers;
  body: unknown;
  caller: Caller;
  signLogUrl(jobId: number): string;
  /** A short-lived URL on the artifact storage host, good for one artifact. */
  signArtifactUrl(artifactId: number): string;
}

export interface Route {
  /** `app`: needs the App's JWT. `installation`: needs an installation token (or none, for public data). */
  auth: 'app' | 'installation';
  handle(ctx: RouteContext): SimResponse;
}

/** Thrown by handlers to answer early (404 and friends); the simulator turns it into the response. */
export class Answer extends Error {
  constructor(readonly response: SimResponse) {
    super(`GitHub answers ${response.status}`);
  }
}

/**
 * The repository in the path, if the caller may see it. Every simulated repository is private, and
 * GitHub answers 404, not 403, for private repositories a credential cannot reach.
 */
export function visibleRepo(ctx: RouteContext): RepoState {
  const { owner = '', repo = '' } = ctx.operation.params;
  const state = ctx.world.repo(owner, repo);
  const { caller } = ctx;
  if (!state || caller.kind !== 'installation' || !caller.repositoryIds.includes(Number(state.full.id))) {
    throw new Answer(notFound(ctx.operation.docsUrl));
  }
  return state;
}

export function integerParam(ctx: RouteContext, name: string): number {
  const value = Number(ctx.operation.params[name]);
  if (!Number.isInteger(value)) throw new Answer(notFound(ctx.operation.docsUrl));
  return value;
}
