/** What the sandbox server tells the page (sandbox/server.ts). */
export interface SandboxState {
  application: string;
  sampleExecutionId: string;
  /** With SANDBOX_LARGE_LOG_LINES: the execution of a run with a log that long. */
  largeLogExecutionId?: string;
  pipeline: { id: string; name: string; application: string; triggers: Array<Record<string, unknown>> };
}

export interface SandboxExecution {
  id: string;
  name: string;
  status: string;
  startTime: number;
  endTime?: number;
  stages: Array<Record<string, unknown> & { status: string; context: Record<string, unknown> }>;
}

export interface GateExecution {
  id: string;
  name: string;
  status: string;
  startTime: number;
  trigger: Record<string, unknown>;
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path} failed with ${response.status}`);
  return (await response.json()) as T;
}

export const getExecution = (id: string) => request<SandboxExecution>(`/sandbox/executions/${id}`);

export const runStage = (stage: Record<string, unknown>) =>
  request<SandboxExecution>('/sandbox/executions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stage }),
  });

export const listGateExecutions = () => request<GateExecution[]>('/sandbox/gate/executions');

export const sendWorkflowRunWebhook = () =>
  request<{ status: number; body: unknown }>('/sandbox/webhooks/workflow-run', { method: 'POST' });

export interface DeploymentView {
  id: number;
  environment: string;
  ref: string;
  createdAt: string;
  statuses: Array<{ state: string; description: string; logUrl: string }>;
}

export const listDeployments = () => request<DeploymentView[]>('/sandbox/github/deployments');

export const sendDeploymentWebhook = () =>
  request<{ status: number; body: unknown }>('/sandbox/webhooks/deployment', { method: 'POST' });

export interface CheckRunView {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  detailsUrl: string | null;
  title: string | null;
  summary: string | null;
}

export const listCheckRuns = () => request<CheckRunView[]>('/sandbox/github/check-runs');
