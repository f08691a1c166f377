import type { IContextualValidator } from '@spinnaker/core';
import { FormValidator } from '@spinnaker/core';

import type { GithubWorkflowStage } from './types';

export const validate: IContextualValidator = (values) => {
  const stage = values as GithubWorkflowStage;
  const validator = new FormValidator(stage);
  validator.field('repository', 'Repository').required();
  if (stage.dispatchType === 'repository_dispatch') {
    validator.field('eventType', 'Event type').required();
  } else {
    validator.field('workflow', 'Workflow').required();
  }
  return validator.validateForm();
};
