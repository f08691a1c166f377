import '@testing-library/jest-dom/vitest';
import jquery from 'jquery';

// Deck provides jQuery as a global; @spinnaker/core's dependencies (Bootstrap's JavaScript, angular) need it.
Object.assign(window, { $: jquery, jQuery: jquery });
