# bench-lib.sh - helpers of the benchmark scripts (bench.sh, bench-scale.sh,
# bench-ab.sh). Source it after lib.sh.

# say WORDS...: progress on stderr; fail WORDS...: say it, and end the run
say() { echo "bench: $*" >&2; }
fail() { say "FAILED: $*"; TAP_FAIL=1; exit 1; }
# median: of the numbers on stdin, one a line
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1;
	if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# ratio A B: A / B, two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'; }
# cpu_ms PID: the CPU time (user and system, every thread) of process PID so
# far, in ms (/proc/PID/stat, fields 14 and 15, in clock ticks)
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) * 1000 / hz }' "/proc/$1/stat"; }

# bench_case: two organizations in $T, src (the coordinator, its provider
# ines) and dst (a member, its provider sophie), their cards exchanged; a
# copy of dst's data directory as it is before its daemon ever ran, in
# dst.pristine (each catch-up starts from a copy of it); a case opened at
# src with dst added, in CASE. src's daemon is stopped again.
bench_case() {
	say "setting up two organizations in $T (sync every $SYNC_MS ms)"
	mkorg src "Bench coordinator" 1 || fail "init src"
	mkorg dst "Bench member" 2 || fail "init dst"
	mesh src dst || fail "cards"
	mkprov src ines "Bench Coordinator" social-worker || fail "provider at src"
	mkprov dst sophie "Bench Nurse" home-nurse || fail "provider at dst"
	cp -a "$T/dst" "$T/dst.pristine"
	start src || fail "src daemon"
	CASE=$(c ines case new "Bench case" 2>/dev/null)
	[ "${#CASE}" = 32 ] || fail "case creation"
	c ines case add "$CASE" "$T/dst/org.card" --role home-nursing >/dev/null 2>&1 ||
		fail "adding the member"
	stop src
}
