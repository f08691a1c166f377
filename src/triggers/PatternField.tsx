import type { IFormInputProps } from '@spinnaker/core';
import { FormikFormField, HelpField, TextInput } from '@spinnaker/core';
import React from 'react';

export interface PatternFieldProps {
  name: string;
  label: string;
  /** What the pattern is matched against, e.g. "the run's branch". */
  subject: string;
  placeholder: string;
  example: string;
}

/** A regular expression that must match the whole value; empty matches anything. */
export function PatternField({ name, label, subject, placeholder, example }: PatternFieldProps) {
  const help =
    `A regular expression that must match ${subject} as a whole (<code>${example}</code>). ` +
    'Leave it empty to match any.';
  return (
    <FormikFormField
      name={name}
      label={label}
      help={<HelpField content={help} />}
      input={(props: IFormInputProps) => <TextInput {...props} placeholder={placeholder} aria-label={label} />}
    />
  );
}
