// ESLint: typescript-eslint's type-checked rules over every TypeScript file
// the project compiles (tsconfig.json); formatting is Prettier's
// (.prettierrc.json), so no stylistic rule here fights it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ignores: ['dist/', 'build/', 'prebuilds/', 'docs/', 'node_modules/', '**/*.js', '**/*.cjs', '**/*.mjs']},
	js.configs.recommended,
	...tseslint.configs.recommendedTypeChecked,
	...tseslint.configs.stylisticTypeChecked,
	{
		languageOptions: {
			parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname},
		},
		rules: {
			// Numbers and bigints read well in messages; objects and undefined do not.
			'@typescript-eslint/restrict-template-expressions': ['error', {allowNumber: true}],
			// node:test's describe/test return promises the runner itself awaits.
			'@typescript-eslint/no-floating-promises': ['error', {
				allowForKnownSafeCalls: [{from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite']}],
			}],
			// Arrays of tuples read better as Array<[a, b]> than [a, b][].
			'@typescript-eslint/array-type': ['error', {default: 'array-simple'}],
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
			// Rethrowing a caught `unknown` and rejecting with `signal.reason`
			// (which may be any value) keep the value as it is, on purpose.
			'@typescript-eslint/only-throw-error': ['error', {allowThrowingUnknown: true, allowThrowingAny: false}],
			'@typescript-eslint/prefer-promise-reject-errors': ['error', {allowThrowingUnknown: true}],
			// `() => {}` is the idiomatic no-op listener (e.g. an 'error' handler).
			'@typescript-eslint/no-empty-function': ['error', {allow: ['arrowFunctions']}],
			// The addon's exports (src/native.ts) are plain C functions that never
			// read `this`; the socket I/O loop passes them as its steps.
			'@typescript-eslint/unbound-method': 'off',
		},
	},
);
