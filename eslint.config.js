// @ts-check
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.tools/**', 'db/migrations/**', 'coverage/**', 'web/dist/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/ignore': ['node_modules'] },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Fastify plugins are async by contract even when they await nothing.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read JSON responses; typing every body would add noise, not safety.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['eslint.config.js', 'vitest.config.ts', 'vitest.chaos.config.ts', 'drizzle.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Workflow code is replayed: it must stay deterministic and free of I/O.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflow code must not use Node.js modules.' },
            { group: ['**/api/**', '**/db/**', '../api', '../db'], message: 'Workflows may not import api/ or db/.' },
            { group: ['**/activities/**', '../activities'], message: 'Import only activity types.', allowTypeImports: true },
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Only @temporalio/workflow and @temporalio/common in workflows.' },
            { group: ['fs', 'path', 'crypto', 'http', 'https', 'net', 'child_process', 'os'], message: 'No I/O in workflow code.' },
          ],
        },
      ],
    },
  },
  {
    // Pure rules: no I/O and none of our other layers.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', '@temporalio/*', 'fs', 'path', 'crypto', '**/api', '**/api/**', '**/db', '**/db/**', '**/activities', '**/activities/**', '**/workflows', '**/workflows/**'],
              message: 'domain/ holds pure rules: no I/O and none of the other layers.',
            },
          ],
        },
      ],
    },
  },
);
