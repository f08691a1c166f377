/**
 * What the backend answers (404 `NotFoundError`) when GitHub has no such thing. The plugin's test handlers
 * (test/msw/handlers.ts) import these, so the messages the plugin's tests show are the backend's own.
 */
export const notFoundMessages = {
  installation: (owner: string, repo: string) =>
    `The GitHub App is not installed on ${owner}/${repo}, or that repository does not exist. Install the App on the repository (GitHub: Settings, GitHub Apps, Configure).`,
  workflow: (workflow: string, owner: string, repo: string) =>
    `Workflow ${workflow} does not exist in ${owner}/${repo}.`,
  fileAt: (path: string, ref: string, owner: string, repo: string) =>
    `${path} does not exist at ${ref} in ${owner}/${repo}.`,
  run: (runId: number | string, owner: string, repo: string) =>
    `Workflow run ${runId} does not exist in ${owner}/${repo}.`,
  job: (jobId: number | string, owner: string, repo: string) => `Job ${jobId} does not exist in ${owner}/${repo}.`,
  deployment: (deploymentId: number | string, owner: string, repo: string) =>
    `Deployment ${deploymentId} does not exist in ${owner}/${repo}.`,
};
