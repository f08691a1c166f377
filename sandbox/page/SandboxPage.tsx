import type { IStage } from '@spinnaker/core';
import React from 'react';

import { CheckRunsPanel } from './CheckRunsPanel';
import { DeploymentsPanel } from './DeploymentsPanel';
import { ExecutionPanel } from './ExecutionPanel';
import { GatePanel } from './GatePanel';
import { runStage, type SandboxState } from './sandboxApi';
import { StagePanel } from './StagePanel';
import { TriggersPanel } from './TriggersPanel';

function Panel({ title, id, children }: { title: string; id: string; children: React.ReactNode }) {
  return (
    <section className="panel panel-default" id={id} style={{ marginBottom: 20 }}>
      <div className="panel-heading">
        <h3 className="panel-title">{title}</h3>
      </div>
      <div className="panel-body">{children}</div>
    </section>
  );
}

/** The sandbox: the plugin's stage editor, trigger editors and execution details, wired to the emulators. */
export function SandboxPage({ state }: { state: SandboxState }) {
  // `?execution=<id>` opens another execution than the sample (test/e2e/largeLog.test.ts).
  const [executionId, setExecutionId] = React.useState(
    () => new URLSearchParams(window.location.search).get('execution') ?? state.sampleExecutionId,
  );
  const [runError, setRunError] = React.useState<string>();
  const run = (stage: IStage) =>
    runStage(stage as unknown as Record<string, unknown>).then(
      (execution) => {
        setRunError(undefined);
        setExecutionId(execution.id);
        document.getElementById('execution')?.scrollIntoView();
      },
      (error: unknown) => setRunError(String(error)),
    );
  return (
    <div className="container" style={{ paddingTop: 20, paddingBottom: 40 }}>
      <h2>GitHub for Spinnaker: sandbox</h2>
      <p>
        The Deck plugin from <code>build/dist/index.js</code>, loaded as Deck loads it, talking to the real backend,
        which talks to a GitHub emulator and a Gate emulator. Nothing leaves this machine.
      </p>
      <Panel title="GitHub Workflow stage" id="stage">
        <StagePanel application={state.application} onRun={run} />
        {runError && <div className="alert alert-danger">{runError}</div>}
      </Panel>
      <Panel title="Execution details" id="execution">
        {executionId !== state.sampleExecutionId && (
          <button type="button" className="btn btn-link" onClick={() => setExecutionId(state.sampleExecutionId)}>
            Back to the sample execution
          </button>
        )}
        <ExecutionPanel key={executionId} executionId={executionId} application={state.application} />
      </Panel>
      <Panel title="Pipeline triggers" id="triggers">
        <TriggersPanel state={state} />
      </Panel>
      <Panel title="Webhooks and Gate" id="gate">
        <GatePanel />
      </Panel>
      <Panel title="GitHub deployment statuses" id="deployments">
        <DeploymentsPanel />
      </Panel>
      <Panel title="GitHub check runs" id="check-runs">
        <CheckRunsPanel />
      </Panel>
    </div>
  );
}
