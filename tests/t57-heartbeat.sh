#!/bin/sh
# t57-heartbeat.sh - "connected" is the state of the connection, not of the
# sync: two organizations that share no case are connected as soon as their
# CURVE handshakes succeed; a peer that stops answering (SIGSTOP: a stalled
# link, without network namespaces) is shown disconnected once the ZeroMQ
# heartbeat times out (a known gap: see daemon/peers.h), and after it
# resumes the two converge within a bound (the daemon sends its vectors as
# soon as a handshake succeeds again).
. "$(dirname "$0")/lib.sh"

now_ms() { date +%s%3N; }
# peer_state HOME NAME: prints true or false, HOME's daemon's view of NAME
peer_state() { c "$1" --json peers | jq -r --arg n "$2" '.[] | select(.name == $n) | .connected'; }
is_connected() { [ "$(peer_state "$1" "$2")" = true ]; }
is_offline() { [ "$(peer_state "$1" "$2")" = false ]; }

mkorg a "Org A" 1
mkorg b "Org B" 2
check "a and b trust each other" mesh a b
check "provider at a" mkprov a ann "Ann" gp
check "provider at b" mkprov b bob "Bob" gp
start a || exit 1
start b || exit 1

# --- 1. No case shared: connected once the handshakes succeed (a few s).
check "a shows b connected, no case shared" wait_for 5 is_connected ann "Org B"
check "b shows a connected, no case shared" wait_for 5 is_connected bob "Org A"

# --- 2. A stalled peer.
CASE=$(c ann case new "Mevrouw Peeters" 2>/dev/null)
check "b added" c ann case add "$CASE" "$T/b/org.card" --role gp
check "b joins" wait_for "$SYNC_WAIT" has_entries bob "$CASE" 2
check "a holds 2 entries" wait_for "$SYNC_WAIT" has_entries ann "$CASE" 2

kill -STOP "$PID_b"
t_stop=$(now_ms)
# A frozen process whose kernel still acknowledges is not detected
# without ZeroMQ heartbeats, which libzmq 4.3.4 cannot run safely
# (daemon/peers.h): pinned as a known gap.
todo "no ZMTP heartbeats on libzmq 4.3.4 (issue 4364)" \
	"a shows b disconnected while b is stopped" wait_for 10 is_offline ann "Org B"
# Stopped for 15 s in all.
left=$(( 15000 - ($(now_ms) - t_stop) ))
[ "$left" -le 0 ] || sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
kill -CONT "$PID_b"
t_cont=$(now_ms)

check "a posts after b resumes" c ann post "$CASE" "note from a after the stall"
check "b posts after it resumes" c bob post "$CASE" "note from b after the stall"
t_posted=$(now_ms)
converged() { has_entries ann "$CASE" 4 && has_entries bob "$CASE" 4; }
BOUND=$((8 * WAIT_SCALE))
if wait_for "$SYNC_WAIT" converged; then
	t_done=$(now_ms)
	diag "converged $((t_done - t_cont)) ms after SIGCONT ($((t_done - t_posted)) ms after the posts)"
	check "converged within $BOUND s of SIGCONT" [ $((t_done - t_cont)) -le $((BOUND * 1000)) ]
else
	not_ok "a and b converge after b resumes"
fi
check "a shows b connected again" wait_for 10 is_connected ann "Org B"
check "b shows a connected again" wait_for 10 is_connected bob "Org A"
done_testing
