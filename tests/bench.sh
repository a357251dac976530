#!/bin/sh
# bench.sh - figures of cahier on this machine, each with a baseline measured
# in the same run. Figures on stdout, one a line: "BENCH <name> <value> <unit>";
# progress on stderr. Daemons listen on 127.0.0.1 only; the work directory is
# removed at exit (KEEP=1 keeps it).
#
#   post_p50_ms, post_p90_ms   a provider's post: sign, send, the daemon's
#                              checks and fsync'ed commit, its reply (one
#                              client, BENCH_POSTS posts in one process: no
#                              key unlock, no connection counted)
#   fsync_p50_ms               baseline: write 512 bytes + fsync, same directory
#   catchup_entries_per_s      a fresh member daemon fetching a case of
#                              BENCH_ENTRIES entries over tcp+CURVE, checking
#                              every signature and committing every entry
#                              (median of BENCH_RUNS runs)
#   catchup_sender_cpu_ms      the CPU time the source daemon spent over one
#                              catch-up (median of the runs): reading the
#                              entries and framing the batches
#   verify_entries_per_s       baseline: the same entries checked in memory,
#                              single-threaded (median of 3 passes)
#   verify_allcore_sigs_per_s  baseline: Ed25519 verifications per second on
#                              all cores (one thread per online CPU, at most
#                              8, as cahierd checks a batch), nothing else
#                              (tests/tools/bench_sigs.c, median of 3 runs of
#                              2 s); catchup_vs_allcore_ratio is entries per
#                              signature: a catch-up checks one provider
#                              signature per entry, and one organization
#                              signature per run of a feed in a batch
#   log_last50_ms_100k         reading the newest 50 entries of a case of
#                              BENCH_LOG_ENTRIES entries through the daemon's
#                              read path (reads_handle: signed request, index,
#                              bodies opened, reply, access record committed
#                              with fsync), warm index, median of 21, in one
#                              process (tests/tools/bench_log.c)
#   log_last50_ms_1k           baseline: the same on a case of 1000 entries
#   log_index_build_ms_100k    building that case's index from scratch (the
#                              first read after a start); log_first_read_ms_100k
#                              is that first read, whole
#   posts_per_s_16_clients     durable posts per second with BENCH_CLIENTS (16)
#                              connections of one provider posting to the case
#                              at once, each BENCH_CLIENT_POSTS (500) notes one
#                              after the other as fast as the replies come
#                              (median of BENCH_RUNS runs; the daemon commits
#                              the posts of one round of its loop together)
#   post_cpu_us_daemon, post_cpu_us_member
#                              the CPU time per post of the posting daemon
#                              and of the member daemon that takes its
#                              pushes, over the runs of posts_per_s_16_clients
#   posts_per_s_1_client       baseline: the same with one connection
#   fsyncs_per_s               baseline: the bare fsync loop above, per second
#   rss_mib_10k_cases, hwm_mib_10k_cases, fds_10k_cases,
#   idle_round_bytes_10k_cases, and their 1-case baselines: two daemons over
#                              BENCH_CASES (10000) shared cases of
#                              BENCH_CASE_ENTRIES (100) entries each, by
#                              tests/bench-scale.sh (see there); BENCH_SCALE=0
#                              leaves them out
#
# Environment: BUILD (build directory, default build), BENCH_ENTRIES (default
# 100000), BENCH_LOG_ENTRIES (100000), BENCH_POSTS (200), BENCH_RUNS (3),
# BENCH_CLIENTS (16), BENCH_CLIENT_POSTS (500), BENCH_TIMEOUT (600 s per
# catch-up), BENCH_CASES, BENCH_CASE_ENTRIES, BENCH_SETTLE, BENCH_IDLE_SECS
# (tests/bench-scale.sh), BENCH_SCALE (1; 0: no scale figures), SYNC_MS (the daemons' sync interval, default 1000 as cahierd's),
# BENCH_PERF=FILE (record the first catch-up with perf into FILE.data and
# write a report to FILE.txt).
LIB_TAP=0    # figures, not a test: no TAP lines from lib.sh
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bench-lib.sh"
# lib.sh cleans up on EXIT; make a signal end through it too.
trap 'exit 130' INT TERM HUP

