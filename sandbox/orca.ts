import { randomUUID } from 'node:crypto';

/** A pipeline stage as Orca stores it in an execution; `context` holds the stage's fields and what its tasks wrote. */
export interface SandboxStage {
  id: string;
  refId: string;
  type: string;
  name: string;
  status: 'NOT_STARTED' | 'RUNNING' | 'SUCCEEDED' | 'TERMINAL' | 'CANCELED';
  startTime: number;
  endTime?: number;
  context: Record<string, unknown> & {
    webhook?: {
      body?: unknown;
      statusCodeValue?: number;
      error?: string;
      monitor?: { body?: unknown; progressMessage?: string };
    };
  };
  outputs: Record<string, unknown>;
  requisiteStageRefIds: string[];
  tasks: Array<{ id: string; name: string; status: string; startTime: number; endTime?: number }>;
}

export interface SandboxExecution {
  id: string;
  type: 'PIPELINE';
  application: string;
  name: string;
  status: SandboxStage['status'];
  startTime: number;
  endTime?: number;
  stages: SandboxStage[];
  /** Set for executions of a saved pipeline (runPipeline), which Deck's executions view lists. */
  pipelineConfigId?: string;
  buildTime?: number;
  canceled?: boolean;
  trigger?: Record<string, unknown>;
  authentication?: { user: string; allowedAccounts: string[] };
}

const DONE = { SUCCEEDED: 'SUCCEEDED', TERMINAL: 'TERMINAL', CANCELED: 'CANCELED' } as const;
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Orca's CreateWebhookTask is a RetryableTask: backoff 10 s, timeout 5 minutes. It retries 5xx and 429
 * (`webhook.defaultRetryStatusCodes`) with the same body, ignores Retry-After, and fails at once on 504
 * (`failFastStatusCodes`) and on any other 4xx (docs/research/orca-webhook-stage.md §3).
 */
export const ORCA_RETRY = { backoffMs: 10_000, timeoutMs: 300_000 };
const retried = (status: number) => status === 429 || (status >= 500 && status !== 504);

export interface SandboxOrcaOptions {
  backendUrl: string;
  stageSecret: string;
  application: string;
  pollMs?: number;
  /** Orca's retry of the create call; the tests shorten it. */
  retry?: { backoffMs: number; timeoutMs: number };
  /** Injected time: the tests run five minutes of retries without waiting for them. */
  clock?: { now(): number; sleep(ms: number): Promise<void> };
}

const readJson = async (response: Response): Promise<unknown> => {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    // Orca keeps a body it cannot read as JSON as text.
    return text;
  }
};

/**
 * Runs GitHub Workflow stages the way Orca runs the preconfigured webhook of config/orca-local.yml: POST the stage to
 * `/stage/dispatch` with `X-Stage-Secret`, keep the answer in `webhook.body`, then GET its `statusUrl` every
 * `pollMs` and keep the latest answer in `webhook.monitor` until the status is SUCCEEDED, TERMINAL or CANCELED.
 * The create call is retried as Orca retries it (ORCA_RETRY). No SpEL.
 */
export class SandboxOrca {
  readonly executions = new Map<string, SandboxExecution>();

  private readonly clock: { now(): number; sleep(ms: number): Promise<void> };

  constructor(private readonly options: SandboxOrcaOptions) {
    this.clock = options.clock ?? { now: () => Date.now(), sleep: realSleep };
  }

  /** Starts a one-stage pipeline execution with this stage (as the stage editor saved it). */
  run(stageConfig: Record<string, unknown>): SandboxExecution {
    const execution = this.create(stageConfig, 'Sandbox pipeline');
    this.start(execution);
    return execution;
  }

  /**
   * Starts a saved pipeline as Orca does on a manual start through Gate: its GitHub Workflow stage runs; the sandbox
   * has no other stage type.
   */
  runPipeline(
    pipeline: { id: string; name: string; stages?: Array<Record<string, unknown>> },
    trigger: Record<string, unknown>,
    /** The id Gate chose for a start through Echo (echo ProvidedExecutionIdPipelinePostProcessor). */
    executionId?: string,
  ): SandboxExecution {
    const stageConfig = pipeline.stages?.find((stage) => stage.type === 'githubWorkflow') ?? {};
    const execution = this.create(stageConfig, pipeline.name);
    if (executionId) {
      this.executions.delete(execution.id);
      execution.id = executionId;
      this.executions.set(executionId, execution);
    }
    const user = String(trigger.user ?? 'anonymous');
    Object.assign(execution, {
      pipelineConfigId: pipeline.id,
      buildTime: execution.startTime,
      canceled: false,
      trigger: { type: 'manual', ...trigger, user },
      authentication: { user, allowedAccounts: [] },
    });
    this.start(execution);
    return execution;
  }

  /** Deck's Restart on a finished stage: Orca runs the stage again from its first task, in the same execution. */
  restartStage(executionId: string, stageId: string): SandboxExecution | undefined {
    const execution = this.executions.get(executionId);
    const stage = execution?.stages.find((s) => s.id === stageId);
    if (!execution || !stage) return undefined;
    const now = Date.now();
    const { webhook: _previous, ...context } = stage.context;
    Object.assign(stage, { status: 'RUNNING', startTime: now, endTime: undefined, context });
    stage.tasks = [
      { id: '1', name: 'createWebhook', status: 'RUNNING', startTime: now },
      { id: '2', name: 'monitorWebhook', status: 'NOT_STARTED', startTime: now },
    ];
    Object.assign(execution, { status: 'RUNNING', endTime: undefined });
    this.start(execution);
    return execution;
  }

