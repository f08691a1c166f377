/** Help of a trigger's repository field. */
export const REPOSITORY_HELP =
  'The repository as <code>owner/repo</code>, compared without regard to case. The list holds the repositories the ' +
  'GitHub App is installed on; the App must be installed on this one for its events to reach Spinnaker.';
