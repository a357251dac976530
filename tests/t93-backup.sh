#!/bin/sh
# t93-backup.sh - cahierd backup and restore (README, "Backups"):
#   1. A (coordinator) and B share a case with notes of every audience A
#      may read; A has a case of its own too. While both post (a bounded
#      loop each), `cahierd backup` copies A's store: no org key in it,
#      the journal says so.
#   2. A posts more after the backup. Its machine is lost: a new directory
#      with only org.key (kept apart); `cahierd restore` puts the backup
#      there. What restore refuses: a directory that holds a store, one
#      without org.key, a directory that is no backup.
#   3. A starts on the restored store: it learns from B what it wrote after
#      the backup, then posts again; every entry from before and after the
#      backup is there, every key (the notes of each audience read back),
#      no fork; `cahier verify` finds nothing at A or B; the journal holds
#      the backup and the restore.
. "$(dirname "$0")/lib.sh"

mkorg a "Coordination backup A" 1
mkorg b "Thuisverpleging backup B" 2
check "cards exchanged" mesh a b
check "coordinator at A" mkprov a ann "Ann Backup" coordinator
check "nurse at B" mkprov b bea "Bea Backup" home-nurse

count() { entries_count "$1" "$2"; }
same_count() { n1=$(count "$1" "$CASE"); [ -n "$n1" ] && [ "$n1" -gt 0 ] && [ "$n1" = "$(count "$2" "$CASE")" ]; }
sees() { c "$1" log "$CASE" --all 2>/dev/null | grep -q "$2"; }
posts() { c ann note "$1" "$2" >/dev/null 2>&1; }

# --- 1. -----------------------------------------------------------------------
start a || exit 1
start b || exit 1
CASE=$(c ann case new "Backup case — MARKERCASE93" 2>/dev/null)
check "shared case created at A" [ "${#CASE}" = 32 ]
SOLO=$(c ann case new "A's own case — MARKERSOLO93" 2>/dev/null)
check "case of A's own created" [ "${#SOLO}" = 32 ]
check "B added" c ann case add "$CASE" "$T/b/org.card" --role home-nursing
for aud in network care coordination; do
	check "A posts for the $aud audience" c ann note "$CASE" --audience $aud "Voor de backup. MARKER-$aud"
done
check "A posts in its own case" c ann note "$SOLO" "Alleen A. MARKERSOLO1"
check "B has A's network note" wait_for "$SYNC_WAIT" sees bea MARKER-network

# both post while the backup runs (bounded: 25 notes each)
( i=0; while [ $i -lt 25 ]; do c ann note "$CASE" "lus A $i" >/dev/null 2>&1; i=$((i + 1)); done ) &
LA=$!
( i=0; while [ $i -lt 25 ]; do c bea note "$CASE" "lus B $i" >/dev/null 2>&1; i=$((i + 1)); done ) &
LB=$!
sleep 1
check "cahierd backup while A runs and both post" sh -c \
	"'$B/cahierd' backup -d '$T/a' '$T/bk' >'$T/bk.out' 2>'$T/bk.err'"
check "... it says what it copied, and that org.key is not in it" sh -c \
	"grep -q '^backed up the organization and 2 cases to ' '$T/bk.out' &&
	grep -q 'org.key is not in it' '$T/bk.out'"
check "... no org key in the copy" sh -c "! find '$T/bk' -name 'org.key*' | grep -q ."
check "... the store, the card and the configuration are" sh -c \
	"[ -s '$T/bk/org/data.mdb' ] && [ -s '$T/bk/cases/$CASE/data.mdb' ] &&
	[ -s '$T/bk/cases/$SOLO/data.mdb' ] && [ -s '$T/bk/org.card' ] && [ -s '$T/bk/cahierd.conf' ]"
check "... readable by its owner only" sh -c "[ \"\$(stat -c %a '$T/bk')\" = 700 ]"
check "a backup into an existing directory is refused" fails 2 "exists: a backup goes into a new directory" \
	"$B/cahierd" backup -d "$T/a" "$T/bk"
wait $LA
wait $LB
check "the journal records the backup" sh -c "'$B/cahierd' journal -d '$T/a' 2>/dev/null | grep -q ' backup .*2 cases to '"

check "the org key printed as a paper recovery key" sh -c \
	"'$B/cahierd' key export -d '$T/a' --passphrase-file '$T/orgpass' >'$T/paper'"
check "... 18 groups of 6 digits, with the fingerprint" sh -c \
	"[ \$(grep -cE '^[0-9]{6}( [0-9]{6}){5}\$' '$T/paper') = 3 ] &&
	grep -q '^organization fingerprint $(fpr a)\$' '$T/paper'"
