#!/bin/sh
# bench-ab.sh - two builds of cahierd compared in one run on this machine,
# their measurements interleaved (A, B, A, B, ...) so that what else loads
# the machine weighs on both alike. For a change whose effect is smaller
# than the noise between two runs of bench.sh.
#
#     make BUILD=build-a tests      # (after checking out the old commit)
#     make BUILD=build tests        # the new one
#     BUILD_A=build-a BUILD_B=build sh tests/bench-ab.sh
#
# The case, the organizations and the tools (bench_gen, bench_post) are
# those of BUILD_B; only the daemons (cahierd) change from run to run. Each
# figure is printed for A and for B (the median of AB_RUNS runs each) and
# as the ratio B / A, on stdout, one a line: "BENCH <name>_a|_b|_ratio
# <value> <unit>"; each run's values on stderr.
#
#   catchup_entries_per_s   a fresh member daemon fetching a case of
#                           BENCH_ENTRIES entries over tcp+CURVE (both
#                           daemons of the same build), as in bench.sh
#   catchup_sender_cpu_ms   the source daemon's CPU over that catch-up
#   posts_per_s_16_clients  BENCH_CLIENTS (16) connections posting
#                           BENCH_CLIENT_POSTS (500) notes each, once per
#                           run, the member daemon up (it takes the pushes)
#   post_cpu_us_daemon, post_cpu_us_member
#                           the CPU per post of the posting daemon and of
#                           the member over that run (/proc/PID/stat)
#
# Environment: BUILD_A, BUILD_B (build directories, under the top of the
# tree or absolute), AB_RUNS (3), BENCH_ENTRIES (100000), BENCH_CLIENTS
# (16), BENCH_CLIENT_POSTS (500), BENCH_TIMEOUT (600 s per catch-up),
# SYNC_MS (1000). Daemons listen on 127.0.0.1 only; the work directory is
# removed at exit (KEEP=1 keeps it).
TOP=$(cd "$(dirname "$0")/.." && pwd)
absdir() { case $1 in /*) echo "$1" ;; *) echo "$TOP/$1" ;; esac; }
[ -n "$BUILD_A" ] && [ -n "$BUILD_B" ] || {
	echo "bench-ab: set BUILD_A and BUILD_B to two build directories (make BUILD=dir tests)" >&2
	exit 2
}
A_DIR=$(absdir "$BUILD_A")
B_DIR=$(absdir "$BUILD_B")
B=$B_DIR
LIB_TAP=0
. "$TOP/tests/lib.sh"
. "$TOP/tests/bench-lib.sh"
trap 'exit 130' INT TERM HUP

N=${BENCH_ENTRIES:-100000}
RUNS=${AB_RUNS:-3}
CLIENTS=${BENCH_CLIENTS:-16}
CPOSTS=${BENCH_CLIENT_POSTS:-500}
TIMEOUT=${BENCH_TIMEOUT:-600}
SYNC_MS=${SYNC_MS:-1000}
TOOLS=$B_DIR/tests/tools

minus() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }

for v in "$N" "$RUNS" "$CLIENTS" "$CPOSTS" "$TIMEOUT"; do
	case $v in '' | *[!0-9]*) fail "AB_RUNS, BENCH_ENTRIES, BENCH_CLIENTS, BENCH_CLIENT_POSTS, BENCH_TIMEOUT take numbers" ;; esac
done
[ "$N" -ge 1 ] && [ "$RUNS" -ge 1 ] && [ "$CLIENTS" -ge 1 ] && [ "$CPOSTS" -ge 1 ] ||
	fail "counts must be at least 1"
for f in "$A_DIR/cahierd" "$B_DIR/cahierd" "$TOOLS/bench_gen" "$TOOLS/bench_post"; do
	[ -x "$f" ] || fail "$f missing: build both with make BUILD=dir tests"
done

bench_case
say "generating $N entries..."
"$TOOLS/bench_gen" "$T/src" "$T/orgpass" "$T/ines" "$T/pp" "$CASE" "$N" >/dev/null ||
	fail "bench_gen"

# use X: the daemons of build X (a or b) from now on, both restarted
use() {
	stop src
	stop dst
	eval "B=\$$(echo "$1" | tr ab AB)_DIR"
	[ -f "$T/src.log" ] && mv "$T/src.log" "$T/src.log.old"
	start src || fail "src daemon of build $1"
}

for x in a b; do : >"$T/catchup.$x"; : >"$T/sender.$x"; : >"$T/posts.$x"; : >"$T/cpud.$x"; : >"$T/cpum.$x"; done

r=0
while [ "$r" -lt "$RUNS" ]; do
	r=$((r + 1))
	for x in a b; do
		use "$x"
		rm -rf "$T/dst" "$T/dst.log"
		cp -a "$T/dst.pristine" "$T/dst"
		started=$(date +%s.%N)
		s0=$(cpu_ms "$PID_src")
		start dst || fail "dst daemon of build $x"
		"$TOOLS/bench_post" join "$T/ines" "$T/sophie" "$T/pp" "$CASE" "$TIMEOUT" "$started" \
			>"$T/catchup.out" || fail "catch-up, build $x, run $r"
		read -r _ secs entries <"$T/catchup.out"
		rate=$(awk -v e="$entries" -v s="$secs" 'BEGIN { printf "%.0f\n", e / s }')
		cpu=$(minus "$s0" "$(cpu_ms "$PID_src")")
		echo "$rate" >>"$T/catchup.$x"
		echo "$cpu" >>"$T/sender.$x"
		say "run $r, build $x: catch-up of $entries entries at $rate entries/s, source daemon $cpu ms of CPU"
	done
done

# The posts after every catch-up, so that each catch-up fetches the same
# case; each posting run adds CLIENTS * (CPOSTS + 1) entries, A and B in
# turn.
r=0
while [ "$r" -lt "$RUNS" ]; do
	r=$((r + 1))
	for x in a b; do
		use "$x"
		start dst || fail "dst daemon of build $x"
		d0=$(cpu_ms "$PID_src") m0=$(cpu_ms "$PID_dst")
		"$TOOLS/bench_post" clients "$T/ines" "$T/pp" "$CASE" "$CLIENTS" "$CPOSTS" 1 \
			>"$T/clients.out" 2>/dev/null || fail "posts, build $x, run $r"
		d1=$(cpu_ms "$PID_src") m1=$(cpu_ms "$PID_dst")
		np=$((CLIENTS * (CPOSTS + 1)))
		rate=$(awk '$1 == "BENCH" { print $3 }' "$T/clients.out")
		cd=$(awk -v a="$d0" -v b="$d1" -v n="$np" 'BEGIN { printf "%.0f\n", (b - a) * 1000 / n }')
		cm=$(awk -v a="$m0" -v b="$m1" -v n="$np" 'BEGIN { printf "%.0f\n", (b - a) * 1000 / n }')
		echo "$rate" >>"$T/posts.$x"
		echo "$cd" >>"$T/cpud.$x"
		echo "$cm" >>"$T/cpum.$x"
		say "run $r, build $x: $rate posts/s with $CLIENTS clients; CPU per post: daemon $cd us, member $cm us"
	done
done
stop src
stop dst

# figure NAME FILE UNIT: the medians of A and B, and B / A
figure() {
	fa=$(median <"$T/$2.a") fb=$(median <"$T/$2.b")
	echo "BENCH ${1}_a $fa $3"
	echo "BENCH ${1}_b $fb $3"
	echo "BENCH ${1}_ratio $(ratio "$fb" "$fa") x"
}
figure catchup_entries_per_s catchup entries/s
figure catchup_sender_cpu_ms sender ms
figure "posts_per_s_${CLIENTS}_clients" posts posts/s
figure post_cpu_us_daemon cpud us
figure post_cpu_us_member cpum us
