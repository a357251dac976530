#!/bin/sh
# t71-hostile-pingpong.sh - two member organizations turned hostile (the GP
# practice and the mobile psychiatric team, their daemons stopped, their
# keys in tests/tools/forge) leave the two honest daemons, the coordinator's
# and the nursing service's, each holding entries the other refuses: the
# two must not send them to each other again and again (a refusal
# ping-pong, which ran thousands of times a second before the daemons left
# a refused batch's wait as it was). The refusals are counted in both logs,
# the lines log_limited left out included, and the CPU both daemons use.
#
# Environment: FORGE (the forge binary, default $B/tests/tools/forge: set it
# to run this file against the daemons of another build whose forge lacks
# the kinds used here), WINDOW_S (the seconds watched for a ping-pong,
# default 21: two log windows and more than two sync waits).
. "$(dirname "$0")/lib.sh"

FORGE=${FORGE:-$B/tests/tools/forge}
SRC=$(cd "$(dirname "$0")/.." && pwd)
quiet() { "$@" >/dev/null 2>&1; }
diag() { echo "# $*"; }
def() { sed -n "s/^#define $2 //p" "$SRC/daemon/$1" | sed 's/\([0-9]\)u\b/\1/g'; }
WINDOW_MS=$(($(def log.h LOG_WINDOW_MS)))
WAIT_MS=$(($(def sync.h SYNC_WAIT_MS)))
WINDOW_S=${WINDOW_S:-$((2 * WINDOW_MS / 1000 + 1))}
SYNC_MS=${SYNC_MS:-200}

mkorg cpas "CPAS d'Anderlecht — service social" 1
mkorg nurse "Thuisverpleging Zuid" 2
mkorg gp "Huisartsenpraktijk Noord" 3
mkorg psy "Equipe mobile psychiatrique" 4
check "cards exchanged with fingerprints checked" mesh cpas nurse gp psy
check "provider at the CPAS" mkprov cpas ines "Inès Dubois" social-worker
check "provider at the nursing service" mkprov nurse sophie "Sophie Lambert" home-nurse
check "provider at the GP practice" mkprov gp karim "Dr. Karim El Idrissi" gp
check "provider at the psychiatric team" mkprov psy pia "Pia Claes" psychiatric-nurse
for o in cpas nurse gp psy; do start_ready $o || exit 1; done

CASE=$(c ines case new "Mevrouw Peeters" 2>/dev/null)
check "case created" [ "${#CASE}" = 32 ]
check "nursing service added" quiet c ines case add "$CASE" "$T/nurse/org.card" --role home-nursing
check "GP practice added" quiet c ines case add "$CASE" "$T/gp/org.card" --role gp
check "psychiatric team added" quiet c ines case add "$CASE" "$T/psy/org.card" --role psychiatric-home-care
# (the GP's and the team's daemons join the case from the coordinator's
# push: each posts once its daemon holds the case)
check "the case reaches the GP practice" wait_for "$SYNC_WAIT" has_entries karim "$CASE" 4
check "the case reaches the psychiatric team" wait_for "$SYNC_WAIT" has_entries pia "$CASE" 4
check "GP posts" quiet c karim post "$CASE" "Insuline aangepast."
check "psychiatric nurse posts" quiet c pia post "$CASE" "Eerste huisbezoek gepland."
N=6
for h in ines sophie karim pia; do
	check "every entry reaches $h" wait_for "$SYNC_WAIT" has_entries $h "$CASE" $N
done
sleep 0.5

# forge ORG PROVIDER TO KIND ARGS...: forge as ORG sends to TO's peer socket
forge() {
	o=$1 p=$2 to=$3; shift 3
	case $to in cpas) i=1 ;; nurse) i=2 ;; esac
	"$FORGE" -d "$T/$o" --passphrase-file "$T/orgpass" --case "$CASE" \
		--to "tcp://127.0.0.1:$((PORT_BASE + i))" --to-card "$T/$to/org.card" \
		--provider-key "$T/$p/provider.key" --provider-pass "$T/pp" \
		--provider-cert "$T/$p/provider.cert" --kind "$@" 2>>"$T/forge.err"
}

# --- 4. No refusal ping-pong --------------------------------------------------
# Each hostile organization writes two versions of its next entries, one
# for each honest daemon, while the other is stopped:
#   coordinator: GP's h+1, h+2 (chain A)   psychiatric team's k+1 (chain D)
#   nurse:       GP's h+1 (chain B)        psychiatric team's k+1, k+2 (chain C)
# Both then hold as many entries; the coordinator is ahead on the GP's feed
# with an entry the nurse refuses (wrong prev hash: it follows A, not B), the
# nurse ahead on the team's feed with one the coordinator refuses. Each such
# refusal is a branch: the refuser asks for the entry it follows, finds the
# fork and freezes the feed (PROTOCOL.md, "A branch is a fork").
stop gp; stop psy; stop nurse
check "GP's chain A (2 entries) sent to the coordinator" forge gp karim cpas chain --count 2
check "psychiatric team's chain D (1 entry) sent to the coordinator" forge psy pia cpas chain --count 1
check "the coordinator stores them" wait_for "$SYNC_WAIT" has_entries ines "$CASE" $((N + 3))
stop cpas
start_ready nurse || exit 1
check "GP's chain B (1 entry) sent to the nurse" forge gp karim nurse chain --count 1
check "psychiatric team's chain C (2 entries) sent to the nurse" forge psy pia nurse chain --count 2
check "the nurse stores them" wait_for "$SYNC_WAIT" has_entries sophie "$CASE" $((N + 3))
start_ready cpas || exit 1
check "the coordinator and the nurse meet: the nurse refuses the GP's h+2" \
	wait_for "$SYNC_WAIT" grep -q "rejected entry .* from CPAS.*: wrong prev hash" "$T/nurse.log"
