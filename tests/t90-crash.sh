#!/bin/sh
# t90-crash.sh - crashes under load: three organizations in one case, three
# posting loops against two of the daemons, and a bounded loop that kills a
# daemon (any of the three) with SIGKILL at a random moment and restarts it.
# Then the load stops, the daemons converge, and: every acknowledged post
# (its `cahier note` exited 0) is in every daemon's log of the case exactly
# once, every store opened again at each restart, the feeds are
# byte-identical (mdb_dump), no daemon logged a fork.
#
# Not part of `make check`: run by `make check-long` (README). It ends by
# itself: the kill loop within CRASH_SECS, the convergence within
# CRASH_CONVERGE (times WAIT_SCALE), about 3 minutes in all by default.
#
# Environment (besides lib.sh's):
#   CRASH_SECS     how long the kill loop runs at most (default 90)
#   CRASH_CYCLES   how many kills at most (default 20)
#   CRASH_SEED     the seed of the random moments (default: from the clock;
#                  printed, so a run's choices can be made again)
#   CRASH_CONVERGE the bound on the wait for convergence (default 60 s)
. "$(dirname "$0")/lib.sh"

CRASH_SECS=${CRASH_SECS:-90}
CRASH_CYCLES=${CRASH_CYCLES:-20}
CRASH_CONVERGE=${CRASH_CONVERGE:-60}
SEED=${CRASH_SEED:-$(($(date +%s) % 100000))}
SEED0=$SEED
# rnd N: a pseudo-random number in 0..N-1 (an LCG: dash has no $RANDOM)
rnd() { SEED=$(((SEED * 1103515245 + 12345) % 2147483648)); RND=$(((SEED / 65536) % $1)); }
# msleep MS: sleep MS milliseconds
msleep() { sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }

mkorg co "Coordination crash" 1
mkorg nurse "Thuisverpleging crash" 2
mkorg gp "Huisartsenpraktijk crash" 3
check "cards exchanged" mesh co nurse gp
check "coordinator at co" mkprov co ines "Inès Crash" coordinator
check "a second coordinator at co" mkprov co ann "Ann Crash" coordinator
check "home nurse at nurse" mkprov nurse sophie "Sophie Crash" home-nurse
check "GP at gp" mkprov gp karim "Dr. Karim Crash" gp
for o in co nurse gp; do start $o || exit 1; done

CASE=$(c ines case new "Crash case" 2>/dev/null)
check "case opened" [ "${#CASE}" = 32 ]
check "nursing added" c ines case add "$CASE" "$T/nurse/org.card" --role home-nursing
check "GP added" c ines case add "$CASE" "$T/gp/org.card" --role gp
check "the case reaches the nurse" wait_for "$SYNC_WAIT" has_entries sophie "$CASE" 3
check "the case reaches the GP" wait_for "$SYNC_WAIT" has_entries karim "$CASE" 3

# --- the load -------------------------------------------------------------------
# post_loop K HOME: posts until load.stop exists; each post's marker goes to
# ack.K if `cahier note` exited 0 (acknowledged: committed and fsync'ed), to
# nak.K if not (allowed: its daemon was down, or killed while it waited).
post_loop() {
	pl_i=0
	while [ ! -f "$T/load.stop" ]; do
		pl_i=$((pl_i + 1))
		pl_m="MRKL${1}N${pl_i}X"
		if "$B/cahier" --home "$T/$2" --passphrase-file "$T/pp" --timeout 5 \
			note "$CASE" "crash load $pl_m" >/dev/null 2>>"$T/load.$1.err"; then
			echo "$pl_m" >>"$T/ack.$1"
		else
			echo "$pl_m" >>"$T/nak.$1"
			sleep 0.2
		fi
	done
}
: >"$T/ack.1"; : >"$T/ack.2"; : >"$T/ack.3"; : >"$T/nak.1"; : >"$T/nak.2"; : >"$T/nak.3"
LOAD=
# A script that ends early (a failed start, a signal) stops the loops too,
# before lib.sh's cleanup removes the work directory; a post under way ends
# within its --timeout.
stop_load() { touch "$T/load.stop"; for p in $LOAD; do kill "$p" 2>/dev/null; done; LOAD=; }
trap 'rc0=$?; stop_load; (exit $rc0); cleanup' EXIT
# (not the port lock: the loops end before the script does)
post_loop 1 ines 9>&- & LOAD="$LOAD $!"
post_loop 2 ann 9>&- & LOAD="$LOAD $!"
post_loop 3 sophie 9>&- & LOAD="$LOAD $!"
diag "seed $SEED0; kill loop: at most $CRASH_CYCLES cycles or $CRASH_SECS s"

