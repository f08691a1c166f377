import type { Application, IPipeline, IStage } from '@spinnaker/core';
import { Registry } from '@spinnaker/core';
import React from 'react';

const NEW_STAGE = {
  name: 'Deploy with GitHub',
  refId: '1',
  requisiteStageRefIds: [],
  type: 'githubWorkflow',
} as unknown as IStage;

/** A new stage as Deck's pipeline editor makes it when the type is picked (it copies `alias` when asked to). */
function newStage(): IStage {
  const config = Registry.pipeline.getStageConfig(NEW_STAGE);
  return config?.addAliasToConfig ? { ...NEW_STAGE, alias: config.alias } : NEW_STAGE;
}

/**
 * The fields the stage cannot run without. Deck refuses to save a pipeline whose stage lacks them (the plugin's
 * blocking validators), so Orca never sends such a stage; the sandbox says so instead of sending it.
 */
function missingFields(stage: IStage): string[] {
  const eventMode = stage.dispatchType === 'repository_dispatch';
  const required: Array<[string, string]> = [
    ['repository', 'Repository'],
    eventMode ? ['eventType', 'Event type'] : ['workflow', 'Workflow'],
  ];
  return required.filter(([field]) => !String(stage[field] ?? '').trim()).map(([, label]) => label);
}

/** The GitHub Workflow stage editor, as Deck's pipeline editor mounts it, and the stage JSON Deck would save. */
export function StagePanel({ application, onRun }: { application: string; onRun: (stage: IStage) => void }) {
  const [initialStage] = React.useState(newStage);
  const [stage, setStage] = React.useState<IStage>(initialStage);
  const pipeline = React.useMemo(
    () => ({ id: 'sandbox', name: 'Sandbox pipeline', application, stages: [initialStage], triggers: [] }),
    [application, initialStage],
  ) as unknown as IPipeline;
  const app = React.useMemo(() => ({ name: application }), [application]) as unknown as Application;
  const StageConfig = Registry.pipeline.getStageConfig(initialStage)?.component;

  // Deck's updateStage copies the given fields into the stage; a field given as undefined leaves it.
  const updateStage = React.useCallback((changes: Partial<IStage>) => {
    setStage((previous) => {
      const next: Record<string, unknown> = { ...previous, ...changes };
      for (const [key, value] of Object.entries(changes)) if (value === undefined) delete next[key];
      return next as IStage;
    });
  }, []);

  const missing = missingFields(stage);
  if (!StageConfig) return <div className="alert alert-danger">The githubWorkflow stage is not registered.</div>;
  return (
    <div className="row">
      <div className="col-md-7">
        {/* White, as Deck's stage config pane is: on a grey .well, Deck's transparent text inputs look disabled. */}
        <div className="sandbox-stage-editor" style={{ background: '#fff', border: '1px solid #ddd', padding: 16 }}>
          <StageConfig
            application={app}
            pipeline={pipeline}
            stage={initialStage}
            updateStage={updateStage}
            stageFieldUpdated={() => undefined}
          />
        </div>
      </div>
      <div className="col-md-5">
        <h5>Stage as saved in the pipeline</h5>
        <pre data-testid="stage-json" style={{ maxHeight: 360, overflow: 'auto' }}>
          {JSON.stringify(stage, null, 2)}
        </pre>
        <button type="button" className="btn btn-primary" disabled={missing.length > 0} onClick={() => onRun(stage)}>
          Run this stage
        </button>
        {missing.length > 0 && (
          <p className="help-block">
            Fill in {missing.join(' and ')} first: Deck does not save a stage without them, so Orca never runs one.
          </p>
        )}
        <p className="small" style={{ marginTop: 8 }}>
          The sandbox runs the stage as Orca does: POST /stage/dispatch with the stage secret, then it polls the status
          URL every second.
        </p>
      </div>
    </div>
  );
}
