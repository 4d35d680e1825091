import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const GITHUB_ONLY = { group: ['@actions/*', '@octokit/*'], message: 'Only src/github/ may import @actions/* or @octokit/* (DESIGN.md layout).' };
// The pure modules: no file or process I/O, no SSH, no on-box scripts (their phase.ts shells excepted).
const PURE = [
  {
    group: ['node:fs', 'node:fs/*', 'fs', 'node:child_process', 'child_process'],
    message: 'Pure module: no file or process I/O here; take it as a dependency (DESIGN.md: phase.ts does the I/O).',
  },
  { group: ['**/ssh/*', '**/remote/*'], message: 'Pure module: no SSH or on-box script here; the phase.ts shell passes what it observed.' },
];

// The same, for import(): a dynamic import of I/O is I/O all the same.
const PURE_DYNAMIC = 'ImportExpression[source.value=/^(node:)?(fs|child_process)(\\/|$)|\\/(ssh|remote)\\//]';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      // Input checks deliberately match control characters.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // DESIGN.md: only src/github may import the GitHub toolkits.
      'no-restricted-imports': ['error', { patterns: [GITHUB_ONLY] }],
    },
  },
  { files: ['src/github/**'], rules: { 'no-restricted-imports': 'off' } },
  {
    // Type-only imports are erased at build time, so they may name anything.
    files: ['src/patrol/**', 'src/report/**', 'src/verify/verifiers/**', 'src/verify/stream-scan.ts', 'src/verify/verify-files.ts', 'src/record/**'],
    ignores: ['**/phase.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [GITHUB_ONLY, ...PURE.map((p) => ({ ...p, allowTypeImports: true }))] }],
      // import() too: the import rules see only static imports.
      'no-restricted-syntax': ['error', { selector: PURE_DYNAMIC, message: 'Pure module: no file, process, SSH or on-box import here, not even import().' }],
    },
  },
  {
    // The ground floor: src/record/ imports nothing above it, not even types (docs/how-it-is-built.md layout; test/unit/layout.test.ts).
    files: ['src/record/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [GITHUB_ONLY, { group: ['../*'], message: 'src/record/ imports nothing above it.' }] }] },
  },
  {
    // src/config/ reads inputs with record/'s grammar and name lists and nothing else.
    files: ['src/config/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [GITHUB_ONLY, { regex: '^\\.\\./(?!record/)', message: 'src/config/ imports only src/record/.' }] }],
    },
  },
  {
    // The patrol and the on-box side stay apart: the registry (src/phases.ts) hands the probe to the patrol's shell.
    files: ['src/patrol/phase.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            GITHUB_ONLY,
            { group: ['**/remote/*'], message: 'The probe comes in as PatrolSteps (src/phases.ts passes src/remote/probe.ts).', allowTypeImports: true },
            { group: ['**/sync/*', '**/follow/*'], message: 'The sync and the follow come in as PatrolSteps (src/phases.ts).', allowTypeImports: true },
            PURE[0],
          ],
        },
      ],
      // import() too: the import rules above see only static imports.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/\\/(remote|sync|follow)\\//]',
          message: 'The probe, sync and follow come in as PatrolSteps (src/phases.ts).',
        },
      ],
    },
  },
  {
    // process.kill(0 or -0, …) signals the test runner's own process group (vitest, npm, the CI script): a pid read
    // from a half-written pid file once took a whole CI run down. Tests signal through test/harness/pids.ts.
    files: ['test/**', 'bench/**'],
    ignores: ['test/harness/pids.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'kill', message: 'Use signalPid from test/harness/pids.ts: it refuses pid 0 and 1.' },
      ],
    },
  },
  {
    files: ['src/remote/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [GITHUB_ONLY, { group: ['**/patrol/*'], message: 'src/remote/ does not import the patrol.' }] }] },
  },
);
