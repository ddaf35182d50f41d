// The addon's contract (native/util.h): every function makes its system
// call and returns the result or -errno, never throwing for an OS error; it
// throws TypeError for a wrong-typed argument (code ERR_INVALID_ARG_TYPE, or
// ERR_MISSING_ARGS) and RangeError (ERR_OUT_OF_RANGE) for an offset or length
// outside a buffer, as Node's own errors do. Every function the binding exports must have a
// case here, so a new one cannot slip in untested.
import assert from 'node:assert/strict';
import {constants} from 'node:os';
import {describe, test} from 'node:test';
import {C, native} from '../src/native.js';
import {ensureReactor, R} from '../src/async/reactor.js';
import {checkFdLeaks} from './helpers/fds.js';

// signalInit's wake-up pipe and helper thread live as long as the process (no disposition changes):
// made here, before the fd-leak snapshot, so that the case below sees "already done" (1).
(native as unknown as {signalInit: (callback: () => void) => number}).signalInit(() => undefined);
checkFdLeaks();

const E = constants.errno;
const AF_INET = C['AF_INET'] ?? 2;
const AF_UNIX = C['AF_UNIX'] ?? 1;
const SOCK_STREAM = C['SOCK_STREAM'] ?? 1;
const SOL_SOCKET = C['SOL_SOCKET'] ?? 1;
const SIGNALS = (native as unknown as {signalConstants: Record<string, number>}).signalConstants;
const {SIGKILL = 9, SIGPIPE = 13, SIGUSR2 = 12, SIG_BLOCK = 0, NSIG = 65, SIZEOF_SIGACTION = 152} = SIGNALS;
const sigaction = (): Uint8Array => new Uint8Array(SIZEOF_SIGACTION);

/** What an argument is, and so which value has the wrong type for it. */
type Kind =
	| 'fd'
	| 'int'
	| 'uint'
	| 'double'
	| 'bytes'
	| 'int32array'
	| 'string'
	| 'stringOrNull'
	| 'boolean'
	| 'function'
	| 'float64array'
	| 'bytesOrNull'
	| 'array'
	| 'ring';

const wrongValue: Record<Kind, unknown> = {
	fd: 'x',
	int: 'x',
	uint: 'x',
	double: 'x',
	bytes: 'x',
	int32array: new Float64Array(4),
	string: 42,
	stringOrNull: 42,
	boolean: 1,
	function: 42,
	float64array: new Int32Array(2),
	bytesOrNull: 'x',
	array: 'x',
	ring: 'x',
};

interface Case {
	/** Valid arguments, with -1 wherever the kind is 'fd'. */
	readonly args: () => unknown[];
	readonly kinds: readonly Kind[];
	/** For fd-less functions: checks the result of a valid call (and releases what it made). */
	readonly check?: (result: unknown) => void;
	/** For fd functions whose fd sits inside an array argument. */
	readonly expectBadf?: boolean;
	/** Why the valid call cannot run here (io_uring refused by the kernel), or false. */
	readonly skip?: () => string | false;
}

type Fn = (...args: unknown[]) => unknown;

function closeFd(fd: unknown): void {
	assert.equal(typeof fd, 'number');
	assert.ok((fd as number) >= 0, `expected an fd, got ${String(fd)}`);
	assert.equal(native.close(fd as number), 0);
}

const bytes = (): Uint8Array => new Uint8Array(8);
const noop = (): void => undefined;

/** This environment's reactor, started (as by the first selectAsync()). */
function reactor(): void {
	ensureReactor();
}

const ip = ['127.0.0.1', 9, 0, 0] as const;

/** An io_uring ring (native/uring.c), already closed: its functions then return -EBADF. */
let closedRing: unknown;
function ring(): unknown {
	if (closedRing === undefined) {
		const made = native.uringSetup?.(2, 0, 0, new Int32Array(4));
		closedRing = typeof made === 'object' ? made : null;
		if (typeof made === 'object') {
			assert.equal(native.uringClose!(made), 0);
		}
	}

	return closedRing;
}

const uringSkip = (): string | false => (ring() === null ? 'io_uring refused here' : false);
const badRing = (result: unknown): void => {
	assert.equal(result, -E.EBADF, 'a closed ring');
};

