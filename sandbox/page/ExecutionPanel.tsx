import type { Application, IExecution, IExecutionStage } from '@spinnaker/core';
import { Registry, robotToHuman } from '@spinnaker/core';
import React from 'react';

import { getExecution, type SandboxExecution } from './sandboxApi';
import { usePoll } from './usePoll';

const STATUS_CLASS: Record<string, string> = {
  RUNNING: 'label-info',
  SUCCEEDED: 'label-success',
  TERMINAL: 'label-danger',
  CANCELED: 'label-default',
};

/** The flags Deck's ExecutionsTransformer adds to every stage. */
function asExecutionStage(stage: SandboxExecution['stages'][number]): IExecutionStage {
  const status = stage.status;
  return {
    ...stage,
    isRunning: status === 'RUNNING',
    isCompleted: ['SUCCEEDED', 'TERMINAL', 'CANCELED'].includes(status),
    isFailed: status === 'TERMINAL',
    isSuccessful: status === 'SUCCEEDED',
    isCanceled: status === 'CANCELED',
    hasNotStarted: status === 'NOT_STARTED',
  } as unknown as IExecutionStage;
}

/** A pipeline execution's GitHub Workflow stage with the execution details sections the plugin registers. */
export function ExecutionPanel({ executionId, application }: { executionId: string; application: string }) {
  const load = React.useCallback(() => getExecution(executionId), [executionId]);
  const { data: execution, error } = usePoll(load, 1_000);
  const [current, setCurrent] = React.useState('workflowRun');
  const app = React.useMemo(() => ({ name: application }), [application]) as unknown as Application;

  if (error && !execution) return <div className="alert alert-danger">{error}</div>;
  if (!execution) return <p>Loading the execution…</p>;
  const raw = execution.stages[0];
  if (!raw) return <p>The execution has no stage.</p>;
  const stage = asExecutionStage(raw);
  const config = Registry.pipeline.getStageConfig(stage);
  const sections = config?.executionDetailsSections ?? [];
  return (
    <div className="execution-details">
      <h4>
        {execution.name}: {String(raw.name)}{' '}
        <span className={`label ${STATUS_CLASS[raw.status] ?? 'label-default'}`} data-testid="stage-status">
          {raw.status}
        </span>
      </h4>
      <ul className="nav nav-pills" style={{ marginBottom: 12 }}>
        {sections.map((section) => (
          <li key={section.title} className={section.title === current ? 'active' : ''}>
            <a href={`#${section.title}`} onClick={(event) => (event.preventDefault(), setCurrent(section.title))}>
              {robotToHuman(section.title)}
            </a>
          </li>
        ))}
      </ul>
      <div className="stage-details">
        {sections.map((Section) => (
          <Section
            key={Section.title}
            name={Section.title}
            current={current}
            stage={stage}
            execution={execution as unknown as IExecution}
            application={app}
            detailsSections={sections}
            provider=""
            config={config}
          />
        ))}
      </div>
    </div>
  );
}
