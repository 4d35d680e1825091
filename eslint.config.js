import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly' } },
    rules: {
      // Input checks deliberately match control characters.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // DESIGN.md: only src/github may import the GitHub toolkits.
      'no-restricted-imports': ['error', { patterns: [{ group: ['@actions/*', '@octokit/*'], message: 'Only src/github/ may import @actions/* or @octokit/* (DESIGN.md layout).' }] }],
    },
  },
  { files: ['src/github/**'], rules: { 'no-restricted-imports': 'off' } },
);
