#!/bin/sh
# t30-forged.sh - a member organization turned malicious (the GP practice,
# its daemon stopped, its keys in tests/tools/forge) sends forged entries of
# its own feed straight to the coordinator's peer socket. Each one must be
# refused with one clear line in the coordinator's log, stored nowhere,
# spread nowhere, while the coordinator keeps serving everyone else.
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
check "coordinator posts" quiet c ines post "$CASE" "Huisbezoek maandag."
check "case reaches the GP practice" wait_for "$SYNC_WAIT" has_entries karim "$CASE" 4
check "nurse posts" quiet c sophie post "$CASE" "Wondzorg linkervoet."
check "GP posts" quiet c karim post "$CASE" "Insuline aangepast."
check "GP posts again" quiet c karim post "$CASE" "Controle over twee weken."
for h in ines sophie karim; do
	check "every entry reaches $h" wait_for "$SYNC_WAIT" has_entries $h "$CASE" 7
done
# The GP goes quiet once the three daemons hold the same feeds, byte for
# byte: what it forges next follows the head of its feed the others hold.
same_feeds3() {
	feed_dump cpas "$CASE" >"$T/f.cpas" && feed_dump nurse "$CASE" >"$T/f.nurse" &&
	feed_dump gp "$CASE" >"$T/f.gp" && cmp -s "$T/f.cpas" "$T/f.nurse" && cmp -s "$T/f.cpas" "$T/f.gp"
}
check "the three daemons hold the same feeds" wait_for "$SYNC_WAIT" same_feeds3
stop gp

# forks_count HOME CASE
forks_count() { c "$1" --json case list | sed -n "s/.*\"case\":\"$2\"[^}]*\"forks\":\([0-9]*\).*/\1/p"; }
# new_lines N: the lines of the coordinator's log after the first N
new_lines() { tail -n +"$(($1 + 1))" "$T/cpas.log"; }
nlines() { wc -l <"$T/cpas.log" | tr -d ' '; }
# the lines that say an entry or a message from a peer was refused (a
# fork's report, "reported the fork", is not one)
refusals() { new_lines "$1" | grep -E 'rejected|refused|fork in the feed' ; }
n_refusals() { refusals "$1" | wc -l | tr -d ' '; }
has_refusal() { refusals "$1" | grep -q "$2"; }
forge() {
	"$FORGE" -d "$T/gp" --passphrase-file "$T/orgpass" --case "$CASE" \
		--to "tcp://127.0.0.1:$((PORT_BASE + 1))" --to-card "$T/cpas/org.card" \
		--provider-key "$T/karim/provider.key" --provider-pass "$T/pp" \
		--provider-cert "$T/karim/provider.cert" --kind "$1" 2>>"$T/forge.err"
}

POSTS=0
GP="Huisartsenpraktijk Noord"
# settled: the two running daemons hold the same number of entries
settled() { a=$(entries_count ines "$CASE"); [ -n "$a" ] && [ "$a" = "$(entries_count sophie "$CASE")" ]; }
# logged N PATTERN: a line of the coordinator's log after the first N matches
logged() { new_lines "$1" | grep -q "$2"; }
# attempt KIND REFUSAL DELTA [SIGN]: forge one entry of KIND as the GP.
# REFUSAL is the one refusal line expected at the coordinator ("" for none);
# SIGN the line that shows the coordinator has taken the entry in (default
# REFUSAL); DELTA the change in the coordinator's entry count (0, or 1 for
# the control). Once SIGN is logged, any request to the coordinator is
# answered after it has finished with the forged entry (one thread serves
# peers and clients): its log then holds every line that entry brings.
attempt() {
	kind=$1 pat=$2 delta=$3 sign=${4:-$2}
	wait_for "$SYNC_WAIT" settled
	n0=$(nlines)
	cnt0=$(entries_count ines "$CASE")
	check "$kind: forge sent its entry" forge "$kind"
	check "$kind: coordinator logs '$sign'" wait_for "$SYNC_WAIT" logged "$n0" "$sign"
	# A fork is reported after the round, by the coordinator's next
	# housekeeping (within 10 s): one entry of its own feed (t31-fork.sh).
	if [ "$kind" = fork ]; then
		check "fork: the coordinator reports it in its feed" \
			wait_for "$SYNC_WAIT" logged "$n0" "reported the fork"
		delta=1
	fi
	check "$kind: entry count at the coordinator $cnt0 + $delta" \
		has_entries ines "$CASE" $((cnt0 + delta))
	want=$([ -n "$pat" ] && echo 1 || echo 0)
	got=$(n_refusals "$n0")
	check "$kind: exactly $want refusal line(s) in the log (got $got)" [ "$got" = "$want" ]
	[ "$got" = "$want" ] || new_lines "$n0" | sed 's/^/#   /'
	[ -z "$pat" ] || check "$kind: the refusal says '$pat'" has_refusal "$n0" "$pat"
	check "$kind: coordinator still running" running cpas
	# A read is recorded: one access record more in the coordinator's feed.
	check "$kind: coordinator still answers its provider" quiet c ines log "$CASE"
	POSTS=$((POSTS + 1))
	check "$kind: nurse posts" quiet c sophie post "$CASE" "Na poging $kind: alles rustig ($POSTS)."
	want=$((cnt0 + delta + 2))
	check "$kind: the nurse's post reaches the coordinator" wait_for "$SYNC_WAIT" has_entries ines "$CASE" $want
	check "$kind: nursing daemon holds what the coordinator holds, no more" \
		wait_for "$SYNC_WAIT" has_entries sophie "$CASE" $want
}