check "... the coordinator refuses the team's k+2" \
	wait_for "$SYNC_WAIT" grep -q "rejected entry .* from Thuisverpleging Zuid: wrong prev hash" "$T/cpas.log"

# refusals FILE FROM: the refusals (rejected, fork, ignored entries) in the
# lines of FILE after FROM, the ones the log left out included
refusals() {
	tail -n +"$(($2 + 1))" "$1" | awk '
		/rejected entry|fork in the feed|ignored entry/ { n++ }
		/more lines? like the last/ { for (i = 1; i <= NF; i++) if ($i == "and") { n += $(i + 1); break } }
		END { print n + 0 }'
}
# cpu ORG: the CPU time its daemon used so far (clock ticks)
cpu() { eval "p=\$PID_$1"; awk '{ print $14 + $15 }' "/proc/$p/stat"; }
sleep 1
c1=$(wc -l <"$T/cpas.log"); u1=$(wc -l <"$T/nurse.log")
k1=$(cpu cpas); l1=$(cpu nurse)
sleep "$WINDOW_S"
k2=$(cpu cpas); l2=$(cpu nurse)
rc=$(refusals "$T/cpas.log" "$c1"); ru=$(refusals "$T/nurse.log" "$u1")
rounds=$((WINDOW_S * 1000 / SYNC_MS))
# Without a ping-pong, the two meet again once per SYNC_WAIT_MS: a few
# refusals each time (the batch of the round and the answer to the
# request that follows it).
bound=$((3 * (WINDOW_S * 1000 / WAIT_MS + 1)))
diag "ping-pong: over $WINDOW_S s ($rounds sync intervals of $SYNC_MS ms):" \
	"coordinator $rc refusals and $((k2 - k1)) CPU ticks, nurse $ru refusals and $((l2 - l1)) CPU ticks"
diag "ping-pong: bound $bound refusals each: 3 per meeting, one meeting per $((WAIT_MS / 1000)) s"
tail -n +"$((c1 + 1))" "$T/cpas.log" | grep -E "rejected|fork|ignored|more lines" | head -n 8 | sed 's/^/#   cpas: /'
tail -n +"$((u1 + 1))" "$T/nurse.log" | grep -E "rejected|fork|ignored|more lines" | head -n 8 | sed 's/^/#   nurse: /'
check "ping-pong: the coordinator refused at most $bound times in $WINDOW_S s (got $rc)" [ "$rc" -le "$bound" ]
check "ping-pong: the nurse refused at most $bound times in $WINDOW_S s (got $ru)" [ "$ru" -le "$bound" ]
# Not only the log: the two daemons are not busy sending to each other
# (at most 5 % of one CPU each).
cpumax=$((WINDOW_S * 5))
check "ping-pong: the coordinator used at most $cpumax CPU ticks (got $((k2 - k1)))" \
	[ $((k2 - k1)) -le "$cpumax" ]
check "ping-pong: the nurse used at most $cpumax CPU ticks (got $((l2 - l1)))" \
	[ $((l2 - l1)) -le "$cpumax" ]
# Each entry the other refuses does not follow the one it holds before it
# (a branch): each asks for that one, and finds the fork, of both feeds;
# each forked feed is reported in the case (once by each daemon at most,
# fewer when the other's report came first), and nothing else is written.
check "the forks are found: the GP's and the team's, by both daemons" sh -c \
	"[ \$(grep -c 'fork in the feed' '$T/cpas.log') -ge 1 ] && [ \$(grep -c 'fork in the feed' '$T/nurse.log') -ge 1 ]"
# same_count: both hold as many entries (each its own branch of each forked
# feed, 3 entries either way, and every report), at least one report a feed
same_count() { a=$(entries_count ines "$CASE"); b=$(entries_count sophie "$CASE")
	[ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" -ge $((N + 5)) ] && [ "$a" -le $((N + 7)) ]; }
check "ping-pong: each still holds its own versions, and the fork reports" wait_for "$SYNC_WAIT" same_count
M=$(entries_count ines "$CASE")
check "ping-pong: both daemons still answer" quiet c ines status
check "... and the nurse's posts still reach the coordinator" quiet c sophie post "$CASE" "Wondzorg gedaan."
check "... (the coordinator holds it)" wait_for "$SYNC_WAIT" has_entries ines "$CASE" $((M + 1))

check "no crash or assertion in the logs" sh -c "! grep -Eiq 'assert|segfault|abort' '$T/cpas.log' '$T/nurse.log'"
done_testing
