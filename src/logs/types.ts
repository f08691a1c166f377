// Copied from backend/src/contract.ts (the plugin does not import from backend/): the fields the log views read.

export interface StepDto {
  number: number;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

/** `GET /api/repos/:owner/:repo/runs/:runId/jobs` → `{ items: JobDto[] }`. */
export interface JobDto {
  id: number;
  runId: number;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  htmlUrl: string | null;
  steps: StepDto[];
}

export interface ErrorBody {
  error: { name: string; message: string };
}

/** Which run's logs to show. */
export interface RunRef {
  owner: string;
  repo: string;
  runId: number;
}
