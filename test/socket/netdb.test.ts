// Name and address functions, and the option constants set by name (read
// back where the kernel allows; multicast options are set, no traffic sent).
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {endianness, hostname, networkInterfaces} from 'node:os';
import {describe, test} from 'node:test';
import {
	AF_INET,
	AF_INET6,
	getfqdn,
	gethostbyaddr,
	gethostbyname,
	gethostbynameEx,
	gethostname,
	getnameinfo,
	getprotobyname,
	getservbyname,
	getservbyport,
	htonl,
	htons,
	IP_ADD_MEMBERSHIP,
	IP_DROP_MEMBERSHIP,
	IP_MULTICAST_LOOP,
	IP_MULTICAST_TTL,
	IP_TOS,
	IPPROTO_IP,
	IPPROTO_IPV6,
	IPPROTO_TCP,
	IPPROTO_UDP,
	IPV6_JOIN_GROUP,
	IPV6_LEAVE_GROUP,
	IPV6_MULTICAST_HOPS,
	ifIndextoname,
	ifNameindex,
	ifNametoindex,
	inetAton,
	inetNtoa,
	inetNtop,
	inetPton,
	INADDR_LOOPBACK,
	NI_NUMERICHOST,
	NI_NUMERICSERV,
	ntohl,
	ntohs,
	SO_PEERCRED,
	SOCK_DGRAM,
	SOCK_STREAM,
	SOL_SOCKET,
	Socket,
	TCP_FASTOPEN,
	TCP_KEEPIDLE,
	TCP_USER_TIMEOUT,
} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closing, ipv6Unavailable, pair, tcpPair} from '../helpers/sockets.js';

checkFdLeaks();

const noServices = existsSync('/etc/services') ? false : 'no /etc/services on this system';
const noProtocols = existsSync('/etc/protocols') ? false : 'no /etc/protocols on this system';