  private start(execution: SandboxExecution): void {
    void this.dispatchAndMonitor(execution).catch((error: unknown) => {
      this.finish(execution, 'TERMINAL', { error: `The sandbox could not reach the backend: ${String(error)}` });
    });
  }

  /** An execution whose stage already started a run (the dispatch answer is `webhookBody`); only monitored. */
  monitor(stageConfig: Record<string, unknown>, webhookBody: Record<string, unknown>, name: string): SandboxExecution {
    const execution = this.create(stageConfig, name);
    const stage = execution.stages[0]!;
    stage.context.webhook = { body: webhookBody };
    stage.tasks[0]!.status = 'SUCCEEDED';
    stage.tasks[1]!.status = 'RUNNING';
    void this.poll(execution, String(webhookBody.statusUrl)).catch(() => undefined);
    return execution;
  }

  private create(stageConfig: Record<string, unknown>, name: string): SandboxExecution {
    const now = Date.now();
    const stage: SandboxStage = {
      id: randomUUID(),
      refId: String(stageConfig.refId ?? '1'),
      type: 'githubWorkflow',
      name: String(stageConfig.name ?? 'GitHub Workflow'),
      status: 'RUNNING',
      startTime: now,
      context: { ...stageConfig },
      outputs: {},
      requisiteStageRefIds: [],
      tasks: [
        { id: '1', name: 'createWebhook', status: 'RUNNING', startTime: now },
        { id: '2', name: 'monitorWebhook', status: 'NOT_STARTED', startTime: now },
      ],
    };
    const execution: SandboxExecution = {
      id: `01SANDBOX${randomUUID().replace(/-/g, '').slice(0, 17).toUpperCase()}`,
      type: 'PIPELINE',
      application: this.options.application,
      name,
      status: 'RUNNING',
      startTime: now,
      stages: [stage],
    };
    this.executions.set(execution.id, execution);
    return execution;
  }

  private headers() {
    return {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-stage-secret': this.options.stageSecret,
    };
  }

  private async dispatchAndMonitor(execution: SandboxExecution): Promise<void> {
    const stage = execution.stages[0]!;
    const c = stage.context;
    const body = {
      executionId: execution.id,
      stageId: stage.id,
      stageStartTime: stage.startTime,
      application: execution.application,
      repository: c.repository,
      dispatchType: c.dispatchType,
      workflow: c.workflow,
      ref: c.ref,
      inputs: c.inputs,
      eventType: c.eventType,
      clientPayload: c.clientPayload,
      waitForCompletion: c.waitForCompletion,
    };
    const { backoffMs, timeoutMs } = this.options.retry ?? ORCA_RETRY;
    const started = this.clock.now();
    let response: Response;
    let answer: unknown;
    for (;;) {
      response = await fetch(`${this.options.backendUrl}/stage/dispatch`, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify(body),
      });
      answer = await readJson(response);
      stage.context.webhook = { body: answer, statusCodeValue: response.status };
      if (response.ok || !retried(response.status)) break;
      if (this.clock.now() - started + backoffMs > timeoutMs) {
        this.finish(execution, 'TERMINAL', {
          error: `Error submitting webhook: ${response.status}, retried for ${Math.round(timeoutMs / 1000)} s`,
        });
        return;
      }
      await this.clock.sleep(backoffMs);
    }
    stage.tasks[0]!.status = response.ok ? 'SUCCEEDED' : 'TERMINAL';
    if (!response.ok) {
      this.finish(execution, 'TERMINAL', { error: `Error submitting webhook: ${response.status}` });
      return;
    }
    // Orca's WebhookStage reads waitForCompletion as a plain boolean: a stage without it does not wait either.
    if (c.waitForCompletion !== true) {
      this.finish(execution, 'SUCCEEDED');
      return;
    }
    stage.tasks[1]!.status = 'RUNNING';
    await this.poll(execution, String((answer as { statusUrl?: unknown }).statusUrl));
  }

  private async poll(execution: SandboxExecution, statusUrl: string): Promise<void> {
    const stage = execution.stages[0]!;
    for (;;) {
      await this.clock.sleep(this.options.pollMs ?? 1_000);
      const response = await fetch(statusUrl, { headers: this.headers() });
      const body = await readJson(response);
      const status = String((body as { status?: unknown }).status ?? '').toUpperCase();
      const progress = (body as { progress?: unknown }).progress;
      stage.context.webhook = {
        ...stage.context.webhook,
        monitor: { body, progressMessage: typeof progress === 'string' ? progress : undefined },
      };
      if (!response.ok && response.status < 500) {
        this.finish(execution, 'TERMINAL', { error: `Error polling the status URL: ${response.status}` });
        return;
      }
      if (status in DONE) {
        this.finish(execution, DONE[status as keyof typeof DONE]);
        return;
      }
    }
  }

  private finish(execution: SandboxExecution, status: SandboxStage['status'], extra: { error?: string } = {}): void {
    const stage = execution.stages[0]!;
    const now = Date.now();
    if (extra.error) stage.context.webhook = { ...stage.context.webhook, error: extra.error };
    for (const task of stage.tasks) {
      if (task.status === 'RUNNING') task.status = status;
      task.endTime = now;
    }
    Object.assign(stage, { status, endTime: now });
    Object.assign(execution, { status, endTime: now });
  }
}
