import type { IFormInputProps } from '@spinnaker/core';
import { CheckboxInput, FormikFormField, HelpField, ReactSelectInput, TextInput } from '@spinnaker/core';
import React from 'react';

import type { WorkflowInputDto } from '../../api/types';

function renderInput(input: WorkflowInputDto, props: IFormInputProps) {
  switch (input.type) {
    case 'choice':
      return <ReactSelectInput {...props} stringOptions={input.options ?? []} clearable={false} />;
    case 'boolean':
      // Pipeline JSON may hold "true"/"false" written by hand.
      return <CheckboxInput {...props} value={props.value === true || props.value === 'true'} />;
    default:
      return <TextInput {...props} placeholder={input.type === 'number' ? 'a number' : undefined} />;
  }
}

/** One declared workflow_dispatch input, with the control its type calls for. */
export function InputControl({ input }: { input: WorkflowInputDto }) {
  const label = (
    <>
      {input.name}
      {input.required && (
        <span className="text-danger" title="Required">
          {' '}
          *
        </span>
      )}
    </>
  );
  return (
    <FormikFormField
      name={`inputs.${input.name}`}
      label={label}
      help={input.description ? <HelpField content={input.description} /> : undefined}
      // Show a missing required input at once: it blocks saving the pipeline.
      touched={true}
      // A checkbox or a select cannot hold SpEL; the toggle turns them into a text field.
      spelAware={input.type === 'boolean' || input.type === 'choice'}
      input={(props: IFormInputProps) => renderInput(input, props)}
    />
  );
}
