import type { IFormInputProps } from '@spinnaker/core';
import { CheckboxInput, FormikFormField, HelpField, TextInput } from '@spinnaker/core';
import React from 'react';

import type { WorkflowInputDto } from '../../api/types';
import { ChoiceSelectInput } from '../../components/ChoiceSelectInput';

function renderInput(input: WorkflowInputDto, props: IFormInputProps) {
  switch (input.type) {
    case 'choice':
      return <ChoiceSelectInput {...props} choices={input.options ?? []} ariaLabel={input.name} />;
    case 'boolean':
      // Pipeline JSON may hold "true"/"false" written by hand.
      return <CheckboxInput {...props} value={props.value === true || props.value === 'true'} />;
    case 'number':
      return (
        <>
          <TextInput
            {...props}
            value={props.value === undefined || props.value === null ? '' : String(props.value)}
            inputMode="decimal"
            aria-label={input.name}
            aria-describedby={`github-input-note-${input.name}`}
          />
          <p className="help-block" id={`github-input-note-${input.name}`}>
            GitHub passes it as text: the workflow reads it as a number in <code>inputs.{input.name}</code> and as a
            string in <code>github.event.inputs.{input.name}</code>.
          </p>
        </>
      );
    default:
      return <TextInput {...props} aria-label={input.name} />;
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
