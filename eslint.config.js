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
  {
    files: ['*.{js,ts}', 'backend/**/*.ts', 'bench/*.{mjs,ts}', 'dev/*.mjs'],
    languageOptions: { globals: globals.node },
  },
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
    // @tanstack/eslint-plugin-query stays at v5 although the plugin runs react-query v4: every v4 release (up to
    // 4.44.0) declares eslint ^6 || ^7 || ^8, ships no flat config, and its exhaustive-deps rule calls
    // context.getScope(), which ESLint 9 removed. The v5 rules read query keys and options that v4 shares.
    extends: [reactHooks.configs.flat.recommended, pluginQuery.configs['flat/recommended']],
    rules: { 'react-hooks/exhaustive-deps': 'error' },
  },
);
