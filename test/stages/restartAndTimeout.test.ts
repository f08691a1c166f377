import { screen, waitFor } from '@testing-library/react';
import angular from 'angular';
import type { IStageTypeConfig } from '@spinnaker/core';
import { Registry, registerPluginExtensions } from '@spinnaker/core';

import { plugin } from '../../src';
import { bootstrapAngular } from '../angular';

// Deck's stage summary (@spinnaker/core 0.29.1 src/pipeline/details/stageSummary.component.ts) offers "Restart" in
// its Actions menu when `isRestartable(stage)`: the stage is neither running nor completed, the execution is not
// running, and the registered config says `restartable`. Its template (config/stages/common/executionSummary.html)
// and the RestartStageCtrl it uses (config/stages/stage.module.js) are registered with AngularJS when
// @spinnaker/core is imported; here they run as in Deck, against the registry the plugin registered with.
const STAGE_SUMMARY_MODULE = 'spinnaker.core.pipeline.stageSummary.component';
/** The filters executionSummary.html uses (utils/timeFormatters.ts, presentation/robotToHumanFilter). */
const FILTER_MODULES = ['spinnaker.core.utils.timeFormatters', 'spinnaker.core.presentation.robotToHuman.filter'];
const OVERRIDE_TIMEOUT_MODULE = 'spinnaker.core.pipeline.stage.overrideTimeout';
const EXECUTION_SUMMARY = 'core/src/pipeline/config/stages/common/executionSummary.html';

/** What the stage summary's controller injects but this test does not exercise (routing and the execution API). */
const HOST_SERVICES = 'test.stageSummary.hostServices';
angular
  .module(HOST_SERVICES, [])
  .value('$stateParams', { executionId: '01JEXECUTION' })
  .value('$state', { go: () => undefined })
  .value('executionService', {})
  .controller('RestartStageCtrl', function RestartStageCtrl() {
    // Deck's RestartStageCtrl PUTs /pipelines/{id}/stages/{stageId}/restart when clicked; not clicked here.
  });

beforeEach(() => {
  Registry.reinitialize();
});

/** The stage summary Deck shows for a stage of a finished execution, as text. */
async function stageSummaryText(stage: Record<string, unknown>, execution = { isRunning: false }): Promise<string> {
  const root = bootstrapAngular([STAGE_SUMMARY_MODULE, ...FILTER_MODULES, HOST_SERVICES]);
  const injector = angular.element(root).injector();
  const scope = injector.get('$rootScope').$new() as angular.IScope & Record<string, unknown>;
  Object.assign(scope, {
    application: { attributes: {} },
    execution: { id: '01JEXECUTION', stages: [stage], ...execution },
    stage,
    stageSummary: { ...stage, name: 'Deploy with GitHub', stages: [stage] },
    sourceUrl: EXECUTION_SUMMARY,
  });
  const element = injector.get('$compile')(
    '<stage-summary application="application" execution="execution" stage="stage" stage-summary="stageSummary" source-url="sourceUrl"></stage-summary>',
  )(scope);
  scope.$digest();
  return (element[0] as HTMLElement).textContent?.replace(/\s+/g, ' ') ?? '';
}

const failedStage = {
  id: 'stage-1',
  refId: '1',
  name: 'Deploy with GitHub',
  type: 'githubWorkflow',
  status: 'TERMINAL',
  isRunning: false,
  isCompleted: false,
  isFailed: true,
  context: {},
  tasks: [],
};

describe('the githubWorkflow stage in Deck', () => {
  it('is registered restartable and with a custom timeout', async () => {
    await registerPluginExtensions(plugin);

    const config: IStageTypeConfig = Registry.pipeline.getStageConfig({ type: 'githubWorkflow' } as never);
    expect(config).toMatchObject({ restartable: true, supportsCustomTimeout: true });
  });

  it("gets a Restart action in Deck's stage summary once it has failed", async () => {
    await registerPluginExtensions(plugin);

    expect(await stageSummaryText(failedStage)).toContain('Restart Deploy with GitHub');
  });

  it('gets no Restart action while it runs', async () => {
    await registerPluginExtensions(plugin);

    const text = await stageSummaryText({ ...failedStage, status: 'RUNNING', isRunning: true, isFailed: false });
    expect(text).toContain('Stage details: Deploy with GitHub');
    expect(text).not.toContain('Restart');
  });

  it("shows Deck's timeout override in the stage editor", async () => {
    await registerPluginExtensions(plugin);
    // Deck's stage editor (config/stages/stage.html) renders <override-timeout> with the registered config; the
    // component (overrideTimeout.module.ts) shows its checkbox only for `supportsCustomTimeout`.
    const root = bootstrapAngular([OVERRIDE_TIMEOUT_MODULE]);
    document.body.appendChild(root);
    const injector = angular.element(root).injector();
    const scope = injector.get('$rootScope').$new() as angular.IScope & Record<string, unknown>;
    Object.assign(scope, {
      stageConfig: Registry.pipeline.getStageConfig({ type: 'githubWorkflow' } as never),
      stage: {},
      updateStageField: () => undefined,
    });
    const element = injector.get('$compile')(
      '<override-timeout stage-config="stageConfig" stage-timeout-ms="stage.stageTimeoutMs" update-stage-field="updateStageField"></override-timeout>',
    )(scope);
    root.appendChild(element[0] as HTMLElement);
    scope.$digest();

    await waitFor(() => expect(screen.getByText('Fail stage after a specific amount of time')).toBeInTheDocument());
    root.remove();
  });
});
