import js from '@eslint/js';
import pluginQuery from '@tanstack/eslint-plugin-query';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['build/', 'dist/', 'backend/dist/', 'backend/data/', 'coverage/', '**/node_modules/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // `const { secret: _secret, ...rest } = value` is how we drop a field; that is not an unused variable.
    rules: { '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }] },
  },
  { files: ['*.{js,ts}', 'backend/**/*.ts', 'bench/*.{mjs,ts}'], languageOptions: { globals: globals.node } },
  // The sandbox (npm start without a GitHub App): a Node server, and a browser page in sandbox/page/.
  { files: ['sandbox/**/*.{ts,mjs}'], languageOptions: { globals: globals.node } },
  // Deck's settings and the jQuery shim run in the browser page of the sandbox's Deck (sandbox/buildDeck.ts).
  { files: ['sandbox/deck/*.{js,cjs}'], languageOptions: { globals: { ...globals.browser, ...globals.commonjs } } },
  {
    files: ['sandbox/page/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    extends: [reactHooks.configs.flat.recommended],
    rules: { '@typescript-eslint/consistent-type-imports': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // The rules of @spinnaker/pluginsdk's pluginconfig/eslintrc that still apply (consistent type imports, hooks).
    files: ['src/**/*.{ts,tsx}', 'test/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    rules: { '@typescript-eslint/consistent-type-imports': 'error' },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended, pluginQuery.configs['flat/recommended']],
    rules: { 'react-hooks/exhaustive-deps': 'error' },
  },
);
