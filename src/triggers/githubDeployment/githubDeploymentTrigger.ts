import type { ITriggerTypeConfig } from '@spinnaker/core';

import type { GithubDeploymentTrigger } from '../types';
import { DEPLOYMENT_TRIGGER_KEY } from '../types';
import { DeploymentManualExecution } from '../manualExecution/DeploymentManualExecution';
import { createTriggerValidators, deploymentTriggerErrors } from '../validators';
import { GithubDeploymentExecutionStatus } from './GithubDeploymentExecutionStatus';
import { GithubDeploymentTriggerConfig } from './GithubDeploymentTriggerConfig';

export const githubDeploymentTrigger: ITriggerTypeConfig = {
  key: DEPLOYMENT_TRIGGER_KEY,
  label: 'GitHub deployment created',
  description: 'Executes the pipeline when a GitHub deployment is created',
  component: GithubDeploymentTriggerConfig,
  validateFn: (values) => deploymentTriggerErrors(values as GithubDeploymentTrigger),
  validators: createTriggerValidators<GithubDeploymentTrigger>('GitHub deployment created', deploymentTriggerErrors, [
    'repository',
    'environment',
    'ref',
  ]),
  executionTriggerLabel: () => 'GitHub deployment',
  manualExecutionComponent: DeploymentManualExecution as ITriggerTypeConfig['manualExecutionComponent'],
  executionStatusComponent: GithubDeploymentExecutionStatus,
};