N=${BENCH_ENTRIES:-100000}
POSTS=${BENCH_POSTS:-200}
RUNS=${BENCH_RUNS:-3}
TIMEOUT=${BENCH_TIMEOUT:-600}
SYNC_MS=${SYNC_MS:-1000}
TOOLS=$B/tests/tools

# field NAME FILE: the value of "BENCH NAME value unit" in FILE
field() { awk -v n="$1" '$1 == "BENCH" && $2 == n { print $3 }' "$2"; }

# restart ORG: start it with a fresh log (start waits for a "ready" line)
restart() { [ -f "$T/$1.log" ] && mv "$T/$1.log" "$T/$1.log.old"; start "$1"; }

for t in bench_post bench_gen bench_verify bench_log bench_sigs mkcases; do
	[ -x "$TOOLS/$t" ] || fail "$TOOLS/$t missing: run make BUILD=${BUILD:-build} tests first"
done
CLIENTS=${BENCH_CLIENTS:-16}
CPOSTS=${BENCH_CLIENT_POSTS:-500}
for v in "$N" "$POSTS" "$RUNS" "$TIMEOUT" "$CLIENTS" "$CPOSTS"; do
	case $v in '' | *[!0-9]*) fail "BENCH_ENTRIES, BENCH_POSTS, BENCH_RUNS, BENCH_TIMEOUT, BENCH_CLIENTS, BENCH_CLIENT_POSTS take numbers" ;; esac
done
[ "$N" -ge 1 ] && [ "$POSTS" -ge 1 ] && [ "$RUNS" -ge 1 ] && [ "$CLIENTS" -ge 1 ] &&
	[ "$CPOSTS" -ge 1 ] || fail "counts must be at least 1"

LOG_N=${BENCH_LOG_ENTRIES:-100000}
say "reading the last 50 of $LOG_N entries, and of 1000 (in process)..."
TMPDIR="$T" "$TOOLS/bench_log" "$LOG_N" 21 >"$T/log.out" || fail "bench_log"

bench_case

say "generating $N entries (daemon stopped, through nb_append)..."
t0=$(date +%s)
"$TOOLS/bench_gen" "$T/src" "$T/orgpass" "$T/ines" "$T/pp" "$CASE" "$N" ||
	fail "bench_gen"
say "generated in $(($(date +%s) - t0)) s"

say "verifying the entries in memory (baseline)..."
"$TOOLS/bench_verify" "$T/src" "$T/orgpass" "$CASE" 3 >"$T/verify.out" ||
	fail "bench_verify"
VERIFY=$(field verify_entries_per_s "$T/verify.out")

say "Ed25519 verifications on all cores (baseline)..."
: >"$T/sigs.rates"
for _ in 1 2 3; do
	"$TOOLS/bench_sigs" 2 >"$T/sigs.out" || fail "bench_sigs"
	field verify_allcore_sigs_per_s "$T/sigs.out" >>"$T/sigs.rates"
done
ALLCORE=$(median <"$T/sigs.rates")

restart src || fail "src daemon"
: >"$T/catchup.rates"
: >"$T/catchup.sender"
r=0
while [ "$r" -lt "$RUNS" ]; do
	r=$((r + 1))
	stop dst
	rm -rf "$T/dst" "$T/dst.log"
	cp -a "$T/dst.pristine" "$T/dst"
	# The member joins by itself: the source's periodic round offers it the
	# case as soon as they are connected. The clock starts with its daemon.
	started=$(date +%s.%N)
	if [ "$r" = 1 ] && [ -n "$BENCH_PERF" ]; then
		perf record -g -o "$BENCH_PERF.data" -- "$B/cahierd" run -d "$T/dst" \
			>>"$T/dst.log" 2>&1 &
		PID_dst=$!
		PIDS="$PIDS $!"
		wait_for 10 grep -q " ready: " "$T/dst.log" || fail "dst daemon under perf"
	else
		start dst || fail "dst daemon"
	fi
	say "catch-up run $r of $RUNS..."
	sender0=$(cpu_ms "$PID_src")
	"$TOOLS/bench_post" join "$T/ines" "$T/sophie" "$T/pp" "$CASE" "$TIMEOUT" "$started" \
		>"$T/catchup.out" || fail "catch-up run $r"
	read -r _ secs entries <"$T/catchup.out"
	awk -v a="$sender0" -v b="$(cpu_ms "$PID_src")" 'BEGIN { print b - a }' >>"$T/catchup.sender"
	rate=$(awk -v e="$entries" -v s="$secs" 'BEGIN { printf "%.0f\n", e / s }')
	say "run $r: $entries entries in $secs s: $rate entries/s"
	echo "$rate" >>"$T/catchup.rates"
	if [ "$r" = 1 ] && [ -n "$BENCH_PERF" ]; then
		stop dst INT
		perf report -i "$BENCH_PERF.data" --stdio --no-children --percent-limit 1 \
			>"$BENCH_PERF.txt" 2>/dev/null
		say "perf report in $BENCH_PERF.txt"
		[ "$r" -lt "$RUNS" ] || restart dst || fail "dst daemon"
	fi
