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