attempt garbage "malformed" 0
attempt orgsig "bad organization signature" 0
attempt provsig "bad provider signature" 0
attempt prev "wrong prev hash" 0
attempt gap "" 0 "held back 1 entry from $GP"
attempt epoch "unknown epoch" 0
attempt valid "" 1 "stored 1 entry from $GP"
check "valid: the control entry reached the nursing service" sh -c \
	"'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' --timeout 20 log '$CASE' 2>/dev/null | grep -q 'forged entry (valid)'"
check "no fork recorded so far" [ "$(forks_count ines "$CASE")" = 0 ]
attempt fork "fork in the feed" 0
check "fork: coordinator keeps the second entry as evidence" [ "$(forks_count ines "$CASE")" = 1 ]
# The nursing service never met the second entry; it learns of the fork
# from the coordinator's report, which carries both envelopes, and keeps
# the one it does not hold as its own evidence (ingest.c: keep_fork).
fork_at_nurse() { [ "$(forks_count sophie "$CASE")" = 1 ]; }
check "fork: the report brings the evidence to the nursing service" wait_for "$SYNC_WAIT" fork_at_nurse

# From now on the coordinator refuses the GP's feed: even a well-formed entry.
wait_for "$SYNC_WAIT" settled
cnt0=$(entries_count ines "$CASE")
n0=$(nlines)
check "after the fork: forge sends one more entry" forge valid
check "after the fork: the coordinator ignores it" \
	wait_for "$SYNC_WAIT" logged "$n0" "from $GP: that feed forked and is no longer accepted"
check "after the fork: the GP's feed is refused (count unchanged)" has_entries ines "$CASE" "$cnt0"
check "after the fork: no second fork recorded" [ "$(forks_count ines "$CASE")" = 1 ]

check "no forged text reached the nursing service" sh -c \
	"! '$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' --timeout 20 log '$CASE' 2>/dev/null | grep 'forged entry' | grep -v 'forged entry (valid)'"

# The stored feeds of the coordinator and the nursing service are identical:
# nothing forged is held by one and not the other.
same_feeds() { feed_dump cpas "$CASE" >"$T/f.cpas" && feed_dump nurse "$CASE" >"$T/f.nurse" && cmp -s "$T/f.cpas" "$T/f.nurse"; }
wait_for "$SYNC_WAIT" same_feeds
stop cpas; stop nurse
feed_dump cpas "$CASE" >"$T/f.cpas"; feed_dump nurse "$CASE" >"$T/f.nurse"
check "feeds byte-identical at the coordinator and the nursing service" cmp -s "$T/f.cpas" "$T/f.nurse"
check "no crash or assertion in the coordinator's log" sh -c "! grep -Eiq 'assert|segfault|abort' '$T/cpas.log'"
done_testing
