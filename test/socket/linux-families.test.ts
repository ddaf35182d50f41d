// AF_NETLINK (a route dump from the local kernel) and AF_PACKET (needs
// CAP_NET_RAW; loopback only), with Python's address tuples (Linux).
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {
	AF_INET,
	AF_NETLINK,
	AF_PACKET,
	ETH_P_ALL,
	ETH_P_IP,
	htons,
	ifNameindex,
	NETLINK_ROUTE,
	type NetlinkAddress,
	NLM_F_DUMP,
	NLM_F_REQUEST,
	NLMSG_DONE,
	NLMSG_ERROR,
	type PacketAddress,
	RTM_GETLINK,
	RTM_NEWLINK,
	SOCK_DGRAM,
	SOCK_RAW,
	Socket,
	type SocketAddress,
} from '../../src/socket/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closing} from '../helpers/sockets.js';

checkFdLeaks();

const noNetlink = AF_NETLINK === undefined ? 'AF_NETLINK is Linux-only' : false;
const noPacket = AF_PACKET === undefined ? 'AF_PACKET is Linux-only' : false;

/** An RTM_GETLINK dump request: struct nlmsghdr + struct ifinfomsg, host byte order. */
function getlinkRequest(seq: number): Buffer {
	const buf = Buffer.alloc(32);
	const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
	const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
	view.setUint32(0, 32, le); // nlmsg_len
	view.setUint16(4, RTM_GETLINK ?? 18, le); // nlmsg_type
	view.setUint16(6, (NLM_F_REQUEST ?? 1) | (NLM_F_DUMP ?? 0x300), le); // nlmsg_flags
	view.setUint32(8, seq, le); // nlmsg_seq
	// pid 0, then ifinfomsg all zero (family AF_UNSPEC: every link).
	return buf;
}

describe('AF_NETLINK', {skip: noNetlink}, () => {
	test('bind [0, 0] gets a kernel-assigned [pid, groups]; a link dump lists every interface', t => {
		const [sock] = closing(t, new Socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
		sock.settimeout(5);
		sock.bind([0, 0]);
		const [pid, groups] = sock.getsockname() as unknown as NetlinkAddress;
		assert.ok(Number.isInteger(pid) && pid > 0, `kernel-assigned port id ${pid}`);
		assert.equal(groups, 0);
		sock.sendto(getlinkRequest(1), [0, 0]);
		const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
		let links = 0;
		let done = false;
		for (let i = 0; i < 1000 && !done; i++) {
			const [data, from] = sock.recvfrom(65_536);
			assert.deepEqual(from, [0, 0], 'from the kernel');
			const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
			for (let off = 0; off + 16 <= data.length;) {
				const len = view.getUint32(off, le);
				const type = view.getUint16(off + 4, le);
				assert.notEqual(type, NLMSG_ERROR, 'the kernel refused the dump');
				if (type === NLMSG_DONE) {
					done = true;
					break;
				}

				if (type === RTM_NEWLINK) {
					links++;
				}

				off += (len + 3) & ~3;
			}
		}

		assert.ok(done, 'NLMSG_DONE ends the dump');
		assert.equal(links, ifNameindex().length);
	});

	test('address checks: a pair of unsigned ints', t => {
		const [sock] = closing(t, new Socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
		assert.throws(() => sock.bind(['x', 0] as unknown as [number, number]), {name: 'TypeError'});
		assert.throws(() => sock.bind([0] as unknown as [number, number]), {name: 'TypeError'});
		assert.throws(() => sock.bind([-1, 0]), {name: 'RangeError'});
	});
});

describe('AF_PACKET', {skip: noPacket}, () => {
	test("bound to lo, it sees a UDP datagram sent over loopback, with Python's address tuple", t => {
		let sock: Socket;
		try {
			sock = new Socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL ?? 3));
		} catch (error) {
			const reason = `AF_PACKET needs CAP_NET_RAW: ${(error as Error).message}`;
			console.log(`# skipped: ${reason}`);
			t.skip(reason);
			return;
		}

		closing(t, sock);
		sock.bind(['lo', ETH_P_IP ?? 0x800]);
		const [ifname, proto, , hatype, addr] = sock.getsockname() as unknown as PacketAddress;
		assert.equal(ifname, 'lo');
		assert.equal(proto, ETH_P_IP);
		assert.equal(hatype, 772, 'ARPHRD_LOOPBACK');
		assert.ok(Buffer.isBuffer(addr));
		const [rx] = closing(t, new Socket(AF_INET, SOCK_DGRAM));
		rx.bind(['127.0.0.1', 0]);
		const [tx] = closing(t, new Socket(AF_INET, SOCK_DGRAM));
		const marker = Buffer.from(`packet-test-${process.pid}`);
		tx.sendto(marker, rx.getsockname());
		sock.settimeout(5);
		let seen: SocketAddress | null = null;
		for (let i = 0; i < 200 && seen === null; i++) {
			const [frame, from] = sock.recvfrom(65_536);
			if (frame.includes(marker)) {
				seen = from;
			}
		}

		assert.ok(seen !== null, 'the datagram was captured');
		const [name, p] = seen as unknown as PacketAddress;
		assert.equal(name, 'lo');
		assert.equal(p, ETH_P_IP);
	});

	test('an unknown interface is ENODEV; a hardware address is refused', t => {
		let sock: Socket;
		try {
			sock = new Socket(AF_PACKET, SOCK_DGRAM, 0);
		} catch (error) {
			t.skip(`AF_PACKET needs CAP_NET_RAW: ${(error as Error).message}`);
			return;
		}

		closing(t, sock);
		assert.throws(() => sock.bind(['no-such-if0', 0]), {name: 'OSError', code: 'ENODEV'});
		assert.throws(() => sock.bind(['lo', 70_000]), {name: 'RangeError'});
		assert.throws(() => sock.bind(['lo', 0, 0, 0, Buffer.alloc(6, 1)] as unknown as [string, number]), {
			name: 'TypeError',
			code: 'ERR_INVALID_ARG_VALUE',
		});
	});
});
