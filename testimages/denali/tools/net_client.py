#!/usr/bin/env python3
"""Clients for tools/net-test.sh: each subcommand checks one network guest behaviour and
exits non-zero (with a message) when the guest does not do what README.md promises.
Only ever talks to the address given on the command line, inside the test's own namespace.

  net_client.py doc BYTES                 print the expected /doc?bytes=BYTES body (stdout)
  net_client.py pipeline HOST             three pipelined requests on one connection
  net_client.py close10 HOST              HTTP/1.0 without keep-alive: server closes
  net_client.py toolarge HOST             a 3000-byte request header: 431, then close
  net_client.py many HOST N BYTES         N connections open at once, one request each
  net_client.py udp HOST PORT N           N datagrams echoed byte for byte
  net_client.py ping HOST N               N ICMP echo requests answered (raw socket: root)
"""
import os
import select
import socket
import struct
import sys
import time

LINE = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+\n"
assert len(LINE) == 64
TIMEOUT = 20.0


def doc(n):
    """Byte i of every generated document is LINE[i % 64]."""
    return (LINE * (n // 64 + 1))[:n]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def read_response(f):
    """Reads one HTTP response from a buffered socket file: (status, headers, body)."""
    status = f.readline()
    if not status:
        return None
    code = int(status.split()[1])
    headers = {}
    while True:
        line = f.readline()
        if line in (b"\r\n", b""):
            break
        k, v = line.decode().split(":", 1)
        headers[k.strip().lower()] = v.strip()
    body = f.read(int(headers["content-length"]))
    return code, headers, body


def connect(host):
    s = socket.create_connection((host, 80), timeout=TIMEOUT)
    return s, s.makefile("rb")


def pipeline(host):
    s, f = connect(host)
    s.sendall(b"GET /doc?bytes=10 HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"
              b"HEAD /doc?bytes=777 HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /doc?bytes=100000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    want = [(200, doc(10)), (404, b"not found\n"), (200, b""), (200, doc(100000))]
    for i, (code, body) in enumerate(want):
        r = read_response(f) if i != 2 else read_head(f)
        if r is None or r[0] != code or r[2] != body:
            fail("pipelined response %d: got %r" % (i, None if r is None else (r[0], r[1], len(r[2]))))
    if f.read(1) != b"":
        fail("server did not close after Connection: close")
    print("pipeline ok: 4 responses in order, then close")


def read_head(f):
    status = f.readline()
    code = int(status.split()[1])
    headers = {}
    while True:
        line = f.readline()
        if line == b"\r\n":
            break
        k, v = line.decode().split(":", 1)
        headers[k.strip().lower()] = v.strip()
    if headers.get("content-length") != "777":
        fail("HEAD Content-Length %r" % headers.get("content-length"))
    return code, headers, b""


def close10(host):
    s, f = connect(host)
    s.sendall(b"GET /doc?bytes=5000 HTTP/1.0\r\n\r\n")
    r = read_response(f)
    if r[0] != 200 or r[2] != doc(5000) or r[1].get("connection") != "close":
        fail("HTTP/1.0 response %r" % (r[:2],))
    if f.read(1) != b"":
        fail("server kept an HTTP/1.0 connection open")
    print("close10 ok")


def toolarge(host):
    s, f = connect(host)
    s.sendall(b"GET / HTTP/1.1\r\nX-Filler: " + b"a" * 3000 + b"\r\n\r\n")
    r = read_response(f)
    if r[0] != 431:
        fail("oversized request got %d" % r[0])
    print("toolarge ok")


def many(host, n, size):
    socks = []
    for _ in range(n):
        s = socket.create_connection((host, 80), timeout=TIMEOUT)
        socks.append(s)
    # Every connection is open before any request is sent: the server holds n at once.
    for s in socks:
        s.sendall(b"GET /doc?bytes=%d HTTP/1.1\r\nHost: x\r\n\r\n" % size)
    bufs = {s.fileno(): bytearray() for s in socks}
    by_fd = {s.fileno(): s for s in socks}
    header_len = None
    done = set()
    deadline = time.time() + 60
    while len(done) < n and time.time() < deadline:
        ready, _, _ = select.select([by_fd[k] for k in by_fd if k not in done], [], [], 1.0)
        for s in ready:
            data = s.recv(65536)
            if not data:
                fail("connection closed early")
            b = bufs[s.fileno()]
            b += data
            end = b.find(b"\r\n\r\n")
            if end >= 0 and len(b) >= end + 4 + size:
                done.add(s.fileno())
    if len(done) < n:
        fail("only %d of %d responses complete" % (len(done), n))
    for k, b in bufs.items():
        end = b.find(b"\r\n\r\n")
        if not b.startswith(b"HTTP/1.1 200 OK") or bytes(b[end + 4:]) != doc(size):
            fail("a response differs")
    for s in socks:
        s.close()
    print("many ok: %d connections at once, %d bytes each" % (n, size))


def udp(host, port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    sizes = [1, 7, 100, 512, 1472, 1473, 3000, 8000]  # 1473 and up arrive as IP fragments
    for i in range(n):
        size = sizes[i % len(sizes)]
        payload = bytes((i * 31 + k) & 0xFF for k in range(size))
        s.sendto(payload, (host, port))
        got, addr = s.recvfrom(65536)
        if got != payload or addr != (host, port):
            fail("datagram %d (%d bytes) came back as %d bytes from %r" % (i, size, len(got), addr))
    print("udp ok: %d datagrams echoed" % n)


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ping(host, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(5)
    ident = os.getpid() & 0xFFFF
    for seq in range(1, n + 1):
        payload = bytes(range(seq, seq + 56))
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), ident, seq) + payload
        s.sendto(pkt, (host, 0))
        while True:
            data, addr = s.recvfrom(2048)
            icmp = data[(data[0] & 0xF) * 4:]
            t, code, _, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
            if t == 0 and rid == ident and rseq == seq:
                break
        if icmp[8:] != payload or checksum(icmp) != 0 or addr[0] != host:
            fail("echo reply %d differs" % seq)
    print("ping ok: %d echo replies" % n)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "doc":
        sys.stdout.buffer.write(doc(int(args[0])))
    elif cmd == "pipeline":
        pipeline(args[0])
    elif cmd == "close10":
        close10(args[0])
    elif cmd == "toolarge":
        toolarge(args[0])
    elif cmd == "many":
        many(args[0], int(args[1]), int(args[2]))
    elif cmd == "udp":
        udp(args[0], int(args[1]), int(args[2]))
    elif cmd == "ping":
        ping(args[0], int(args[1]))
    else:
        fail("unknown subcommand " + cmd)


if __name__ == "__main__":
    main()
