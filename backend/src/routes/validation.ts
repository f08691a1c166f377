import { z } from 'zod';
import { COMMIT_SHA, SHA_REF_PROBLEM } from '../dispatchRef.js';
import { InputError } from '../errors.js';
import { OWNER_NAME, REPO_NAME } from '../repositoryName.js';

/** GitHub's own rules for user and organisation names (repositoryName.ts, shared with the plugin). */
export const owner = z.string().regex(OWNER_NAME, { error: 'must be a GitHub user or organisation name' });

/** GitHub repository names (repositoryName.ts, shared with the plugin). */
export const repo = z.string().regex(REPO_NAME, { error: 'must be a GitHub repository name' });

export const numericId = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, { error: 'must be a positive integer' })
  .transform(Number);

/** A workflow file name (`deploy.yml`) or its numeric id. */
export const workflow = z.string().regex(/^(?:[1-9]\d{0,15}|[A-Za-z0-9._-]{1,200}\.ya?ml)$/, {
  error: 'must be a workflow file name (deploy.yml) or id',
});

/** Branch, tag or commit sha to read a file at, by git's ref-name rules (enough of them to refuse anything odd). */
export const gitRef = z
  .string()
  .max(255, { error: 'is longer than 255 characters' })
  // Control characters are exactly what this refuses.
  // eslint-disable-next-line no-control-regex
  .regex(/^(?!\/|.*\/\/|.*\.\.|.*@\{|.*\.lock$|.*\/$)[^\s~^:?*[\\\x00-\x1f\x7f]+$/, {
    error: 'is not a valid git ref',
  });

/** The ref of a `workflow_dispatch`: a branch or tag, never a commit sha (dispatchRef.ts, shared with the plugin). */
export const dispatchRef = gitRef.refine((ref) => !COMMIT_SHA.test(ref), {
  error: SHA_REF_PROBLEM,
});

export const repoParams = z.object({ owner, repo });

/** Parses or throws `InputError` naming each field that is wrong. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${[where, ...issue.path].join('.')} ${issue.message}`);
  throw new InputError(`Invalid request: ${problems.join('; ')}.`);
}
