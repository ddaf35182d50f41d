// The compiler options of a user's strict project, for type-checking
// programs against the declarations in dist/ (test/types/declarations.test.ts,
// test/readme.test.ts): tsconfig.json's `compilerOptions`, as JSON.
import {join} from 'node:path';

/**
 * @param root - the package's root directory
 * @returns strict options with skipLibCheck off and no emit
 */
export function consumerCompilerOptions(root: string): Record<string, unknown> {
	return {
		target: 'ES2022',
		lib: ['ES2023', 'ESNext.Disposable'],
		module: 'node16',
		moduleResolution: 'node16',
		strict: true,
		exactOptionalPropertyTypes: true,
		noUncheckedIndexedAccess: true,
		skipLibCheck: false,
		noEmit: true,
		types: ['node'],
		typeRoots: [join(root, 'node_modules', '@types')],
	};
}
