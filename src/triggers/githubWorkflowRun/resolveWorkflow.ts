import type { WorkflowDto } from '../../api/types';

/** The backend's rule for the runs endpoint's `workflow` (backend/src/routes/validation.ts). */
const WORKFLOW_FILE = /^[A-Za-z0-9._-]{1,200}\.ya?ml$/;

/**
 * The workflow file whose runs the preview reads, for a trigger's `workflow` (file name, path or name). Undefined
 * when it names no single known workflow and is no file name: the preview then reads all the repository's runs.
 */
export function workflowFileFor(wanted: string, workflows: WorkflowDto[] | undefined): string | undefined {
  const known = (workflows ?? []).filter(
    (workflow) => workflow.fileName === wanted || workflow.path === wanted || workflow.name === wanted,
  );
  if (known.length === 1) return known[0].fileName;
  if (known.length > 1) return undefined;
  const fileName = wanted.split('/').pop() ?? '';
  return WORKFLOW_FILE.test(fileName) ? fileName : undefined;
}

/** Whether the value already is a file name, so the preview need not wait for the workflow list. */
export const isWorkflowFile = (wanted: string) => WORKFLOW_FILE.test(wanted);
