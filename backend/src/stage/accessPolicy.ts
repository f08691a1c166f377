import { z } from 'zod';
import { NotAllowedError } from '../errors.js';

/** `org/repo`, or `org/*` for every repository of the organisation; compared case-insensitively, as GitHub does. */
const repositoryPattern = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/(?:\*|[A-Za-z0-9._-]{1,100})$/, { error: 'must be org/repo or org/*' });

export const accessPolicySchema = z.strictObject({
  applications: z.record(z.string().min(1).max(200), z.strictObject({ repositories: z.array(repositoryPattern) })),
});

/** Which Spinnaker applications may dispatch to which repositories (ACCESS_POLICY or ACCESS_POLICY_FILE). */
export type AccessPolicy = z.infer<typeof accessPolicySchema>;

/** No policy configured: nothing may be dispatched. */
export const DENY_ALL: AccessPolicy = { applications: {} };

function allows(patterns: string[], owner: string, repo: string): boolean {
  return patterns.some((pattern) => {
    const [patternOwner = '', patternRepo = ''] = pattern.toLowerCase().split('/');
    return patternOwner === owner.toLowerCase() && (patternRepo === '*' || patternRepo === repo.toLowerCase());
  });
}

/** The applications (lower case) the policy maps to `owner/repo`: their readers may read it (docs/security.md). */
export function applicationsFor(policy: AccessPolicy, owner: string, repo: string): string[] {
  return Object.entries(policy.applications)
    .filter(([, rules]) => allows(rules.repositories, owner, repo))
    .map(([name]) => name.toLowerCase());
}

/** Throws `NotAllowedError` unless the policy lets `application` dispatch to `owner/repo`. */
export function checkDispatch(
  policy: AccessPolicy,
  { application, owner, repo }: { application: string | undefined; owner: string; repo: string },
): void {
  const repository = `${owner}/${repo}`;
  if (!application) {
    throw new NotAllowedError(
      `The stage call names no Spinnaker application, so it may not dispatch to ${repository}. Send "application" as config/orca-local.yml does.`,
    );
  }
  const rules = Object.entries(policy.applications).find(([name]) => name.toLowerCase() === application.toLowerCase());
  if (!rules || !allows(rules[1].repositories, owner, repo)) {
    throw new NotAllowedError(
      `Application ${application} may not dispatch to ${repository}: the access policy (ACCESS_POLICY or ACCESS_POLICY_FILE) does not allow it.`,
    );
  }
}
