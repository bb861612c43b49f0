#!/bin/sh
# Runs the network guests under dsim with the NIC on a TAP device and checks them with real
# clients (curl, tools/net_client.py): `make net-test`. Needs root (or CAP_NET_ADMIN), curl and
# python3. Everything happens inside a network namespace this script creates with
# `unshare --net`: the TAP (dtap0, 10.0.0.1/24 on the host side), the guest (10.0.0.2, with
# mem_size 2 MiB unless DSIM_MEM says otherwise), the clients. The machine's own network is never touched; the namespace ends with the script.
set -u
OBJ=${OBJ:-build}
if [ "${DSIM_NETNS:-}" != inside ]; then
    exec env DSIM_NETNS=inside OBJ="$OBJ" unshare --net "$0" "$@"
fi
S=$OBJ/dsim
G=$OBJ/sim
C="python3 tools/net_client.py"
GUEST=10.0.0.2
LOG=$(mktemp -d)
trap 'kill $guest 2>/dev/null; rm -rf "$LOG"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

ip link set lo up
ip tuntap add dev dtap0 mode tap
ip addr add 10.0.0.1/24 dev dtap0
ip link set dtap0 up

# start NAME CMDLINE: runs a guest in the background ($guest = its pid) until it says it is up.
start() {
    DSIM_MEM=${DSIM_MEM:-2} DSIM_TAP=dtap0 DSIM_IP=$GUEST DSIM_NETMASK=255.255.255.0 DSIM_GW=10.0.0.1 \
        $S $G/$1.elf "$2" >"$LOG/$1.out" 2>"$LOG/$1.err" &
    guest=$!
    for _ in $(seq 50); do
        grep -q "^$3" "$LOG/$1.out" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "$1 did not start"; cat "$LOG/$1.out" "$LOG/$1.err"
}
# finish NAME STATUS LINE: waits (at most 10 s) for a guest that ends by itself.
finish() {
    for _ in $(seq 100); do kill -0 $guest 2>/dev/null || break; sleep 0.1; done
    kill $guest 2>/dev/null && { fail "$1 did not end"; return; }
    wait $guest; st=$?
    [ $st = "$2" ] && grep -qxF "$3" "$LOG/$1.out" && ok "$1 ended: $3" || { fail "$1 status $st"; cat "$LOG/$1.out"; }
}

# ---- httpd
start httpd "doc=4096" "httpd: listening"
grep -qx "net: vm 7 mac 02:de:4a:11:00:07 ip 10.0.0.2 netmask 255.255.255.0 gw 10.0.0.1" "$LOG/httpd.out" \
    && ok "httpd net line" || fail "httpd net line: $(head -1 "$LOG/httpd.out")"
for n in 0 1 63 64 65 1460 4095 102400 1000000; do
    want=$($C doc $n | sha256sum)
    got=$(curl -sS -m 20 http://$GUEST/doc?bytes=$n | sha256sum)
    [ "$got" = "$want" ] && ok "curl /doc?bytes=$n" || fail "curl /doc?bytes=$n"
done
[ "$(curl -sS -m 5 http://$GUEST/ | sha256sum)" = "$($C doc 4096 | sha256sum)" ] && ok "curl / (doc=4096)" || fail "curl /"
conns=$(curl -sS -m 10 -o /dev/null -o /dev/null -o /dev/null -w '%{num_connects}' \
    http://$GUEST/doc?bytes=100 http://$GUEST/status http://$GUEST/doc?bytes=200000)
[ "$conns" = 100 ] && ok "keep-alive: three requests, one connection" || fail "keep-alive: connects per request $conns"
codes=$(for u in /nothing "/doc?bytes=x" "/doc?bytes=2000000000" /status; do
    curl -sS -m 5 -o /dev/null -w '%{http_code} ' "http://$GUEST$u"; done)
[ "$codes" = "404 400 400 200 " ] && ok "status codes 404 400 400 200" || fail "status codes: $codes"
[ "$(curl -sS -m 5 -o /dev/null -w '%{http_code}' -d x http://$GUEST/doc)" = 405 ] && ok "POST: 405" || fail "POST"
head=$(curl -sS -m 5 -I http://$GUEST/doc?bytes=123456 | tr -d '\r')
echo "$head" | grep -qx "Content-Length: 123456" && ok "HEAD" || fail "HEAD: $head"
$C pipeline $GUEST && ok "pipelining" || fail "pipelining"
$C close10 $GUEST && ok "HTTP/1.0 close" || fail "HTTP/1.0 close"
$C toolarge $GUEST && ok "431 for a 3000-byte request" || fail "oversized request"
$C many $GUEST 200 20000 && ok "200 connections at once" || fail "200 connections at once"
args=$(for i in $(seq 300); do printf -- '-o /dev/null http://%s/doc?bytes=102400 ' $GUEST; done)
res=$(curl -sS --no-progress-meter -m 60 --parallel --parallel-max 100 -w '%{http_code} %{size_download}\n' $args | sort | uniq -c)
[ "$(echo $res)" = "300 200 102400" ] && ok "curl --parallel: 300 x 100 KB over 100 connections" \
    || fail "curl --parallel: $res"
if command -v wrk >/dev/null; then
    w=$(wrk -t2 -c100 -d5s http://$GUEST/doc?bytes=102400)
    echo "$w" | grep -q "requests in" && ! echo "$w" | grep -q "Socket errors\|Non-2xx" \
        && ok "wrk: 100 connections for 5 s, no errors ($(echo "$w" | grep -o '[0-9]* requests in'))" \
        || { fail "wrk"; echo "$w"; }
else
    echo "skip wrk (not installed)"
fi
status=$(curl -sS -m 5 http://$GUEST/status)
echo "$status" | grep -qx "vm_id 7" && echo "$status" | grep -qx "connections_open 1" \
    && ok "status page" || { fail "status page"; echo "$status"; }
kill $guest; wait $guest 2>/dev/null

# ---- udp-echo
start udp-echo "count=16 quiet" "udp-echo: listening"
$C udp $GUEST 7 16 && ok "udp-echo: 16 datagrams" || fail "udp-echo datagrams"
finish udp-echo 0 "udp-echo: 16 datagrams echoed, 0 failed"

# ---- ping
start ping "count=5" "ping: answering"
$C ping $GUEST 5 && ok "ping: 5 replies" || fail "ping replies"
finish ping 0 "ping: 5 echo requests answered"

echo "net-test: $fails failures"
[ $fails = 0 ]
