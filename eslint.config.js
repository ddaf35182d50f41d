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
		},
	},
);
