#!/bin/sh
# bench-scale.sh - two daemons over many shared cases: their memory, their
# open files, and the bytes of an idle sync round between them. Figures on
# stdout, "BENCH <name> <value> <unit>"; progress on stderr. Run by
# tests/bench.sh; alone: BUILD=build sh tests/bench-scale.sh
#
#   rss_mib_10k_cases      the resident memory (VmRSS) of daemon A, which
#                          holds BENCH_CASES cases of BENCH_CASE_ENTRIES
#                          entries each, all shared with daemon B: the
#                          median of one sample a second over the window
#                          below, after both started, connected to each
#                          other and ran BENCH_SETTLE s of rounds
#   hwm_mib_10k_cases      its peak (VmHWM) at the end of the window
#   fds_10k_cases          its open descriptors (/proc/PID/fd), median
#   rss_mib_1_case         baseline: the same for a pair of daemons sharing
#                          one case of BENCH_CASE_ENTRIES entries
#   idle_round_bytes_10k_cases
#                          the bytes of one idle sync round, each way: the
#                          TCP payload of the connections between the two
#                          daemons' peer ports (ss -tin: bytes_sent and
#                          bytes_received at the dialling end, so each
#                          connection is counted once, CURVE framing in,
#                          TCP/IP headers out), sampled every 0.2 s. A
#                          round shows as a burst of bytes after a quiet
#                          sample; for each direction, the bytes from the
#                          start of its first burst to the start of its last
#                          over the whole rounds between (at least
#                          BENCH_IDLE_ROUNDS, 5, in at least BENCH_IDLE_SECS
#                          and at most BENCH_IDLE_MAX s), then the mean of
#                          the two directions. Rounds are counted, not
#                          assumed from the interval: a round that takes
#                          longer than SYNC_MS counts once. Nothing is posted
#                          meanwhile and both daemons held every entry
#                          before they started, so a round finds nothing to
#                          send but vectors. No figure when fewer than 2
#                          rounds are told apart (traffic that never pauses)
#   idle_round_bytes_1_case
#                          baseline: the same for the pair of one case
#
# (The names say 10k; with another BENCH_CASES they are that count's.)
# The cases are written into both stores by tests/tools/mkcases with the
# daemons stopped: a case opened by A's provider, B added and joined, then
# notes of both feeds. Environment: BUILD, BENCH_CASES (10000),
# BENCH_CASE_ENTRIES (100, at least 2: the genesis and B's addition count),
# BENCH_SETTLE (5 s + 1 s per 200 cases), BENCH_IDLE_SECS (10 s), BENCH_IDLE_ROUNDS (5),
# BENCH_IDLE_MAX (120 s), BENCH_CONNECT_WAIT (120 s: daemons that have not
# logged their connection by then are measured unconnected, said on
# stderr), STOP_WAIT (120 s here: a daemon busy over many cases ends its
# round before it stops), SYNC_MS (1000, as cahierd's).
LIB_TAP=0    # figures, not a test: no TAP lines from lib.sh
STOP_WAIT=${STOP_WAIT:-120}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bench-lib.sh"
trap 'exit 130' INT TERM HUP

CASES=${BENCH_CASES:-10000}
PER=${BENCH_CASE_ENTRIES:-100}
# (after a start the peers exchange every case's vector once, 256 a round:
# the default waits that out, so that the idle round is measured idle)
SETTLE=${BENCH_SETTLE:-$((5 + CASES / 200))}
IDLE=${BENCH_IDLE_SECS:-10}
IDLE_ROUNDS=${BENCH_IDLE_ROUNDS:-5}
IDLE_MAX=${BENCH_IDLE_MAX:-120}
CONNECT_WAIT=${BENCH_CONNECT_WAIT:-120}
SYNC_MS=${SYNC_MS:-1000}
TOOLS=$B/tests/tools


