/**
 * GitHub's rules for `owner/repo`, shared by the backend's request validation and the plugin's editors, so that
 * the plugin refuses exactly the names the backend refuses. No dependencies: the plugin bundles this file.
 */

/** User and organisation names: letters, digits and single hyphens, up to 39 characters. */
export const OWNER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/** Repository names; `.` and `..` are refused so a name can never walk a path. */
export const REPO_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;

/** `owner/repo` split in two, or undefined when either part breaks GitHub's rules. */
export function splitRepository(value: string): { owner: string; repo: string } | undefined {
  const [owner = '', repo = '', ...rest] = value.split('/');
  return rest.length === 0 && OWNER_NAME.test(owner) && REPO_NAME.test(repo) ? { owner, repo } : undefined;
}
