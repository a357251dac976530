#!/bin/sh
# t31-fork.sh - a member organization (the GP practice, its daemon stopped,
# its keys in tests/tools/forge) writes two different entries at one seq of
# its own feed (a restored backup would). The coordinator keeps both as
# evidence, freezes that feed and, after the round, reports the fork once in
# its own feed (kind 22): every member's cahier log and cahier alerts show
# "FORK" naming the GP practice.
. "$(dirname "$0")/lib.sh"

FORGE=$B/tests/tools/forge
quiet() { "$@" >/dev/null 2>&1; }
mkorg cpas "CPAS d'Anderlecht — service social" 1
mkorg nurse "Thuisverpleging Zuid" 2
mkorg gp "Huisartsenpraktijk Noord" 3
check "cards exchanged with fingerprints checked" mesh cpas nurse gp
check "provider at the CPAS" mkprov cpas ines "Inès Dubois" social-worker
check "provider at the nursing service" mkprov nurse sophie "Sophie Lambert" home-nurse
check "provider at the GP practice" mkprov gp karim "Dr. Karim El Idrissi" gp
for o in cpas nurse gp; do start $o || exit 1; done

CASE=$(c ines case new "Mevrouw Peeters" 2>/dev/null)
check "case created" [ "${#CASE}" = 32 ]
check "nursing service added" quiet c ines case add "$CASE" "$T/nurse/org.card" --role home-nursing
check "GP practice added" quiet c ines case add "$CASE" "$T/gp/org.card" --role gp
check "case reaches the GP practice" wait_for "$SYNC_WAIT" has_entries karim "$CASE" 3
check "GP posts" quiet c karim post "$CASE" "Insuline aangepast."
for h in ines sophie; do
	check "the GP's post reaches $h" wait_for "$SYNC_WAIT" sh -c \
		"'$B/cahier' --home '$T/$h' --passphrase-file '$T/pp' --timeout 20 log '$CASE' 2>/dev/null | grep -q 'Insuline aangepast'"
done
same_feeds3() {
	feed_dump cpas "$CASE" >"$T/f.cpas" && feed_dump nurse "$CASE" >"$T/f.nurse" &&
	feed_dump gp "$CASE" >"$T/f.gp" && cmp -s "$T/f.cpas" "$T/f.nurse" && cmp -s "$T/f.cpas" "$T/f.gp"
}
check "the three daemons hold the same feeds" wait_for "$SYNC_WAIT" same_feeds3
stop gp

forge() {
	"$FORGE" -d "$T/gp" --passphrase-file "$T/orgpass" --case "$CASE" \
		--to "tcp://127.0.0.1:$((PORT_BASE + 1))" --to-card "$T/cpas/org.card" \
		--provider-key "$T/karim/provider.key" --provider-pass "$T/pp" \
		--provider-cert "$T/karim/provider.cert" --kind "$1" 2>>"$T/forge.err"
}
logged() { grep -q "$1" "$T/cpas.log"; }
nlogged() { grep -c "$1" "$T/cpas.log" | tr -d ' '; }
# log_of HOME [ARGS]: what HOME's provider sees of the case
log_of() { h=$1; shift; "$B/cahier" --home "$T/$h" --passphrase-file "$T/pp" --timeout 20 log "$CASE" "$@" 2>/dev/null; }
alerts_of() { "$B/cahier" --home "$T/$1" --passphrase-file "$T/pp" --timeout 20 alerts 2>/dev/null; }
FORKLINE="FORK: Huisartsenpraktijk Noord wrote two different entries at the same place of its feed"
shows_fork() { log_of "$1" | grep -q "$FORKLINE"; }
alerts_fork() { alerts_of "$1" | grep -q "$FORKLINE"; }

check "no fork report before the fork" sh -c "! grep -q 'reported the fork' '$T/cpas.log'"
check "forge sends a second entry at the GP's head seq" forge fork
check "the coordinator detects the fork" wait_for "$SYNC_WAIT" logged "fork in the feed"
check "after the round, the coordinator reports it in its feed" wait_for "$SYNC_WAIT" logged "reported the fork"
check "the coordinator's provider sees FORK in cahier log" wait_for "$SYNC_WAIT" shows_fork ines
check "the nurse sees FORK in cahier log" wait_for "$SYNC_WAIT" shows_fork sophie
check "the FORK line stands out (!!)" sh -c "'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' --timeout 20 log '$CASE' 2>/dev/null | grep -B1 'FORK: Huisartsenpraktijk Noord' | grep -q '^!! '"
check "the FORK says what to do" sh -c "'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' --timeout 20 log '$CASE' 2>/dev/null | grep -q 'ask Huisartsenpraktijk Noord what happened'"
check "the nurse's cahier alerts lists the FORK" alerts_fork sophie
check "the coordinator's cahier alerts lists the FORK" alerts_fork ines
check "--json: kind fork, naming the GP practice and the seq" sh -c \
	"'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' --timeout 20 --json log '$CASE' 2>/dev/null | grep -q '\"kind\": *\"fork\"' &&
	 '$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' --timeout 20 --json log '$CASE' 2>/dev/null | grep -q '\"fork_org\": *\"Huisartsenpraktijk Noord\"'"

# The feed stays frozen: a well-formed next entry is ignored.
check "after the fork: forge sends one more entry" forge valid
check "after the fork: the coordinator ignores the GP's feed" \
	wait_for "$SYNC_WAIT" logged "that feed forked and is no longer accepted"
check "no forged text reached the nurse" sh -c "! '$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' --timeout 20 log '$CASE' 2>/dev/null | grep -q 'forged entry'"

# Once: a housekeeping pass later (10 s), still one report, one FORK line.
sleep 12
check "exactly one fork report in the coordinator's log" [ "$(nlogged 'reported the fork')" = 1 ]
check "exactly one FORK line at the nurse" [ "$(log_of sophie | grep -c "$FORKLINE")" = 1 ]
check "the case list marks the fork at the coordinator" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' --timeout 20 case list 2>/dev/null | grep -q '(FORK)'"
check "no crash or assertion in the coordinator's log" sh -c "! grep -Eiq 'assert|segfault|abort' '$T/cpas.log'"
done_testing