describe('host names', () => {
	test("gethostname is the kernel's host name (as os.hostname())", () => {
		assert.equal(gethostname(), hostname());
	});

	test('gethostbyname: a dotted quad as is, localhost to a loopback address; errors', () => {
		assert.equal(gethostbyname('127.0.0.1'), '127.0.0.1');
		// CPython's setipaddr(): '' is the wildcard, '<broadcast>' the broadcast address.
		assert.equal(gethostbyname(''), '0.0.0.0');
		assert.equal(gethostbyname('<broadcast>'), '255.255.255.255');
		assert.match(gethostbyname('localhost'), /^127\./);
		assert.throws(() => gethostbyname('no-such-host.invalid'), {name: 'gaierror'});
		assert.throws(() => gethostbyname(1 as unknown as string), {
			name: 'TypeError',
			code: 'ERR_INVALID_ARG_TYPE',
		});
		assert.throws(() => gethostbyname('a\0b'), {name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE'});
	});

	test(
		'gethostbynameEx, gethostbyaddr, getfqdn on loopback (names from /etc/hosts)',
		{skip: existsSync('/etc/hosts') ? false : 'no /etc/hosts'},
		() => {
			const [name, aliases, addresses] = gethostbynameEx('localhost');
			assert.equal(typeof name, 'string');
			assert.deepEqual(aliases, []);
			assert.ok(
				addresses.some(a => a.startsWith('127.')),
				addresses.join(),
			);
			const [reverse, , looked] = gethostbyaddr('127.0.0.1');
			assert.deepEqual(looked, ['127.0.0.1']);
			assert.match(gethostbyname(reverse), /^127\./, 'the reverse name resolves back to loopback');
			assert.deepEqual(gethostbyaddr('localhost')[2].length, 1, 'a name is resolved first');
			assert.equal(getfqdn('127.0.0.1'), reverse, 'no aliases: the reverse name');
			assert.equal(typeof getfqdn(), 'string');
			assert.throws(() => gethostbyaddr(5 as unknown as string), {name: 'TypeError'});
		},
	);

	test('getnameinfo: numeric flags give the address back; only numeric hosts', {skip: noServices}, () => {
		assert.deepEqual(getnameinfo(['127.0.0.1', 8080], NI_NUMERICHOST | NI_NUMERICSERV), [
			'127.0.0.1',
			'8080',
		]);
		assert.deepEqual(getnameinfo(['127.0.0.1', 80], NI_NUMERICHOST), ['127.0.0.1', 'http']);
		assert.deepEqual(getnameinfo(['::1', 22, 0, 0], NI_NUMERICHOST | NI_NUMERICSERV), ['::1', '22']);
		assert.throws(() => getnameinfo(['localhost', 80], 0), {name: 'gaierror', code: 'EAI_NONAME'});
		assert.throws(() => getnameinfo('127.0.0.1' as unknown as [string, number], 0), {
			name: 'TypeError',
			message: /must be a tuple/,
		});
		assert.throws(() => getnameinfo(['127.0.0.1', 70_000], 0), {name: 'RangeError'});
	});
});

describe('address conversions', () => {
	test('inetPton / inetNtop round trips, IPv4 and IPv6', () => {
		assert.deepEqual([...inetPton(AF_INET, '192.0.2.1')], [192, 0, 2, 1]);
		const six = inetPton(AF_INET6, '2001:db8::ff00:42:8329');
		assert.equal(six.length, 16);
		assert.equal(inetNtop(AF_INET6, six), '2001:db8::ff00:42:8329');
		assert.equal(inetNtop(AF_INET, Uint8Array.of(10, 0, 0, 1)), '10.0.0.1');
		assert.equal(inetNtop(AF_INET6, new Uint8Array(16)), '::');
	});

	test('inetPton / inetNtop errors as Python', () => {
		assert.throws(() => inetPton(AF_INET, '256.0.0.1'), {
			name: 'OSError',
			code: 'EINVAL',
			message: 'illegal IP address string passed to inet_pton',
		});
		assert.throws(
			() => inetPton(AF_INET, '127.1'),
			{name: 'OSError', code: 'EINVAL'},
			'inet_pton is strict',
		);
		assert.throws(() => inetPton(AF_INET6, 'x'.repeat(200)), {name: 'OSError', code: 'EINVAL'});
		assert.throws(() => inetPton(12345, '1.2.3.4'), {name: 'OSError', code: 'EAFNOSUPPORT'});
		assert.throws(() => inetNtop(AF_INET, new Uint8Array(5)), {
			name: 'ValueError',
			message: 'invalid length of packed IP address string',
		});
		assert.throws(() => inetNtop(12345, new Uint8Array(4)), {
			name: 'ValueError',
			message: 'unknown address family 12345',
		});
		assert.throws(() => inetNtop(AF_INET, 'abcd' as unknown as Uint8Array), {name: 'TypeError'});
	});

	test("inetAton takes inet_aton(3)'s forms; inetNtoa", () => {
		assert.deepEqual([...inetAton('127.1')], [127, 0, 0, 1]);
		assert.deepEqual([...inetAton('0x7f.0.0.2')], [127, 0, 0, 2]);
		assert.deepEqual([...inetAton('2130706433')], [127, 0, 0, 1]);
		assert.equal(inetNtoa(inetAton('192.168.1.20')), '192.168.1.20');
		assert.throws(() => inetAton('not an address'), {
			name: 'OSError',
			message: 'illegal IP address string passed to inet_aton',
		});
		assert.throws(() => inetNtoa(new Uint8Array(3)), {
			name: 'OSError',
			message: 'packed IP wrong length for inet_ntoa',
		});
	});

	test('htons/ntohs/htonl/ntohl: network order is big-endian; range checks', () => {
		const view = new DataView(new ArrayBuffer(4));
		view.setUint16(0, 0x1234); // big-endian bytes
		const asHost16 = new Uint16Array(view.buffer, 0, 1)[0];
		assert.equal(htons(0x1234), asHost16);
		assert.equal(ntohs(htons(0xbeef)), 0xbeef);
		view.setUint32(0, 0x12345678);
		assert.equal(htonl(0x12345678), new Uint32Array(view.buffer)[0]);
		assert.equal(ntohl(htonl(0xdeadbeef)), 0xdeadbeef);
		assert.equal(htonl(INADDR_LOOPBACK), new Uint32Array(Uint8Array.of(127, 0, 0, 1).buffer)[0]);
		assert.throws(() => htons(-1), {name: 'RangeError', code: 'ERR_OUT_OF_RANGE'});
		assert.throws(() => htons(0x10000), RangeError);
		assert.throws(() => htonl(2 ** 32), RangeError);
		assert.throws(() => ntohl(1.5), {name: 'TypeError'});
	});
});

describe('services and protocols', () => {
	test('getservbyname / getservbyport', {skip: noServices}, () => {
		assert.equal(getservbyname('http', 'tcp'), 80);
		assert.equal(getservbyname('domain'), 53);
		assert.equal(getservbyport(22, 'tcp'), 'ssh');
		assert.throws(() => getservbyname('no-such-service'), {
			name: 'OSError',
			code: 'ENOENT',
			message: 'service/proto not found',
		});
		assert.throws(() => getservbyport(1, 'no-such-proto'), {
			name: 'OSError',
			message: 'port/proto not found',
		});
		assert.throws(() => getservbyport(65_536), {
			name: 'RangeError',
			message: 'getservbyport: port must be 0-65535.',
		});
		assert.throws(() => getservbyname('http', 6 as unknown as string), {name: 'TypeError'});
	});

	test('getprotobyname gives the IPPROTO_* numbers', {skip: noProtocols}, () => {
		assert.equal(getprotobyname('tcp'), IPPROTO_TCP);
		assert.equal(getprotobyname('udp'), IPPROTO_UDP);
		assert.throws(() => getprotobyname('no-such-protocol'), {
			name: 'OSError',
			message: 'protocol not found',
		});
	});
});

describe('interfaces', () => {
	test('ifNameindex lists the interfaces node:os sees; name <-> index both ways', () => {
		const list = ifNameindex();
		assert.ok(list.length > 0);
		for (const [index, name] of list) {
			assert.equal(ifNametoindex(name), index);
			assert.equal(ifIndextoname(index), name);
		}

		for (const name of Object.keys(networkInterfaces())) {
			assert.ok(
				list.some(([, n]) => n === name),
				`${name} is listed`,
			);
		}
	});

	test('errors: no such name, no such index, bad arguments', () => {
		assert.throws(() => ifNametoindex('no-such-if0'), {
			name: 'OSError',
			message: 'no interface with this name',
		});
		assert.throws(() => ifIndextoname(0x7fff_fff0), {name: 'OSError', code: 'ENXIO'});
		assert.throws(() => ifIndextoname(-1), RangeError);
		assert.throws(() => ifNametoindex(1 as unknown as string), TypeError);
	});
});

describe('options set by name', () => {
	const linux = process.platform === 'linux' ? false : 'Linux option values';

	test('IP_TOS, IP_MULTICAST_TTL/LOOP read back', t => {
		const [udp] = closing(t, new Socket(AF_INET, SOCK_DGRAM));
		udp.setsockopt(IPPROTO_IP, IP_TOS ?? -1, 0x10);
		assert.equal(udp.getsockopt(IPPROTO_IP, IP_TOS ?? -1), 0x10);
		udp.setsockopt(IPPROTO_IP, IP_MULTICAST_TTL ?? -1, 5);
		assert.equal(udp.getsockopt(IPPROTO_IP, IP_MULTICAST_TTL ?? -1), 5);
		udp.setsockopt(IPPROTO_IP, IP_MULTICAST_LOOP ?? -1, 0);
		assert.equal(udp.getsockopt(IPPROTO_IP, IP_MULTICAST_LOOP ?? -1), 0);
	});

	test('IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP with a struct ip_mreq on loopback', t => {
		const [udp] = closing(t, new Socket(AF_INET, SOCK_DGRAM));
		const mreq = Buffer.concat([inetAton('239.255.0.1'), inetAton('127.0.0.1')]);
		try {
			udp.setsockopt(IPPROTO_IP, IP_ADD_MEMBERSHIP ?? -1, mreq);
		} catch (error) {
			t.skip(`the loopback interface takes no multicast here: ${(error as Error).message}`);
			return;
		}

		udp.setsockopt(IPPROTO_IP, IP_DROP_MEMBERSHIP ?? -1, mreq);
		assert.throws(
			() => udp.setsockopt(IPPROTO_IP, IP_DROP_MEMBERSHIP ?? -1, mreq),
			{name: 'OSError'},
			'not a member any more',
		);
	});

	test('IPV6_JOIN_GROUP / IPV6_LEAVE_GROUP, IPV6_MULTICAST_HOPS', {skip: ipv6Unavailable()}, t => {
		const [udp] = closing(t, new Socket(AF_INET6, SOCK_DGRAM));
		udp.setsockopt(IPPROTO_IPV6, IPV6_MULTICAST_HOPS ?? -1, 3);
		assert.equal(udp.getsockopt(IPPROTO_IPV6, IPV6_MULTICAST_HOPS ?? -1), 3);
		const mreq = Buffer.alloc(20);
		inetPton(AF_INET6, 'ff02::1:3').copy(mreq);
		new DataView(mreq.buffer, mreq.byteOffset).setUint32(16, ifNametoindex('lo'), endianness() === 'LE'); // host order
		try {
			udp.setsockopt(IPPROTO_IPV6, IPV6_JOIN_GROUP ?? -1, mreq);
		} catch (error) {
			t.skip(`the loopback interface takes no IPv6 multicast here: ${(error as Error).message}`);
			return;
		}

		udp.setsockopt(IPPROTO_IPV6, IPV6_LEAVE_GROUP ?? -1, mreq);
	});

	test('TCP_USER_TIMEOUT, TCP_KEEPIDLE, TCP_FASTOPEN read back', {skip: linux}, t => {
		const [client] = tcpPair(t);
		client.setsockopt(IPPROTO_TCP, TCP_USER_TIMEOUT ?? -1, 1234);
		assert.equal(client.getsockopt(IPPROTO_TCP, TCP_USER_TIMEOUT ?? -1), 1234);
		client.setsockopt(IPPROTO_TCP, TCP_KEEPIDLE ?? -1, 77);
		assert.equal(client.getsockopt(IPPROTO_TCP, TCP_KEEPIDLE ?? -1), 77);
		const [listener] = closing(t, new Socket(AF_INET, SOCK_STREAM));
		listener.setsockopt(IPPROTO_TCP, TCP_FASTOPEN ?? -1, 5);
		assert.equal(listener.getsockopt(IPPROTO_TCP, TCP_FASTOPEN ?? -1), 5);
	});

	test(
		"getsockopt(SOL_SOCKET, SO_PEERCRED, 12) returns the peer's struct ucred as bytes",
		{skip: SO_PEERCRED === undefined ? 'Linux-only' : false},
		t => {
			const [a] = pair(t);
			const bytes = a.getsockopt(SOL_SOCKET, SO_PEERCRED ?? -1, 12);
			assert.equal(bytes.length, 12);
			const creds = new Int32Array(new Uint8Array(bytes).buffer);
			assert.deepEqual([...creds], [process.pid, process.getuid?.(), process.getgid?.()]);
		},
	);
});
