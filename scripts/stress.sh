#!/bin/sh
# stress.sh - run end-to-end test scripts again and again on a loaded machine,
# to bring out the failures that show once in many runs.
#
# usage: sh scripts/stress.sh [-n RUNS] [-l BUSY] [-p PORT_BASE] [-o DIR] [SCRIPT...]
#
#   -n RUNS       runs of each script (default 10)
#   -l BUSY       busy loops started beside the tests (default 2; 0 for none)
#   -p PORT_BASE  first port range; script i of the list gets PORT_BASE+200*i
#                 (default 63000: above the ephemeral ports, below 65000)
#   -o DIR        where the outputs and kept work directories go
#                 (default a new directory under ${TMPDIR:-/tmp})
#   SCRIPT...     default: tests/t[0-9]*.sh, the end-to-end scripts
#
# Every run keeps its work directory (KEEP=1) under DIR; the output of run R
# of script S is DIR/S.R.out. At the end, one line per failed run: the
# script, the run, the exit code, whether the plan was printed, and the first
# failing test or diagnostic. Exit 0 when every run passed, 1 otherwise.
# BUILD names the build directory as for the tests (default build).
# The busy loops are bounded (timeout) and stopped at exit by their ids.

RUNS=10 BUSY=2 PB=63000 OUT=
while getopts n:l:p:o: f; do
	case $f in
	n) RUNS=$OPTARG ;; l) BUSY=$OPTARG ;; p) PB=$OPTARG ;; o) OUT=$OPTARG ;;
	*) echo "usage: sh scripts/stress.sh [-n RUNS] [-l BUSY] [-p PORT_BASE] [-o DIR] [SCRIPT...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
[ $# -gt 0 ] || set -- tests/t[0-9]*.sh
[ -n "$OUT" ] || OUT=$(mktemp -d "${TMPDIR:-/tmp}/cahier-stress.XXXXXX")
mkdir -p "$OUT/work" || exit 2

LOADERS=""
stop_load() { for p in $LOADERS; do kill "$p" 2>/dev/null; done; for p in $LOADERS; do wait "$p" 2>/dev/null; done; LOADERS=""; }
trap stop_load EXIT
trap 'exit 130' INT TERM HUP
# Bounded, so that a stress run killed without its trap leaves nothing behind.
i=0
while [ "$i" -lt "$BUSY" ]; do
	timeout $((RUNS * $# * 300 + 60)) sh -c 'while :; do :; done' &
	LOADERS="$LOADERS $!"
	i=$((i + 1))
done

echo "stress: $RUNS runs of $# script(s), $BUSY busy loop(s), outputs in $OUT"
FAILED=0
r=1
while [ "$r" -le "$RUNS" ]; do
	k=0
	for s in "$@"; do
		n=$(basename "$s" .sh)
		o=$OUT/$n.$r.out
		t0=$(date +%s)
		BUILD=${BUILD:-build} PORT_BASE=$((PB + 200 * k)) KEEP=1 TMPDIR=$OUT/work \
			sh "$s" >"$o" 2>&1
		rc=$?
		dt=$(($(date +%s) - t0))
		plan=yes
		grep -Eq '^1\.\.[0-9]+' "$o" || plan=no
		bad=$(grep -m1 -E '^not ok|^Bail out!|gave up' "$o")
		if [ "$rc" != 0 ] || [ "$plan" = no ] || grep -q '^not ok' "$o"; then
			FAILED=$((FAILED + 1))
			echo "stress: FAIL $n run $r (${dt} s): exit $rc, plan $plan: $bad"
		else
			echo "stress: ok   $n run $r (${dt} s)"
			# A passing run's work directory is not needed.
			d=$(sed -n 's/^# work directory kept: //p' "$o")
			case $d in "$OUT"/work/*) rm -rf "$d" ;; esac
		fi
		k=$((k + 1))
	done
	r=$((r + 1))
done
echo "stress: $FAILED failed run(s) of $((RUNS * $#)); outputs in $OUT"
[ "$FAILED" = 0 ]