check "... and the journal says so" sh -c "'$B/cahierd' journal -d '$T/a' 2>/dev/null | grep -q ' key-export '"

# --- 2. -----------------------------------------------------------------------
check "A posts after the backup" c ann note "$CASE" "Na de backup. MARKERAFTER"
check "B holds all of it" wait_for "$SYNC_WAIT" same_count ann bea
AFTER=$(count bea "$CASE")
stop a
mv "$T/a" "$T/a.lost"
mkdir -p "$T/a"
chmod 700 "$T/a"
check "restore without org.key is refused" fails 2 "has no org.key" \
	"$B/cahierd" restore -d "$T/a" "$T/bk"
# The org key comes back from paper (org.key was lost with the machine).
# a mistyped digit is named by its group; another organization's key is refused
sed '4s/^\(..\)5/\16/; t; 4s/^\(..\)./\15/' "$T/paper" >"$T/paper.swapped"
check "the printout changed" sh -c "! cmp -s '$T/paper' '$T/paper.swapped'"
check "a recovery key with a mistyped digit is refused, naming the group" \
	fails 2 "group 1 of the recovery key is mistyped" \
	sh -c "'$B/cahierd' key import -d '$T/a' --passphrase-file '$T/orgpass' <'$T/paper.swapped'"
mkdir -p "$T/other"
cp "$T/b/org.card" "$T/other/"
check "the recovery key beside another organization's card is refused" \
	fails 2 "another organization's" \
	sh -c "'$B/cahierd' key import -d '$T/other' --passphrase-file '$T/orgpass' <'$T/paper'"
check "org.key made again from the printout" sh -c \
	"'$B/cahierd' key import -d '$T/a' --passphrase-file '$T/orgpass' <'$T/paper' >'$T/imp.out'"
check "... the same organization" grep -q "fingerprint $(fpr a.lost)" "$T/imp.out"
check "restore from a directory that is no backup is refused" fails 2 "is not a backup" \
	"$B/cahierd" restore -d "$T/a" "$T/a.lost/cases"
check "restore into a directory with only org.key" sh -c \
	"'$B/cahierd' restore -d '$T/a' '$T/bk' >'$T/rs.out' 2>'$T/rs.err'"
check "... says what it put back and what happens at the next start" sh -c \
	"grep -q '^restored the organization and 2 cases into ' '$T/rs.out' &&
	grep -q 'learns its own feeds from its peers' '$T/rs.out'"
check "restore over a store is refused" fails 2 "holds a store already" \
	"$B/cahierd" restore -d "$T/a" "$T/bk"

# --- 3. -----------------------------------------------------------------------
start a || exit 1
check "A knows its store was put back" grep -q "store was put back from a copy" "$T/a.log"
check "A learns from B what it wrote after the backup, and posts again" \
	wait_for "$SYNC_WAIT" posts "$CASE" "Na het terugzetten. MARKERRESTORED"
check "A holds its note from after the backup" sees ann MARKERAFTER
for aud in network care coordination; do
	check "A reads its $aud note from before the backup (its keys are back)" sees ann "MARKER-$aud"
done
check "A's case of its own is back" sh -c "'$B/cahier' --home '$T/ann' --passphrase-file '$T/pp' \
	log '$SOLO' 2>/dev/null | grep -q MARKERSOLO1"
check "B gets A's new note" wait_for "$SYNC_WAIT" sees bea MARKERRESTORED
check "A and B converge" wait_for "$SYNC_WAIT" same_count ann bea
check "nothing was lost: more entries than before the loss" [ "$(count bea "$CASE")" -gt "$AFTER" ]
check "B's 25 notes from during the backup are all at A" sh -c \
	"[ \$('$B/cahier' --home '$T/ann' --passphrase-file '$T/pp' log '$CASE' --all 2>/dev/null | grep -c 'lus B ') = 25 ]"
check "A's 25 notes too" sh -c \
	"[ \$('$B/cahier' --home '$T/ann' --passphrase-file '$T/pp' log '$CASE' --all 2>/dev/null | grep -c 'lus A ') = 25 ]"
check "cahier verify finds nothing at A" c ann verify "$CASE"
check "nor at B" c bea verify "$CASE"
check "no fork in any log" sh -c "! grep -il fork '$T/a.log' '$T/b.log'"
check "the journal holds the backup and the restore" sh -c "'$B/cahierd' journal -d '$T/a' 2>/dev/null |
	grep -q ' backup ' && '$B/cahierd' journal -d '$T/a' 2>/dev/null | grep -q ' restore .*from '"
stop_all
done_testing
