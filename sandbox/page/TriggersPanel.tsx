import type { Application, IPipeline } from '@spinnaker/core';
import { Triggers } from '@spinnaker/core';
import React from 'react';

import type { SandboxState } from './sandboxApi';

/** Deck's own pipeline Triggers page, holding a pipeline's two GitHub triggers as the Gate emulator serves it. */
export function TriggersPanel({ state }: { state: SandboxState }) {
  const [pipeline, setPipeline] = React.useState(
    () => ({ ...state.pipeline, stages: [], triggers: state.pipeline.triggers }) as unknown as IPipeline,
  );
  const application = React.useMemo(() => ({ name: state.application }), [state.application]) as Application;
  return (
    <div className="row">
      <div className="col-md-7">
        <Triggers
          application={application}
          pipeline={pipeline}
          fieldUpdated={() => undefined}
          updatePipelineConfig={(changes) => setPipeline((previous) => ({ ...previous, ...changes }))}
          revertCount={0}
        />
      </div>
      <div className="col-md-5">
        <h5>Triggers as saved in the pipeline</h5>
        <pre data-testid="triggers-json" style={{ maxHeight: 420, overflow: 'auto' }}>
          {JSON.stringify(pipeline.triggers, null, 2)}
        </pre>
      </div>
    </div>
  );
}