[ -x "$TOOLS/mkcases" ] || fail "$TOOLS/mkcases missing: run make BUILD=${BUILD:-build} tests first"
for v in "$CASES" "$PER" "$SETTLE" "$IDLE" "$IDLE_ROUNDS" "$IDLE_MAX" "$CONNECT_WAIT" "$SYNC_MS"; do
	case $v in '' | *[!0-9]*) fail "BENCH_CASES, BENCH_CASE_ENTRIES, BENCH_SETTLE, BENCH_IDLE_*, BENCH_CONNECT_WAIT, SYNC_MS take numbers" ;; esac
done
[ "$CASES" -ge 1 ] && [ "$PER" -ge 2 ] && [ "$IDLE" -ge 1 ] && [ "$SYNC_MS" -ge 1 ] ||
	fail "BENCH_CASES >= 1, BENCH_CASE_ENTRIES >= 2, BENCH_IDLE_SECS >= 1, SYNC_MS >= 1"

# kib PID FIELD: a field of /proc/PID/status, in KiB
kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
# fds PID: its open descriptors
fds() { ls "/proc/$1/fd" | wc -l; }
# tcp_dirs PORT_A PORT_B: the payload bytes A sent to B and B to A so far,
# "a2b b2a", over the connections each dialled to the other's peer port
# (counted at the dialling end: bytes_sent is what the dialler sent)
tcp_dirs() {
	ss -Htin state established "( dport = :$1 or dport = :$2 )" | awk -v pa=":$1" -v pb=":$2" '
		$0 !~ /^[ \t]/ { to = ""; if ($4 ~ pb "$") to = "b"; else if ($4 ~ pa "$") to = "a"; next }
		to != "" { s = 0; r = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^bytes_sent:/) { sub(/^bytes_sent:/, "", $i); s = $i }
				if ($i ~ /^bytes_received:/) { sub(/^bytes_received:/, "", $i); r = $i } }
			if (to == "b") { ab += s; ba += r } else { ba += s; ab += r } }
		END { printf "%d %d\n", ab, ba }'
}
# rounds FILE COL: from samples "time a2b b2a" (every 0.2 s), the rounds seen
# in column COL (2: a2b, 3: b2a): a round is a burst of bytes after a quiet
# sample. Prints "k bytes": k whole rounds (from the start of the first
# burst to the start of the last) and the bytes sent in them.
rounds() {
	awk -v c="$2" 'NR > 1 && $c > prev && (NR == 2 || quiet) { n++; q[n] = prev }
		{ quiet = (NR > 1 && $c == prev); prev = $c }
		END { if (n < 2) print 0, 0; else print n - 1, q[n] - q[1] }' "$1"
}
# connected ORG: its daemon logged that its connection to its one peer is
# up (read from the log: a request to a daemon over many cases would load
# the loop being measured)
connected() { grep -q " connected to " "$T/$1.log"; }

# pair A B IA IB N: organizations A and B (peer ports PORT_BASE+IA, +IB),
# their providers, N shared cases of PER entries written by mkcases
pair() {
	mkorg "$1" "Bench coordinator $1" "$3" --sync-ms "$SYNC_MS" || fail "init $1"
	mkorg "$2" "Bench member $2" "$4" --sync-ms "$SYNC_MS" || fail "init $2"
	mesh "$1" "$2" || fail "cards"
	mkprov "$1" "$1-prov" "Bench Coordinator" social-worker || fail "provider at $1"
	mkprov "$2" "$2-prov" "Bench Nurse" home-nurse || fail "provider at $2"
	t0=$(date +%s)
	"$TOOLS/mkcases" "$T/$1" "$T/$1-prov" "$T/$2" "$T/$2-prov" "$T/orgpass" "$T/pp" \
		"$5" "$PER" >"$T/$1.cases" || fail "mkcases"
	say "$5 cases of $PER entries written into both stores in $(($(date +%s) - t0)) s" \
		"($(du -sh "$T/$1/cases" | cut -f1) at $1)"
}