done
CATCHUP=$(median <"$T/catchup.rates")
SENDER=$(median <"$T/catchup.sender")

say "$POSTS posts (both daemons up, the case holds $N+ entries)..."
"$TOOLS/bench_post" post "$T/ines" "$T/pp" "$CASE" "$POSTS" >"$T/post.out" ||
	fail "bench_post post"
"$TOOLS/bench_post" fsync "$T" 200 >"$T/fsync.out" || fail "bench_post fsync"
POST=$(field post_p50_ms "$T/post.out")
FSYNC=$(field fsync_p50_ms "$T/fsync.out")
say "$CLIENTS clients posting $CPOSTS notes each at once, then 1 client ($RUNS runs)..."
cs0=$(cpu_ms "$PID_src") cd0=$(cpu_ms "$PID_dst")
"$TOOLS/bench_post" clients "$T/ines" "$T/pp" "$CASE" "$CLIENTS" "$CPOSTS" "$RUNS" \
	>"$T/clients.out" || fail "bench_post clients"
# the daemons' CPU per post over those runs (each connection's first post,
# its handshake, included): the posting daemon's, and the member's that
# takes the pushes
cs1=$(cpu_ms "$PID_src") cd1=$(cpu_ms "$PID_dst")
NP=$((CLIENTS * (CPOSTS + 1) * RUNS))
"$TOOLS/bench_post" clients "$T/ines" "$T/pp" "$CASE" 1 "$CPOSTS" "$RUNS" \
	>"$T/client1.out" || fail "bench_post clients (one)"
MANY=$(awk '$1 == "BENCH" { print $3 }' "$T/clients.out")
ONE=$(field posts_per_s_1_client "$T/client1.out")
for o in src dst; do stop $o; done

cat "$T/post.out"
echo "BENCH fsync_p50_ms $FSYNC ms"
echo "BENCH post_vs_fsync_ratio $(ratio "$POST" "$FSYNC") x"
cat "$T/clients.out" "$T/client1.out"
echo "BENCH fsyncs_per_s $(field fsyncs_per_s "$T/fsync.out") fsyncs/s"
echo "BENCH posts_${CLIENTS}_vs_1_client_ratio $(ratio "$MANY" "$ONE") x"
echo "BENCH post_cpu_us_daemon $(awk -v a="$cs0" -v b="$cs1" -v n="$NP" 'BEGIN { printf "%.0f\n", (b - a) * 1000 / n }') us"
echo "BENCH post_cpu_us_member $(awk -v a="$cd0" -v b="$cd1" -v n="$NP" 'BEGIN { printf "%.0f\n", (b - a) * 1000 / n }') us"
echo "BENCH catchup_entries_per_s $CATCHUP entries/s"
echo "BENCH catchup_sender_cpu_ms $SENDER ms"
echo "BENCH verify_entries_per_s $VERIFY entries/s"
echo "BENCH catchup_vs_verify_ratio $(ratio "$CATCHUP" "$VERIFY") x"
echo "BENCH verify_allcore_sigs_per_s $ALLCORE sigs/s"
echo "BENCH catchup_vs_allcore_ratio $(ratio "$CATCHUP" "$ALLCORE") x"
cat "$T/log.out"
if [ "${BENCH_SCALE:-1}" != 0 ]; then
	say "two daemons over many shared cases (tests/bench-scale.sh)..."
	# Its own port range: the next hundred when one was given by hand (this
	# run holds its own).
	if [ -n "$PORT_CHOSEN" ]; then
		B="$B" PORT_BASE=$((PORT_BASE + 100)) sh "$(dirname "$0")/bench-scale.sh"
	else
		B="$B" sh "$(dirname "$0")/bench-scale.sh"
	fi || fail "bench-scale.sh"
fi
