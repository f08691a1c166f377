import '@testing-library/jest-dom/vitest';
import { configure } from '@testing-library/react';
import jquery from 'jquery';

// Deck provides jQuery as a global; @spinnaker/core's dependencies (Bootstrap's JavaScript, angular) need it.
Object.assign(window, { $: jquery, jQuery: jquery });

// @spinnaker/core injects Deck's stylesheets (about 2,000 rules) as <style> elements when imported. jsdom matches
// every rule on each getComputedStyle, which react-select and user-event call often; no test depends on them.
await import('@spinnaker/core');
document.querySelectorAll('style').forEach((style) => style.remove());

// On a busy 2-core CI machine Deck's components can take longer than Testing Library's 1 s default to appear.
configure({ asyncUtilTimeout: 5_000 });