# measure A B IA IB SUFFIX: starts both, waits for them to connect and
# settle, then samples for at least IDLE s and until each direction showed
# IDLE_ROUNDS whole rounds (at most IDLE_MAX s); prints the figures, stops
# both
measure() {
	start "$1" || fail "daemon $1"
	start "$2" || fail "daemon $2"
	t0=$(date +%s)
	# Daemons that do not connect are measured all the same (their memory
	# and descriptors then): it is said on stderr, and in no figure.
	if wait_for -w "$1 and $2 connected" "$CONNECT_WAIT" connected "$1" &&
		wait_for -w "$2 connected to $1" "$CONNECT_WAIT" connected "$2"; then
		say "connected after $(($(date +%s) - t0)) s; $SETTLE s of rounds first"
	else
		say "NOT CONNECTED after $(($(date +%s) - t0)) s: measured unconnected"
	fi
	sleep "$SETTLE"
	eval "pa=\$PID_$1 pb=\$PID_$2"
	: >"$T/rss"; : >"$T/fds"; : >"$T/bytes"
	pa_port=$((PORT_BASE + $3)) pb_port=$((PORT_BASE + $4))
	s0=$(date +%s)
	i=0
	while :; do
		echo "$i $(tcp_dirs "$pa_port" "$pb_port")" >>"$T/bytes"
		if [ $((i % 5)) = 0 ]; then
			kib "$pa" VmRSS >>"$T/rss"
			fds "$pa" >>"$T/fds"
		fi
		i=$((i + 1))
		el=$(($(date +%s) - s0))
		[ "$el" -lt "$IDLE_MAX" ] || break
		if [ "$el" -ge "$IDLE" ]; then
			ka=$(rounds "$T/bytes" 2 | cut -d' ' -f1)
			kb=$(rounds "$T/bytes" 3 | cut -d' ' -f1)
			[ "$ka" -lt "$IDLE_ROUNDS" ] || [ "$kb" -lt "$IDLE_ROUNDS" ] || break
		fi
		sleep 0.2
	done
	hwm=$(kib "$pa" VmHWM)
	say "$1: VmRSS $(kib "$pa" VmRSS) KiB, VmHWM $hwm KiB, $(fds "$pa") fds;" \
		"$2: VmRSS $(kib "$pb" VmRSS) KiB, VmHWM $(kib "$pb" VmHWM) KiB, $(fds "$pb") fds"
	set -- "$1" "$2" "$3" "$4" "$5" $(rounds "$T/bytes" 2) $(rounds "$T/bytes" 3)
	say "in $(($(date +%s) - s0)) s: $1 to $2: $6 rounds, $7 bytes; $2 to $1: $8 rounds, $9 bytes"
	stop "$1"
	stop "$2"
	echo "BENCH rss_mib_$5 $(median <"$T/rss" | awk '{ printf "%.1f", $1 / 1024 }') MiB"
	echo "BENCH hwm_mib_$5 $(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
	echo "BENCH fds_$5 $(median <"$T/fds") fds"
	if [ "$6" -ge 1 ] && [ "$8" -ge 1 ]; then
		echo "BENCH idle_round_bytes_$5 $(awk -v a="$7" -v ka="$6" -v b="$9" -v kb="$8" \
			'BEGIN { printf "%.0f", (a / ka + b / kb) / 2 }') bytes"
	else
		say "fewer than 2 rounds told apart in $IDLE_MAX s: no idle_round_bytes_$5"
	fi
}

if [ "$CASES" = 10000 ]; then NAME=10k_cases; else NAME=${CASES}_cases; fi
say "baseline: two daemons sharing 1 case of $PER entries (sync every $SYNC_MS ms)"
pair a1 b1 1 2 1
measure a1 b1 1 2 1_case >"$T/base.out"
say "two daemons sharing $CASES cases of $PER entries ($((CASES * PER)) entries)"
pair a b 3 4 "$CASES"
measure a b 3 4 "$NAME" >"$T/big.out"
cat "$T/big.out" "$T/base.out"
RSS=$(awk '$2 ~ /^rss_mib_/ && $2 != "rss_mib_1_case" { print $3 }' "$T/big.out")
BASE=$(awk '$2 == "rss_mib_1_case" { print $3 }' "$T/base.out")
echo "BENCH rss_vs_1_case_ratio $(ratio "$RSS" "$BASE") x"
