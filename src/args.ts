/**
 * Argument checks shared by the socket and os modules. Each names the
 * parameter in its message and carries Node's `code`
 * (`ERR_INVALID_ARG_TYPE`, `ERR_OUT_OF_RANGE`), so the addon only ever sees
 * values of the right type.
 *
 * @internal
 * @module
 */
import {argRangeError, argTypeError, ValueError} from './errors.js';

/** A short description of a value's type for TypeError messages. */
export function typeName(value: unknown): string {
	if (value === null) {
		return 'null';
	}

	if (Array.isArray(value)) {
		return 'array';
	}

	if (typeof value === 'object') {
		return value.constructor?.name ?? 'object';
	}

	return typeof value;
}

/** `value` for a message: a number as itself (`1.5`, `NaN`), anything else by its type. */
export function valueName(value: unknown): string {
	return typeof value === 'number' ? String(value) : typeName(value);
}

/**
 * `value` as a C int: TypeError (`ERR_INVALID_ARG_TYPE`) unless it is an
 * integer (Python's "'str' object cannot be interpreted as an integer"),
 * RangeError (`ERR_OUT_OF_RANGE`) outside the int32 range (Python's
 * OverflowError).
 */
export function toInt32(value: unknown, name: string): number {
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		throw argTypeError(`${name} must be an integer, not ${typeName(value)}`);
	}

	if (value < -0x8000_0000 || value > 0x7fff_ffff) {
		throw argRangeError(`${name} is out of range for a C int: ${value}`);
	}

	return value;
}

/** A buffer size for recv/read: integer in [0, 2^31 - 1]; negative -> ValueError (Python). */
export function toBufsize(value: unknown, syscall: string): number {
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		throw argTypeError(`${syscall}(): buffer size must be an integer, not ${typeName(value)}`);
	}

	if (value < 0) {
		throw new ValueError(`negative buffersize in ${syscall}`, 'ERR_INVALID_BUFSIZE');
	}

	if (value > 0x7fff_ffff) {
		throw argRangeError(`${syscall}(): buffer size too large: ${value}`);
	}

	return value;
}
