// ESLint (flat config): typescript-eslint's type-checked rules over the TypeScript sources
// and tests, the recommended rules over the plain JavaScript of bench/ and scripts/.
// Formatting is Prettier's job (`npm run format`), so stylistic rules are turned off.
'use strict';
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');
const globals = require('globals');

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.dist-build-*/**', 'test/fixtures/**', 'templates/**'] },
  {
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    rules: {
      // `require()` is how the plugin loads command modules lazily (every `sls` command pays for start-up).
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // jest's expect(fn).toThrow and mocks hand methods around on purpose.
      '@typescript-eslint/unbound-method': 'off',
      // jest types its asymmetric matchers (expect.stringContaining, expect.any…) as any.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // fakes implement asynchronous interfaces with bodies that need no await
      '@typescript-eslint/require-await': 'off',
    },
  },
  prettier,
);
