import type { IFormInputProps } from '@spinnaker/core';
import { CheckboxInput, FormikFormField, HelpField } from '@spinnaker/core';
import React from 'react';

const CHECK_RUN_HELP =
  'Shows this pipeline on the commit as a GitHub check run named <code>spinnaker/&lt;application&gt;/&lt;pipeline&gt;</code>: ' +
  'in progress while it runs, then its result, with a link to the execution and a summary of its stages. Branch ' +
  'protection can then require it. The GitHub App needs the <b>Checks: Read and write</b> permission.';

/** The `checkRun` checkbox of the triggers and the stage (docs/triggers.md, docs/stage.md). */
export function CheckRunField({ commit }: { commit: string }) {
  return (
    <FormikFormField
      name="checkRun"
      label="Check run"
      help={<HelpField content={CHECK_RUN_HELP} />}
      input={(props: IFormInputProps) => (
        <CheckboxInput {...props} text={`Report this pipeline as a check run on ${commit}`} />
      )}
    />
  );
}
