import type { IFormInputProps } from '@spinnaker/core';
import {
  createFakeReactSyntheticEvent,
  reactSelectOnBlurAdapter,
  reactSelectValidationErrorStyle,
  TetheredCreatable,
} from '@spinnaker/core';
import React from 'react';

import { SelectValue } from './SelectValue';

export interface SelectOption {
  label: string;
  value: string;
}

export interface CreatableSelectInputProps extends IFormInputProps {
  options: SelectOption[];
  /** Names the input for assistive technology; the field's label is not a <label>. */
  ariaLabel: string;
  isLoading?: boolean;
  placeholder?: string;
  clearable?: boolean;
}

const promptTextCreator = (text: string) => `Use "${text}"`;

// react-select 1 ships no types, so @spinnaker/core's declaration of TetheredCreatable has no props.
const Creatable = TetheredCreatable as unknown as React.ComponentType<Record<string, unknown>>;

/** The options, plus the current value when none holds it: react-select 1 shows a value only when an option does. */
export function withCurrentValue(options: SelectOption[], current: string): SelectOption[] {
  return current && !options.some((option) => option.value === current)
    ? [...options, { label: current, value: current }]
    : options;
}

/**
 * A filterable select of known values that also takes any typed value (Enter, or the "Use …" option), SpEL included.
 * Deck's ReactSelectInput has a CREATABLE mode, but in @spinnaker/core 0.29.1 it only works with `multi`.
 */
export function CreatableSelectInput(props: CreatableSelectInputProps) {
  const { name, value, onChange, onBlur, validation, options, ariaLabel, isLoading, placeholder, clearable } = props;
  const current = typeof value === 'string' ? value : '';
  const allOptions = withCurrentValue(options, current);
  const invalid = validation?.category === 'error' && !validation.hidden;

  return (
    <Creatable
      name={name}
      value={current}
      options={allOptions}
      isLoading={isLoading}
      placeholder={placeholder}
      clearable={clearable ?? false}
      aria-label={ariaLabel}
      valueComponent={SelectValue}
      promptTextCreator={promptTextCreator}
      style={invalid ? reactSelectValidationErrorStyle : undefined}
      onChange={(selection: SelectOption | null) =>
        // Cleared is undefined rather than react-select's null, so the field leaves the stage instead of saving null.
        onChange?.(createFakeReactSyntheticEvent({ name, value: selection?.value }))
      }
      onBlur={reactSelectOnBlurAdapter(name!, value, onBlur)}
    />
  );
}