const cases: Record<string, Case> = {
	// Sockets (fd first).
	bind: {args: () => [-1, AF_INET, ...ip], kinds: ['fd', 'int', 'string', 'uint', 'uint', 'uint']},
	connect: {args: () => [-1, AF_INET, ...ip], kinds: ['fd', 'int', 'string', 'uint', 'uint', 'uint']},
	listen: {args: () => [-1, 1], kinds: ['fd', 'int']},
	accept: {args: () => [-1, true], kinds: ['fd', 'boolean']},
	recv: {args: () => [-1, bytes(), 0, 1, 0], kinds: ['fd', 'bytes', 'uint', 'uint', 'int']},
	send: {args: () => [-1, bytes(), 0, 1, 0], kinds: ['fd', 'bytes', 'uint', 'uint', 'int']},
	sendto: {
		args: () => [-1, bytes(), 0, 1, 0, AF_INET, ...ip],
		kinds: ['fd', 'bytes', 'uint', 'uint', 'int', 'int', 'string', 'uint', 'uint', 'uint'],
	},
	recvfrom: {args: () => [-1, bytes(), 0, 1, 0], kinds: ['fd', 'bytes', 'uint', 'uint', 'int']},
	shutdown: {args: () => [-1, 2], kinds: ['fd', 'int']},
	setsockoptInt: {args: () => [-1, SOL_SOCKET, C['SO_REUSEADDR'], 1], kinds: ['fd', 'int', 'int', 'int']},
	getsockoptInt: {
		args: () => [-1, SOL_SOCKET, C['SO_TYPE'], new Int32Array(1)],
		kinds: ['fd', 'int', 'int', 'int32array'],
	},
	setsockoptBytes: {
		args: () => [-1, SOL_SOCKET, C['SO_LINGER'], new Int32Array(2)],
		kinds: ['fd', 'int', 'int', 'bytes'],
	},
	getsockoptBytes: {
		args: () => [-1, SOL_SOCKET, C['SO_LINGER'], bytes()],
		kinds: ['fd', 'int', 'int', 'bytes'],
	},
	sendmsg: {
		args: () => [-1, [bytes()], [[SOL_SOCKET, 1, bytes()]], 0, AF_INET, ...ip],
		kinds: ['fd', 'array', 'array', 'int', 'int', 'string', 'uint', 'uint', 'uint'],
	},
	recvmsg: {args: () => [-1, [bytes()], bytes(), 0], kinds: ['fd', 'array', 'bytes', 'int']},
	sendfile: {args: () => [-1, -1, 0, 1], kinds: ['fd', 'fd', 'double', 'double']},
	lseek: {args: () => [-1, 0, 0], kinds: ['fd', 'double', 'int']},
	getsockname: {args: () => [-1], kinds: ['fd']},
	getpeername: {args: () => [-1], kinds: ['fd']},
	// Any fd.
	close: {args: () => [-1], kinds: ['fd']},
	read: {args: () => [-1, bytes(), 0, 1], kinds: ['fd', 'bytes', 'uint', 'uint']},
	write: {args: () => [-1, bytes(), 0, 1], kinds: ['fd', 'bytes', 'uint', 'uint']},
	fcntl: {args: () => [-1, C['F_GETFL'], 0], kinds: ['fd', 'int', 'int']},
	dup: {args: () => [-1], kinds: ['fd']},
	// Multiplexing. select() refuses a negative fd in its set (EBADF).
	select: {
		args: () => [new Int32Array([-1, 1]), 1, 0, new Int32Array(2)],
		kinds: ['int32array', 'uint', 'int', 'int32array'],
		expectBadf: true,
	},
	epollCtl: {args: () => [-1, C['EPOLL_CTL_ADD'], 0, C['EPOLLIN']], kinds: ['fd', 'int', 'int', 'uint']},
	epollWait: {args: () => [-1, new Int32Array(4), 1, 0], kinds: ['fd', 'int32array', 'uint', 'int']},
	epollReplace: {args: () => [-1, -2], kinds: ['fd', 'fd']},
	keventApply: {
		args: () => [-1, new Int32Array(3), 0, new Int32Array(1)],
		kinds: ['fd', 'int32array', 'uint', 'int32array'],
	},
	keventWait: {args: () => [-1, new Int32Array(18), 1, 0], kinds: ['fd', 'int32array', 'uint', 'int']},

	// Functions that take no fd, each with its own check.
	socket: {
		args: () => [AF_INET, SOCK_STREAM, 0],
		kinds: ['int', 'int', 'int'],
		check: closeFd,
	},
	socketpair: {
		args: () => [AF_UNIX, SOCK_STREAM, 0, new Int32Array(2)],
		kinds: ['int', 'int', 'int', 'int32array'],
		check(result) {
			assert.equal(result, 0);
		},
	},
	getaddrinfo: {
		args: () => ['127.0.0.1', '80', AF_INET, SOCK_STREAM, 0, 0],
		kinds: ['stringOrNull', 'stringOrNull', 'int', 'int', 'int', 'int'],
		check(result) {
			assert.deepEqual(result, [
				[AF_INET, SOCK_STREAM, C['IPPROTO_TCP'], '', [AF_INET, '127.0.0.1', 80]],
			]);
		},
	},
	pipe: {
		args: () => [new Int32Array(2)],
		kinds: ['int32array'],
		check(result) {
			assert.equal(result, 0);
		},
	},
	getrlimitNofile: {
		args: () => [new Float64Array(2)],
		kinds: ['bytes'],
		check(result) {
			assert.equal(result, 0);
		},
	},
	setrlimitNofile: {
		args() {
			const out = new Float64Array(2);
			assert.equal(native.getrlimitNofile(out), 0);
			return [out[0], out[1]];
		},
		kinds: ['double', 'double'],
		check(result) {
			assert.equal(result, 0);
		},
	},
	strerror: {
		args: () => [E.EBADF],
		kinds: ['int'],
		check(result) {
			assert.equal(result, 'Bad file descriptor');
		},
	},
	// poll() ignores a negative fd (POSIX: "the events field is ignored and
	// revents is set to 0"), which is how a caller leaves a hole in its set.
	poll: {
		args: () => [new Int32Array([-1, C['POLLIN'] ?? 1]), 1, 0, new Int32Array(2)],
		kinds: ['int32array', 'uint', 'int', 'int32array'],
		check(result) {
			assert.equal(result, 0);
		},
	},
	cmsgLen: {args: () => [4], kinds: ['uint'], check: result => assert.equal(result, native.cmsgLen(0) + 4)},
	cmsgSpace: {
		args: () => [4],
		kinds: ['uint'],
		check: result => assert.ok((result as number) >= native.cmsgLen(4)),
	},
	// Names and addresses (native/netdb.c).
	gethostname: {args: () => [], kinds: [], check: result => assert.equal(typeof result, 'string')},
	getnameinfo: {
		args: () => [AF_INET, '127.0.0.1', 9, 0, 0, (C['NI_NUMERICHOST'] ?? 1) | (C['NI_NUMERICSERV'] ?? 2)],
		kinds: ['int', 'string', 'uint', 'uint', 'uint', 'int'],
		check: result => assert.deepEqual(result, ['127.0.0.1', '9']),
	},
	inetPton: {
		args: () => [AF_INET, '10.1.2.3', new Uint8Array(16)],
		kinds: ['int', 'string', 'bytes'],
		check: result => assert.equal(result, 4),
	},
	inetNtop: {
		args: () => [AF_INET, Uint8Array.of(10, 1, 2, 3)],
		kinds: ['int', 'bytes'],
		check: result => assert.equal(result, '10.1.2.3'),
	},
	inetAton: {
		args: () => ['10.1', new Uint8Array(4)],
		kinds: ['string', 'bytes'],
		check: result => assert.equal(result, 1),
	},
	getservbyname: {
		args: () => ['no-such-service', null],
		kinds: ['string', 'stringOrNull'],
		check: result => assert.equal(result, -1),
	},
	getservbyport: {
		args: () => [0, 'no-such-proto'],
		kinds: ['uint', 'stringOrNull'],
		check: result => assert.equal(result, null),
	},
	getprotobyname: {
		args: () => ['no-such-protocol'],
		kinds: ['string'],
		check: result => assert.equal(result, -1),
	},
	ifNametoindex: {args: () => ['no-such-if0'], kinds: ['string'], check: result => assert.equal(result, 0)},
	ifIndextoname: {
		args: () => [0x7fff_fff0],
		kinds: ['uint'],
		check: result => assert.equal(result, -E.ENXIO),
	},
	ifNameindex: {args: () => [], kinds: [], check: result => assert.ok(Array.isArray(result))},
	epollCreate: {args: () => [], kinds: [], check: closeFd},
	// The reactor (native/reactor.c): started once per environment.
	reactorOpen: {
		args: () => (reactor(), [noop, new Int32Array(2 * R.BATCH)]),
		kinds: ['function', 'int32array'],
		check: result => assert.equal(result, -E.EALREADY, 'already started'),
	},
	reactorAdd: {args: () => (reactor(), [-1, R.IN, 1]), kinds: ['fd', 'uint', 'uint']},
	reactorMod: {args: () => (reactor(), [-1, R.IN, 1]), kinds: ['fd', 'uint', 'uint']},
	reactorDel: {args: () => (reactor(), [-1]), kinds: ['fd']},
	reactorCount: {args: () => [], kinds: [], check: result => assert.equal(typeof result, 'number')},
	reactorRef: {
		args: () => (reactor(), [false]),
		kinds: ['boolean'],
		check: result => assert.equal(result, 0),
	},
	kqueue: {args: () => [], kinds: [], check: closeFd},
	// io_uring (native/uring.c): a ring is an external; a closed one answers EBADF.
	uringSetup: {
		args: () => [2, 0, 0, new Int32Array(4)],
		kinds: ['uint', 'uint', 'uint', 'int32array'],
		check: result => {
			if (typeof result === 'number') {
				assert.ok(result < 0, 'refused: -errno');
			} else {
				assert.equal(native.uringClose!(result as never), 0);
			}
		},
	},
	uringQueue: {
		args: () => [ring(), new Int32Array(8), 1],
		kinds: ['ring', 'int32array', 'uint'],
		check: badRing,
		skip: uringSkip,
	},
	uringEnter: {
		args: () => [ring(), 0, 0, 0],
		kinds: ['ring', 'uint', 'uint', 'int'],
		check: badRing,
		skip: uringSkip,
	},
	uringReap: {
		args: () => [ring(), new Int32Array(4), 1],
		kinds: ['ring', 'int32array', 'uint'],
		check: badRing,
		skip: uringSkip,
	},
	uringClose: {
		args: () => [ring()],
		kinds: ['ring'],
		check: result => assert.equal(result, 0, 'idempotent'),
		skip: uringSkip,
	},
	// Signals (native/signal.c): valid calls that change no disposition of this process.
	signalInit: {args: () => [noop], kinds: ['function'], check: result => assert.equal(result, 1)},
	signalFlag: {
		args: () => [],
		kinds: [],
		check: result => assert.equal((result as ArrayBuffer).byteLength, 4),
	},
	sigactionGet: {
		args: () => [SIGUSR2, sigaction()],
		kinds: ['int', 'bytes'],
		check: result => assert.ok([0, 1, 2].includes(result as number)),
	},
	sigactionInstall: {
		args: () => [SIGKILL, null],
		kinds: ['int', 'bytesOrNull'],
		check: result => assert.equal(result, -E.EINVAL),
	},
	sigactionSet: {
		args: () => [SIGKILL, 0, sigaction()],
		kinds: ['int', 'int', 'bytes'],
		check: result => assert.equal(result, -E.EINVAL),
	},
	signalTake: {
		args: () => [new Int32Array(NSIG)],
		kinds: ['int32array'],
		check: result => assert.equal(result, 0),
	},
	signalWakeupFd: {args: () => [-1], kinds: ['int'], check: result => assert.equal(result, -1)},
	signalWakeupErrno: {args: () => [], kinds: [], check: result => assert.equal(result, 0)},
	raise: {args: () => [SIGPIPE], kinds: ['int'], check: result => assert.equal(result, 0)}, // Node ignores SIGPIPE
	strsignal: {
		args: () => [SIGPIPE],
		kinds: ['int'],
		check: result => assert.equal(typeof result, 'string'),
	},
	signalValid: {
		args: () => [new Int32Array(NSIG)],
		kinds: ['int32array'],
		check: result => assert.ok((result as number) > 30),
	},
	alarm: {args: () => [0], kinds: ['uint'], check: result => assert.equal(result, 0)},
	setitimer: {
		args: () => [0, 0, 0, new Float64Array(2)],
		kinds: ['int', 'double', 'double', 'float64array'],
		check: result => assert.equal(result, 0),
	},
	getitimer: {
		args: () => [0, new Float64Array(2)],
		kinds: ['int', 'float64array'],
		check: result => assert.equal(result, 0),
	},
	pthreadSigmask: {
		args: () => [SIG_BLOCK, new Int32Array(0), 0, new Int32Array(NSIG)],
		kinds: ['int', 'int32array', 'uint', 'int32array'],
		check: result => assert.ok((result as number) >= 0),
	},
	// node-selectors/select and the Waker (native/eventfd.c).
	eventfd: {args: () => [0, 0], kinds: ['uint', 'int'], check: closeFd},
	wakerWake: {args: () => [new Int32Array([0, 1]), -1, 8], kinds: ['int32array', 'fd', 'int']},
	wakerClose: {
		args: () => [new Int32Array([0, 1]), -1, -1],
		kinds: ['int32array', 'int', 'int'],
		check: result => assert.equal(result, 0, 'cleared the open flag; no fd to close'),
	},
};

