import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layers of lib/ and what each may import (besides itself and packages).
 * Dependencies point inward: core depends on nothing; cli sits outside.
 * test/lint/boundaries.test.ts shows a wrong import failing this rule.
 */
export const LAYERS = {
  core: [],
  pod: ['core'],
  wiring: ['core'],
  resources: ['core'],
  workloads: ['core', 'pod', 'wiring'],
  recipes: ['core', 'pod', 'resources'],
  guardrails: ['core'],
  gitops: ['core'],
  synth: ['core', 'guardrails', 'gitops'],
  diff: ['core'],
  cli: ['core', 'synth', 'guardrails', 'gitops', 'diff', 'graph'],
  graph: ['core'],
  pulumi: ['core', 'synth', 'guardrails', 'resources', 'recipes'],
};

const zones = [
  ...Object.entries(LAYERS).map(([layer, allowed]) => ({
    target: `./lib/${layer}`,
    from: './lib',
    except: [`./${layer}`, ...allowed.map((a) => `./${a}`)],
    message: `lib/${layer} may import ${allowed.length ? `only ${allowed.map((a) => `lib/${a}`).join(', ')}` : 'nothing else in lib/'} (the layer table in eslint.config.mjs).`,
  })),
  // the public entry never loads the CLI: `import 'libk8s'` stays free of it
  { target: './lib/index.ts', from: './lib/cli', message: "lib/index.ts must not import lib/cli: `import 'libk8s'` never loads the CLI." },
];

export default tseslint.config(
  { ignores: ['build/**', 'dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*/dist/*'], message: 'import from lib' }] }],
    },
  },
  {
    files: ['lib/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.d.ts', '.js', '.json'] })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      // every folder of lib/ is a layer in the table above: a new one must be placed in it
      'import-x/no-unresolved': 'off',
    },
  },
);