# --- the kill loop ----------------------------------------------------------------
CYCLES=0
STARTS_FAILED=0
END=$(($(date +%s) + CRASH_SECS))
while [ "$CYCLES" -lt "$CRASH_CYCLES" ] && [ "$(date +%s)" -lt "$END" ]; do
	rnd 1500; msleep "$RND"            # a random moment under load
	rnd 3
	case $RND in 0) V=co ;; 1) V=nurse ;; *) V=gp ;; esac
	stop "$V" KILL
	rnd 700; msleep "$RND"             # down a while: posts to it fail or wait
	CYCLES=$((CYCLES + 1))
	echo "# cycle $CYCLES: killed $V" >&2
	start "$V" || { STARTS_FAILED=$((STARTS_FAILED + 1)); break; }
done
touch "$T/load.stop"
for p in $LOAD; do wait "$p"; done
LOAD=
check "every store opened again after each SIGKILL ($CYCLES cycles)" [ "$STARTS_FAILED" = 0 ]
for o in co nurse gp; do check "the daemon of $o runs" running $o; done

ACKED=$(cat "$T/ack.1" "$T/ack.2" "$T/ack.3" | wc -l | tr -d ' ')
NAKED=$(cat "$T/nak.1" "$T/nak.2" "$T/nak.3" | wc -l | tr -d ' ')
cat "$T/ack.1" "$T/ack.2" "$T/ack.3" | sort >"$T/acked"
cat "$T/nak.1" "$T/nak.2" "$T/nak.3" | sort >"$T/nak.sorted"

# --- convergence ------------------------------------------------------------------
# markers HOME: the markers in HOME's log of the case, one a line, sorted
# (each read writes an access record: counts are compared, not reads)
markers() {
	c "$1" --json log "$CASE" --all 2>/dev/null | jq -r '.entries[].content.text // empty' |
		grep -o 'MRKL[0-9]*N[0-9]*X' | sort
}
count() { entries_count "$1" "$CASE"; }
same_counts() {
	n0=$(count ines); [ -n "$n0" ] && [ "$n0" = "$(count sophie)" ] && [ "$n0" = "$(count karim)" ]
}
check "the daemons converge (entry counts equal)" wait_for "$CRASH_CONVERGE" same_counts

LOST=0
for h in ines sophie karim; do
	markers $h >"$T/m.$h"
	missing=$(comm -23 "$T/acked" "$T/m.$h" | wc -l | tr -d ' ')
	twice=$(uniq -d "$T/m.$h" | wc -l | tr -d ' ')
	[ "$missing" -gt "$LOST" ] && LOST=$missing
	check "every acknowledged post is in $h's log ($(wc -l <"$T/m.$h" | tr -d ' ') markers there)" [ "$missing" = 0 ]
	[ "$missing" = 0 ] || { diag "missing at $h:"; comm -23 "$T/acked" "$T/m.$h" | head -n 10 | sed 's/^/#   /' >&2; }
	check "no post twice in $h's log" [ "$twice" = 0 ]
done
cat "$T/acked" "$T/nak.1" "$T/nak.2" "$T/nak.3" | sort >"$T/made"
check "every post a daemon holds was made by a loop" \
	[ "$(sort -u "$T/m.ines" "$T/m.sophie" "$T/m.karim" | comm -23 - "$T/made" | wc -l | tr -d ' ')" = 0 ]
# Failed posts may have been stored all the same (killed after the commit,
# before the answer): how many, for the report.
INFAILED=$(comm -12 "$T/m.ines" "$T/nak.sorted" 2>/dev/null | wc -l | tr -d ' ')

# The reads above wrote access records: the feeds converge again.
same_feeds() {
	feed_dump co "$CASE" >"$T/f.co" && feed_dump nurse "$CASE" >"$T/f.nurse" &&
	feed_dump gp "$CASE" >"$T/f.gp" && cmp -s "$T/f.co" "$T/f.nurse" && cmp -s "$T/f.co" "$T/f.gp"
}
wait_for -w "the feeds to be byte-identical" "$CRASH_CONVERGE" same_feeds
for o in co nurse gp; do stop $o; done
for o in co nurse gp; do feed_dump $o "$CASE" >"$T/f.$o"; done
check "feeds byte-identical at co and nurse" cmp -s "$T/f.co" "$T/f.nurse"
check "feeds byte-identical at co and gp" cmp -s "$T/f.co" "$T/f.gp"
check "no fork in any log" sh -c "! grep -i fork '$T/co.log' '$T/nurse.log' '$T/gp.log'"

echo "# cycles: $CYCLES (CRASH_SEED=$SEED0)"
echo "# posts acknowledged: $ACKED"
echo "# posts refused or failed: $NAKED ($INFAILED of them stored all the same)"
echo "# lost: $LOST"
check "lost: $LOST acknowledged posts (must be 0)" [ "$LOST" = 0 ]
done_testing
