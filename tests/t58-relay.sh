#!/bin/sh
# t58-relay.sh - store and forward: any member relays the other members'
# feeds of a shared case. Three organizations in one case; A and C are never
# running at the same time, and converge through B alone:
#   1. A and B run; A makes the case, adds B and C (C is down), A and B post.
#   2. A stops; C starts, joins the case from B, gets A's entries from B,
#      posts and reads; C stops.
#   3. A starts, gets C's entries (and C's read) from B, reads; A stops.
#   4. C starts, gets A's read from B; C stops.
# At the end the three stores hold byte-identical feeds (mdb_dump), and
# neither A's log nor C's shows an exchange with the other.
. "$(dirname "$0")/lib.sh"

NA="Coordination relais A"
NB="Thuisverpleging relais B"
NC="Huisartsenpraktijk relais C"
mkorg a "$NA" 1
mkorg b "$NB" 2
mkorg c "$NC" 3
# Debug lines too: "sync: sent N entries to NAME" names every peer a
# daemon answered, as "stored N entries from NAME" names every peer it
# took entries from.
for o in a b c; do echo "log_level = 3" >>"$T/$o/cahierd.conf"; done
check "cards exchanged with fingerprints checked" mesh a b c
check "coordinator at A" mkprov a ann "Ann Relais" coordinator
check "nurse at B" mkprov b bea "Bea Relais" home-nurse
check "GP at C" mkprov c cas "Dr. Cas Relais" gp

count() { entries_count "$1" "$CASE"; }
# same_count H1 H2: both daemons hold the same, non-zero number of entries
same_count() { n1=$(count "$1"); [ -n "$n1" ] && [ "$n1" -gt 0 ] && [ "$n1" = "$(count "$2")" ]; }
sees() { c "$1" log "$CASE" 2>/dev/null | grep -q "$2"; }
# never_both: A and C are not running at the same time
never_both() { ! { running a && running c; }; }

# --- 1. A and B ---------------------------------------------------------------
start a || exit 1
start b || exit 1
CASE=$(c ann case new "Relay case — MARKERCASE58" 2>/dev/null)
check "case created at A" [ "${#CASE}" = 32 ]
check "B added" c ann case add "$CASE" "$T/b/org.card" --role home-nursing
check "C added while its daemon is down (the pushes to it are lost)" \
	c ann case add "$CASE" "$T/c/org.card" --role gp
check "A posts" c ann note "$CASE" "Van A, voor C. MARKERA1"
check "B has the case and A's note" wait_for "$SYNC_WAIT" sees bea MARKERA1
check "B posts" c bea note "$CASE" "Van B. MARKERB1"
check "A and B converge" wait_for "$SYNC_WAIT" same_count ann bea
N1=$(count bea)
stop a
check "A is down" eval '! running a'

# --- 2. C and B, A down ---------------------------------------------------------
check "A and C are not both running (C starts)" never_both
start c || exit 1
check "C joins the case from B and holds every entry A and B wrote" \
	wait_for "$SYNC_WAIT" same_count cas bea
check "... as many as B held when A stopped" [ "$(count cas)" -ge "$N1" ]
check "C reads A's note, relayed by B" sees cas MARKERA1
check "C reads B's note" sees cas MARKERB1
check "C posts" c cas note "$CASE" "Van C, voor A. MARKERC1"
# C's note and C's read (an access record in C's feed) reach B.
check "B holds C's note and read" wait_for "$SYNC_WAIT" same_count cas bea
check "B reads C's note" sees bea MARKERC1
check "B's read reaches C" wait_for "$SYNC_WAIT" same_count cas bea
N2=$(count bea)
stop c

# --- 3. A and B, C down ---------------------------------------------------------
check "A and C are not both running (A starts again)" never_both
start a || exit 1
check "A holds every entry B holds, C's among them" wait_for "$SYNC_WAIT" same_count ann bea
check "... as many as B held when C stopped" [ "$(count ann)" -ge "$N2" ]
check "A reads C's note, relayed by B" sees ann MARKERC1
check "A's read reaches B" wait_for "$SYNC_WAIT" same_count ann bea
stop a

# --- 4. C and B, A down: C gets A's read ------------------------------------------
check "A and C are not both running (C starts again)" never_both
start c || exit 1
check "C holds every entry B holds, A's read among them" wait_for "$SYNC_WAIT" same_count cas bea
stop c
stop b

# --- the feeds, and who spoke to whom ----------------------------------------------
for o in a b c; do feed_dump $o "$CASE" >"$T/f.$o"; done
check "the feeds hold the entries of three organizations" \
	[ "$(grep -c '^ ' "$T/f.a")" -gt 20 ]
check "feeds byte-identical at A and B" cmp -s "$T/f.a" "$T/f.b"
check "feeds byte-identical at C and B" cmp -s "$T/f.c" "$T/f.b"
check "feeds byte-identical at A and C" cmp -s "$T/f.a" "$T/f.c"
# talked LOG NAME: LOG has a sync line naming NAME as the other end
talked() { grep -qE "sync: .*(from|to) $2( |,|:|\$)" "$T/$1.log"; }
check "C took entries from B" talked c "$NB"
check "A took entries from B" talked a "$NB"
check "B answered both A and C" sh -c \
	"grep -q 'sent .* entries to $NA' '$T/b.log' && grep -q 'sent .* entries to $NC' '$T/b.log'"
check "A's log names no exchange with C" eval '! talked a "$NC"'
check "C's log names no exchange with A" eval '! talked c "$NA"'
check "no fork in any log" sh -c "! grep -il fork '$T/a.log' '$T/b.log' '$T/c.log'"
done_testing
