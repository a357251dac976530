#!/bin/sh
# t59-restore.sh - a daemon whose store is put back from a copy never forks
# its own feed:
#   1. A (coordinator) and B share a case; A also has a case of its own.
#      Both post. A stops, and its store (org/, cases/) is copied.
#   2. A starts again, posts and reads more (its feed grows past the copy);
#      B holds all of it. A stops; the copy is put back in its place.
#   3. A starts with B down: it knows its store was put back (the run file
#      names a later run); it refuses to post or read in the shared case,
#      saying why, and `cahier status` says so too; its case of its own
#      takes posts at once (nobody else could hold more of it).
#   4. B starts: A learns from B what it wrote after the copy, then posts
#      again. No fork anywhere; every entry from before and after the copy
#      is kept; the feeds are byte-identical.
#   5. A plain restart (no copy put back) holds nothing back, even with B
#      down.
. "$(dirname "$0")/lib.sh"

mkorg a "Coordination restore A" 1
mkorg b "Thuisverpleging restore B" 2
check "cards exchanged" mesh a b
check "coordinator at A" mkprov a ann "Ann Restore" coordinator
check "nurse at B" mkprov b bea "Bea Restore" home-nurse

count() { entries_count "$1" "$2"; }
same_count() { n1=$(count "$1" "$CASE"); [ -n "$n1" ] && [ "$n1" -gt 0 ] && [ "$n1" = "$(count "$2" "$CASE")" ]; }
sees() { c "$1" log "$CASE" 2>/dev/null | grep -q "$2"; }
posts() { c ann note "$1" "$2" >/dev/null 2>&1; }

# --- 1. -----------------------------------------------------------------------
start a || exit 1
start b || exit 1
CASE=$(c ann case new "Restore case — MARKERCASE59" 2>/dev/null)
check "shared case created at A" [ "${#CASE}" = 32 ]
SOLO=$(c ann case new "A's own case — MARKERSOLO59" 2>/dev/null)
check "case of A's own created" [ "${#SOLO}" = 32 ]
check "B added" c ann case add "$CASE" "$T/b/org.card" --role home-nursing
check "A posts" c ann note "$CASE" "Voor de kopie. MARKERBEFORE"
check "B has A's note" wait_for "$SYNC_WAIT" sees bea MARKERBEFORE
check "B posts" c bea note "$CASE" "Van B. MARKERB1"
check "A and B converge" wait_for "$SYNC_WAIT" same_count ann bea
stop a
mkdir -p "$T/copy"
check "A's store copied while A is down" cp -a "$T/a/org" "$T/a/cases" "$T/copy/"
COPIED=$(count bea "$CASE")

# --- 2. -----------------------------------------------------------------------
start a || exit 1
check "A posts after the copy" c ann note "$CASE" "Na de kopie. MARKERAFTER1"
check "A reads (an access record in its feed)" sees ann MARKERB1
check "A posts again" c ann note "$CASE" "Na de kopie. MARKERAFTER2"
check "B holds all of it" wait_for "$SYNC_WAIT" same_count ann bea
AFTER=$(count bea "$CASE")
check "A's feed grew past the copy" [ "$AFTER" -gt "$COPIED" ]
stop a
stop b
rm -rf "$T/a/org" "$T/a/cases"
check "the copy is put back (org/ and cases/)" cp -a "$T/copy/org" "$T/copy/cases" "$T/a/"

# --- 3. -----------------------------------------------------------------------
start a || exit 1
check "A's log says its store was put back from a copy" \
	grep -q "store was put back from a copy" "$T/a.log"
check "A refuses a post in the shared case while it has not heard from B, saying why" \
	fails 2 'not posted: .*put back from a copy.*once one of them has told it' \
	c ann note "$CASE" "Te vroeg. MARKERTOOEARLY"
check "A refuses a read too (it would be recorded in its feed)" \
	fails 2 'not read: .*put back from a copy' c ann log "$CASE"
check "cahier status says it is restoring" sh -c "'$B/cahier' --home '$T/ann' --passphrase-file '$T/pp' \
	--timeout 20 status | grep -q '^RESTORED:.* 1 of 2 cases ready'"
check "cahier --json status says it is restoring" sh -c "'$B/cahier' --home '$T/ann' --passphrase-file \
	'$T/pp' --timeout 20 --json status | grep -q '\"restoring\": *{\"cases_ready\": *1, *\"cases\": *2}'"
check "A posts at once in its case of its own" c ann note "$SOLO" "Alleen A. MARKERSOLO1"

# --- 4. -----------------------------------------------------------------------
start b || exit 1
check "A learns from B what it wrote after the copy, and posts again" \
	wait_for "$SYNC_WAIT" posts "$CASE" "Na het terugzetten. MARKERRESTORED"
check "A holds its notes from after the copy" sees ann MARKERAFTER2
check "B gets A's new note" wait_for "$SYNC_WAIT" sees bea MARKERRESTORED
check "A and B converge" wait_for "$SYNC_WAIT" same_count ann bea
check "nothing was lost: more entries than before the copy was put back" \
	[ "$(count bea "$CASE")" -gt "$AFTER" ]
check "the early post never reached the store" eval '! sees bea MARKERTOOEARLY'
check "A's log says it writes as usual again" \
	wait_for "$SYNC_WAIT" grep -q "writing as usual again" "$T/a.log"
check "cahier status no longer says restoring" sh -c "'$B/cahier' --home '$T/ann' --passphrase-file \
	'$T/pp' --timeout 20 --json status | grep -q '\"restoring\": *null'"
stop a
stop b
feed_dump a "$CASE" >"$T/f.a"
feed_dump b "$CASE" >"$T/f.b"
check "feeds byte-identical at A and B" cmp -s "$T/f.a" "$T/f.b"
check "no fork in any log" sh -c "! grep -il fork '$T/a.log' '$T/b.log'"

# --- 5. -----------------------------------------------------------------------
N=$(wc -l <"$T/a.log")
start a || exit 1
check "a plain restart with B down takes posts at once" c ann note "$CASE" "Gewoon herstart. MARKERPLAIN"
check "... and says nothing of a copy" sh -c "! tail -n +$((N + 1)) '$T/a.log' | grep -q 'put back from a copy'"
stop a
done_testing
