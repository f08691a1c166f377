import type { IFormInputProps } from '@spinnaker/core';
import {
  createFakeReactSyntheticEvent,
  reactSelectOnBlurAdapter,
  reactSelectValidationErrorStyle,
  TetheredSelect,
} from '@spinnaker/core';
import React from 'react';

import { SelectValue } from './SelectValue';

import { type SelectOption, withCurrentValue } from './CreatableSelectInput';

export interface ChoiceSelectInputProps extends IFormInputProps {
  /** The values to choose from, shown as written. */
  choices: string[];
  /** Names the input for assistive technology; the field's label is not a <label>. */
  ariaLabel: string;
  placeholder?: string;
}

// react-select 1 ships no types, so @spinnaker/core's declaration of TetheredSelect has no props.
const Select = TetheredSelect as unknown as React.ComponentType<Record<string, unknown>>;

/**
 * One of a fixed list of strings. Not Deck's ReactSelectInput: in @spinnaker/core 0.29.1 it declares its select
 * component inside its render, so every render of the form (another field losing focus, say) remounts the select:
 * the click that opens it is lost and the focus Tab just gave it falls back to <body>.
 */
export function ChoiceSelectInput(props: ChoiceSelectInputProps) {
  const { name, value, onChange, onBlur, validation, choices, ariaLabel, placeholder } = props;
  const current = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  // A value written in the pipeline JSON stays visible, so it can be seen and replaced.
  const options = React.useMemo(
    () =>
      withCurrentValue(
        choices.map((choice) => ({ label: choice, value: choice })),
        current,
      ),
    [choices, current],
  );
  const invalid = validation?.category === 'error' && !validation.hidden;

  return (
    <Select
      name={name}
      value={current}
      options={options}
      clearable={false}
      placeholder={placeholder ?? 'Choose…'}
      aria-label={ariaLabel}
      valueComponent={SelectValue}
      style={invalid ? reactSelectValidationErrorStyle : undefined}
      onChange={(selection: SelectOption | null) =>
        onChange?.(createFakeReactSyntheticEvent({ name, value: selection?.value }))
      }
      onBlur={reactSelectOnBlurAdapter(name!, value, onBlur)}
    />
  );
}
