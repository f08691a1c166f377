/**
 * What GitHub takes as the ref of a `workflow_dispatch`, shared by the backend's request validation and the plugin's
 * stage editor, so that the editor refuses before save exactly the refs the backend refuses when the stage runs.
 * No dependencies: the plugin bundles this file.
 */

/** A full commit id: SHA-1 (40 hex digits) or SHA-256 (64). Shorter hex strings are left alone: they may be branches. */
export const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/**
 * What is wrong with a commit sha as the ref, and what to do instead, after the field's name. GitHub dispatches to a branch or tag name only
 * (https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event) and answers a sha with
 * `422 No ref found for: <sha>`.
 */
export const SHA_REF_PROBLEM =
  'is a commit sha. GitHub dispatches a workflow only to a branch or tag. Give the branch or tag, and pass the commit as a workflow input that the workflow checks out (docs/stage.md, "GitHub\'s own expressions")';
