import type { RequestHandler } from 'express';
import { AuthenticationError, NotAllowedError } from '../errors.js';
import { mayReadApplication, type Fiat, type ReadPermissions } from '../spinnaker/fiat.js';
import { applicationsFor, type AccessPolicy } from '../stage/accessPolicy.js';

/** Who may read what through `/api`: Fiat's answer about the user Gate names, and the access policy. */
export interface ReadAccess {
  fiat: Fiat;
  policy: AccessPolicy;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `requireReader` when FIAT_URL is set. */
    readPermissions?: ReadPermissions;
  }
}

/**
 * With FIAT_URL set, every read names its user in `X-SPINNAKER-USER`, which Gate's proxy adds for the signed-in
 * user (docs/security.md): 401 without it; Fiat's answer is kept on the request for the routes to filter by.
 */
export function requireReader(access: ReadAccess | undefined): RequestHandler {
  return async (req, _res, next) => {
    if (!access) return next();
    const user = req.get('x-spinnaker-user')?.trim();
    if (!user) {
      throw new AuthenticationError(
        'No X-SPINNAKER-USER: with FIAT_URL set, the read API answers only requests Gate proxies for a signed-in user.',
      );
    }
    req.readPermissions = await access.fiat.permissionsOf(user);
    next();
  };
}

/** Whether these permissions let their user read `owner/repo`: a Fiat admin reads all, others through applications. */
export function mayRead(
  access: ReadAccess | undefined,
  permissions: ReadPermissions | undefined,
  owner: string,
  repo: string,
): boolean {
  if (!access || !permissions) return true;
  if (permissions.admin) return true;
  return applicationsFor(access.policy, owner, repo).some((application) =>
    mayReadApplication(permissions, application),
  );
}

/** 403 unless the user may read the repository of the path (`/repos/:owner/:repo/...`). */
export function requireRepositoryReader(access: ReadAccess | undefined): RequestHandler {
  return (req, _res, next) => {
    const { owner = '', repo = '' } = req.params as { owner?: string; repo?: string };
    if (!mayRead(access, req.readPermissions, owner, repo)) {
      throw new NotAllowedError(
        `${req.readPermissions?.user} may not read ${owner}/${repo}: no Spinnaker application the access policy maps to it grants them READ in Fiat.`,
      );
    }
    next();
  };
}