const exported = Object.entries(native).filter(([, value]) => typeof value === 'function') as Array<
	[string, Fn]
>;

/** Releases fds a valid no-fd call created through an out-array argument. */
function releaseOutFds(name: string, args: unknown[]): void {
	if (name === 'socketpair' || name === 'pipe') {
		const out = args.at(-1) as Int32Array;
		closeFd(out[0]);
		closeFd(out[1]);
	}
}

describe('native contract', () => {
	test('every exported function has a contract case', () => {
		const missing = exported.map(([name]) => name).filter(name => !(name in cases));
		assert.deepEqual(missing, [], `add a case to test/native.test.ts for: ${missing.join(', ')}`);
	});

	test('platform-specific functions exist only on their platform', () => {
		const linux = process.platform === 'linux';
		const bsd = ['darwin', 'freebsd', 'openbsd', 'netbsd'].includes(process.platform);
		for (const name of ['epollCreate', 'epollCtl', 'epollWait', 'epollReplace']) {
			assert.equal(typeof native[name as keyof typeof native] === 'function', linux, name);
		}

		for (const name of ['kqueue', 'keventApply', 'keventWait']) {
			assert.equal(typeof native[name as keyof typeof native] === 'function', bsd, name);
		}
	});

	for (const [name, fn] of exported) {
		const spec = cases[name];
		if (spec === undefined) {
			continue; // reported by the first test
		}

		const takesFd = spec.kinds.includes('fd') || spec.expectBadf === true;
		if (takesFd) {
			test(`${name}: fd -1 returns -EBADF`, () => {
				assert.equal(fn(...spec.args()), -E.EBADF);
			});
		} else {
			test(`${name}: a valid call`, {skip: spec.skip?.() ?? false}, () => {
				const args = spec.args();
				const result = fn(...args);
				spec.check?.(result);
				releaseOutFds(name, args);
			});
		}

		test(
			`${name}: TypeError with Node's code for each wrong-typed argument, and for missing arguments`,
			{skip: spec.skip?.() ?? false},
			() => {
				spec.kinds.forEach((kind, index) => {
					const args = spec.args();
					args[index] = wrongValue[kind];
					assert.throws(
						() => fn(...args),
						{
							name: 'TypeError',
							code: 'ERR_INVALID_ARG_TYPE',
							message: new RegExp(`^Argument ${index} `),
						},
						`argument ${index} (${kind})`,
					);
				});
				if (spec.kinds.length > 0) {
					assert.throws(
						() => fn(...spec.args().slice(0, -1)),
						{name: 'TypeError', code: 'ERR_MISSING_ARGS'},
						'one argument short',
					);
				}
			},
		);
	}

	test('offsets and lengths outside the buffer are RangeErrors (ERR_OUT_OF_RANGE), before any system call', () => {
		const buf = new Uint8Array(4);
		assert.throws(() => native.send(-1, buf, 0, 5, 0), {name: 'RangeError', code: 'ERR_OUT_OF_RANGE'});
		for (const name of ['recv', 'send', 'recvfrom'] as const) {
			assert.throws(() => native[name](-1, buf, 0, 5, 0), RangeError, name);
			assert.throws(() => native[name](-1, buf, 5, 0, 0), RangeError, name);
		}

		assert.throws(() => native.read(-1, buf, 2, 3), RangeError);
		assert.throws(() => native.write(-1, buf, 4, 1), RangeError);
		assert.throws(() => native.sendto(-1, buf, 0, 5, 0, AF_INET, '127.0.0.1', 9, 0, 0), RangeError);
		assert.throws(() => native.recv(-1, buf, -1, 1, 0), RangeError, 'negative offset');
		assert.equal(native.recv(-1, buf, 4, 0, 0), -E.EBADF, 'an empty range at the end is valid');
	});

	test('an fd or int argument that is not an int32 is a RangeError, never wrapped or truncated', () => {
		assert.throws(() => native.fcntl(Number.NaN, 1, 0), {
			name: 'RangeError',
			code: 'ERR_OUT_OF_RANGE',
			message: /^Argument 0 /,
		});
		assert.throws(() => native.shutdown(-1, 2 ** 40), {
			name: 'RangeError',
			code: 'ERR_OUT_OF_RANGE',
			message: /^Argument 1 /,
		});
		// NaN would act on fd 0 and 2**32 + 1 on fd 1 if converted as ToInt32.
		for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 2 ** 32 + 1, 2 ** 31, -(2 ** 31) - 1, 1.5]) {
			assert.throws(() => native.fcntl(bad, 1, 0), RangeError, `fd ${bad}`);
			assert.throws(() => native.close(bad), RangeError, `close(${bad})`);
			assert.throws(() => native.shutdown(-1, bad), RangeError, `how ${bad}`);
		}

		assert.equal(native.fcntl(-(2 ** 31), 1, 0), -E.EBADF, 'int32 minimum is a valid int');
		assert.throws(() => native.recv(-1, new Uint8Array(4), 0.5, 1, 0), RangeError, 'fractional offset');
		assert.throws(() => native.setrlimitNofile(Number.NaN, -1), RangeError, 'NaN limit');
	});

	test('a typed array view is addressed from its own start', () => {
		const out = new Int32Array(2);
		assert.equal(native.socketpair(AF_UNIX, SOCK_STREAM, 0, out), 0);
		const [a, b] = [out[0] ?? -1, out[1] ?? -1];
		try {
			const backing = new Uint8Array(8).fill(0x2e);
			assert.equal(native.send(a, new Uint8Array([1, 2, 3]), 1, 2, 0), 2);
			assert.equal(native.recv(b, new Uint8Array(backing.buffer, 3, 4), 1, 3, 0), 2);
			assert.deepEqual([...backing], [0x2e, 0x2e, 0x2e, 0x2e, 2, 3, 0x2e, 0x2e]);
		} finally {
			native.close(a);
			native.close(b);
		}
	});

	test('OS errors are returned, never thrown', () => {
		assert.equal(native.socket(-1, SOCK_STREAM, 0) < 0, true);
		assert.equal(native.connect(-1, AF_INET, 'not an address', 0, 0, 0), -E.EBADF);
		const fd = native.socket(AF_INET, SOCK_STREAM, 0);
		try {
			assert.equal(native.bind(fd, AF_INET, 'not an address', 0, 0, 0), -E.EINVAL);
			assert.equal(native.bind(fd, 12_345, '', 0, 0, 0), -E.EAFNOSUPPORT);
			assert.equal(native.getpeername(fd), -E.ENOTCONN);
		} finally {
			native.close(fd);
		}

		const failure = native.getaddrinfo('not-a-number', null, AF_INET, 0, 0, C['AI_NUMERICHOST'] ?? 4);
		assert.ok(!Array.isArray(failure));
		assert.equal(failure.eai, C['EAI_NONAME']);
	});
});
