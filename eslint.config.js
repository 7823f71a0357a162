// ESLint flat config. Besides typescript-eslint's strict type-checked rules, it enforces the
// dependency direction of ../shared/CONVENTIONS.md: src/ never imports functions/, infra/ or test/;
// the sync engine depends on provider and kube interfaces, never on their adapters; only the CLI's
// kubeconfig loading (src/app/kube.ts), src/migrate and src/local (dev tooling) import
// @kubernetes/client-node: the Lambda (functions/, src/kube, src/aws) must not bundle it.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const outward = ['**/functions/**', '**/infra/**', '**/test/**', '**/bench/**'];
// client-node's runtime (with undici, its generated model, socks, js-yaml) is 1.3 MB of bundle.
const noClientNode = { name: '@kubernetes/client-node', message: 'the Lambda bundle must not carry client-node: use src/kube/https-gateway.ts and src/kube/kubeconfig.ts' };
const noCliKube = { group: ['**/app/kube.ts'], message: 'src/app/kube.ts loads kubeconfigs with client-node (CLI only); use src/app/kubeconfig-text.ts' };

export default defineConfig(
  { ignores: ['node_modules/**', 'cdk.out/**', 'coverage/**', 'bench/results/**', '.tmp/**', 'dist/**'] },
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
      'no-restricted-imports': ['error', { paths: [noClientNode], patterns: [
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
  {
    // What the Lambda handler reaches besides src/kube: no client-node, not even through the CLI's loader.
    files: ['functions/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noClientNode], patterns: [noCliKube] }] },
  },
  {
    files: ['src/aws/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noClientNode], patterns: [{ group: outward, message: 'src/ must not import functions/, infra/, test/ or bench/' }, noCliKube] }],
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
