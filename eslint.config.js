// ESLint flat config. Besides typescript-eslint's strict type-checked rules, it enforces the
// dependency direction of ../shared/CONVENTIONS.md: src/ never imports functions/, infra/ or test/;
// the sync engine depends on provider and kube interfaces, never on their adapters; only src/kube
// and src/local (dev tooling) and src/app (composition root) import @kubernetes/client-node.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const outward = ['**/functions/**', '**/infra/**', '**/test/**', '**/bench/**'];

export default defineConfig(
  { ignores: ['node_modules/**', 'cdk.out/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // client-node's model classes are plain data at runtime; its own examples pass object literals.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    // vitest's asymmetric matchers are typed `any`, and tests index fixtures they just built.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: outward, message: 'src/ must not import functions/, infra/, test/ or bench/ (dependencies point one way)' }] }],
    },
  },
  {
    files: ['src/sync/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: '@kubernetes/client-node', message: 'the engine uses the kube gateway interface (src/kube/gateway.ts)' }],
        patterns: [
          { group: outward, message: 'src/ must not import functions/, infra/, test/ or bench/' },
          { group: ['**/providers/webhook/provider.ts', '**/providers/webhook/transport.ts', '**/providers/webhook/request*.ts', '**/providers/webhook/retry.ts', '**/kube/client-node*', '**/kube/adapter*'], message: 'the engine depends on interfaces, not adapters; wire adapters in src/app/' },
        ],
      }],
    },
  },
  {
    // The Kubernetes adapter depends on the model, never on the engine that uses it.
    files: ['src/kube/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: outward, message: 'src/ must not import functions/, infra/, test/ or bench/' },
        { group: ['**/sync/**', '**/app/**', '**/cli/**'], message: 'src/kube is an adapter: it may use src/model, not the engine' },
      ] }],
    },
  },
  {
    // The template engine is a general Go text/template + Sprig library: it knows nothing of the
    // product that uses it (only the shared error base in src/model).
    files: ['src/template/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: outward, message: 'src/ must not import functions/, infra/, test/ or bench/' },
        { group: ['**/providers/**', '**/sync/**', '**/config/**', '**/kube/**', '**/app/**', '**/cli/**'], message: 'src/template is a library: providers, sync and config use it, never the other way' },
      ] }],
    },
  },
  {
    files: ['src/config/**/*.ts', 'src/model/**/*.ts', 'src/providers/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: '@kubernetes/client-node', message: 'only src/kube (and dev tooling in src/local) talks to Kubernetes' }],
        patterns: [{ group: outward, message: 'src/ must not import functions/, infra/, test/ or bench/' }],
      }],
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
