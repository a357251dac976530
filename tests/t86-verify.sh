#!/bin/sh
# t86-verify.sh - cahier verify (tamper evidence): three organizations, a
# case with notes and reads; every daemon verifies clean. Then the store of
# the GP's daemon is altered with LMDB's own tools, the daemon stopped:
# one byte of an access record's body changed, then an access record
# removed from the middle of the GP's feed, then the last access record
# removed with the feed's head record moved back to hide it. Each time
# verify on that daemon says so (exit 1), naming the organization and the
# entry at fault; the hidden removal is also reported by its peers, which
# hold the original record: when the GP reads again, its new record does
# not follow the one they hold, they ask the GP for the entry it follows,
# and keep the two as evidence of a fork, named with its organization and
# number.
. "$(dirname "$0")/lib.sh"

CPAS="CPAS de Forest — service social"
NURSE="Soins à domicile Sud"
GP="Maison médicale Nord"
mkorg cpas "$CPAS" 1
mkorg nurse "$NURSE" 2
mkorg gp "$GP" 3
check "cards exchanged with fingerprints checked" mesh cpas nurse gp
check "social worker" mkprov cpas ines "Inès Dubois" social-worker
check "home nurse" mkprov nurse sophie "Sophie Lambert" home-nurse
check "GP" mkprov gp karim "Dr. Karim El Idrissi" gp
for o in cpas nurse gp; do start $o || exit 1; done

CASE=$(c ines case new "Madame Lambert" 2>/dev/null)
check "case created" [ "${#CASE}" = 32 ]
check "nursing service added" c ines case add "$CASE" "$T/nurse/org.card" --role home-nursing
check "GP practice added" c ines case add "$CASE" "$T/gp/org.card" --role gp
check "case reaches the GP" wait_for "$SYNC_WAIT" has_entries karim "$CASE" 3
for i in 1 2 3; do
	check "the nurse posts note $i" c sophie note "$CASE" --audience network "Wondzorg $i"
done
check "the notes reach the GP" wait_for "$SYNC_WAIT" has_entries karim "$CASE" 6
for i in 1 2 3 4; do
	check "the GP reads the notebook ($i)" sh -c "'$B/cahier' --home '$T/karim' \
		--passphrase-file '$T/pp' log '$CASE' 2>/dev/null | grep -q 'Wondzorg 3'"
done
same3() { a=$(entries_count ines "$CASE"); [ -n "$a" ] && [ "$a" = "$(entries_count sophie "$CASE")" ] &&
	[ "$a" = "$(entries_count karim "$CASE")" ]; }
check "the three daemons hold the same entries" wait_for "$SYNC_WAIT" same3

for h in ines sophie karim; do
	check "verify at $h's daemon: nothing wrong" sh -c \
		"'$B/cahier' --home '$T/$h' --passphrase-file '$T/pp' verify '$CASE' >'$T/v.$h' 2>&1 &&
		grep -q '^OK  case ${CASE%????????????????????????}: 3 feeds, .* nothing wrong found' '$T/v.$h'"
done
c karim --json verify "$CASE" >"$T/v.json" 2>/dev/null
check "--json: ok, 3 feeds, no findings" sh -c \
	"jq -e '.ok == true and .feeds == 3 and (.findings | length) == 0 and .signatures >= .entries' '$T/v.json' >/dev/null"
if python3 -c 'import jsonschema' 2>/dev/null; then
	check "--json matches docs/schema/verify.json" python3 "$(dirname "$0")/tools/validate-json.py" \
		"$(dirname "$0")/../docs/schema/verify.json" "$T/v.json"
fi
check "an unknown option is refused" fails 2 "unknown option" c karim verify "$CASE" --deep
check "no case: the usage" fails 2 "usage: cahier verify CASE" c karim verify

# --- the GP's feed, as stored -------------------------------------------------
# orghex ORG: the organization's id (its signing key) in hex, from its card
orghex() { sed -n '/BEGIN/,/END/{/-----/d;p}' "$T/$1/org.card" | base64 -d 2>/dev/null |
	od -An -v -tx1 -j5 -N32 | tr -d ' \n'; }
G=$(orghex gp)
check "the GP's organization id read from its card" [ ${#G} = 64 ]
DB=$T/gp/cases/$CASE
# seqhex N: a seq as the store's keys hold it (u64, big-endian)
seqhex() { printf '%016x' "$1"; }
# head: the GP feed's head seq at the GP
head_of() { mdb_dump -s heads "$DB" | awk -v k=" $G" '$0 == k { getline; print substr($1, 1, 16); exit }'; }
stop gp
HEX=$(head_of)
N=$(printf '%d' "0x$HEX")
check "the GP's feed holds its access records (head $N)" [ "$N" -ge 4 ]
# reload FILE: the case environment of the GP made again from a dump
# (mdb_load says it ignores the db_pagesize line mdb_dump -a writes)
reload() { rm -f "$DB/data.mdb" "$DB/lock.mdb" && mdb_load -f "$1" "$DB" 2>/dev/null; }
mdb_dump -a "$DB" >"$T/orig.dump"

# --- one byte of an access record's body -------------------------------------
K=" $G$(seqhex 2)"
awk -v k="$K" '
	prev == k && !done { # the value: change one hex digit past the envelope (206 bytes)
		c = substr($0, 500, 1); n = (c == "0") ? "1" : "0"
		$0 = substr($0, 1, 499) n substr($0, 501); done = 1 }
	{ prev = $0; print }' "$T/orig.dump" >"$T/alter.dump"
check "the dump was altered at the GP's entry 2" sh -c "! cmp -s '$T/orig.dump' '$T/alter.dump'"
check "the altered store loads" reload "$T/alter.dump"
start gp || exit 1
# exit1 HOME: verify at HOME exits 1, its last line counting the problems
exit1() { c "$1" verify "$CASE" >"$T/v.out" 2>&1; [ $? = 1 ] && tail -n 1 "$T/v.out" | grep -q "problems\{0,1\} found\$"; }
check "verify at the GP: exit 1" exit1 karim
check "one problem" sh -c "tail -n 1 '$T/v.out' | grep -q ': 1 problem found'"
check "it names the GP's organization, entry 2, and the body" sh -c \
	"'$B/cahier' --home '$T/karim' --passphrase-file '$T/pp' verify '$CASE' 2>/dev/null |
	grep -q '^PROBLEM  $GP, entry 2: the body does not match the hash its organization signed'"
check "--json: the finding, with code, organization and seq" sh -c \
	"'$B/cahier' --home '$T/karim' --passphrase-file '$T/pp' --json verify '$CASE' 2>/dev/null |
	jq -e '.ok == false and (.findings | length) == 1 and .findings[0].code == \"body\" and
	.findings[0].seq == 2 and .findings[0].organization == \"$GP\"' >/dev/null"
check "the peers hold the signed original: clean" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' verify '$CASE' >/dev/null 2>&1 &&
	'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' verify '$CASE' >/dev/null 2>&1"
stop gp

# --- an access record removed from the middle of the feed -------------------
awk -v k=" $G$(seqhex 3)" '$0 == k { getline; next } { print }' "$T/orig.dump" >"$T/del.dump"
check "the store without the GP's entry 3 loads" reload "$T/del.dump"
start gp || exit 1
check "verify at the GP: entry 3 missing, the chain after it unchecked" sh -c \
	"'$B/cahier' --home '$T/karim' --passphrase-file '$T/pp' verify '$CASE' 2>/dev/null >'$T/v.del';
	[ \$? = 1 ] && grep -q '^PROBLEM  $GP, entry 3: entries missing below the feed' '$T/v.del'"
stop gp

# --- the last access record removed, and the head moved back to hide it ------
P=$((N - 1))
# the head record is seq u64 | id (32): entry N-1's id is the BLAKE2b-256
# of its envelope, the first 206 bytes of its value
PID_HEX=$(awk -v k=" $G$(seqhex "$P")" '/^database=/ { cur = substr($0, 10) }
	$0 == k && cur == "entries" { getline; print substr($1, 1, 412); exit }' "$T/orig.dump" |
	perl -ne 'chomp; print pack("H*", $_)' | b2sum -l 256 | cut -c1-64)
check "entry $P's id computed" [ ${#PID_HEX} = 64 ]
awk -v k=" $G$(seqhex "$N")" -v h=" $G" -v v=" $(seqhex "$P")$PID_HEX" '
	/^database=/ { cur = substr($0, 10) }
	$0 == k && cur == "entries" { getline; next }
	$0 == h && cur == "heads" { print; getline; print v; next }
	{ print }' "$T/orig.dump" >"$T/hide.dump"
check "the store with the head moved back loads" reload "$T/hide.dump"
# The peers are stopped first: the GP reads before it hears them.
stop cpas
stop nurse
start gp || exit 1
check "verify at the GP alone: the removal is hidden here" c karim verify "$CASE"
check "the GP reads again: a record with the removed one's number" sh -c \
	"'$B/cahier' --home '$T/karim' --passphrase-file '$T/pp' log '$CASE' 2>/dev/null | grep -q 'Wondzorg 3'"
start cpas || exit 1
start nurse || exit 1
# Its next record follows the one that took the removed one's number: the
# peers, which hold the removed one, see an entry that does not follow it.
check "the GP reads once more, its peers up" sh -c "'$B/cahier' --home '$T/karim' \
	--passphrase-file '$T/pp' log '$CASE' 2>/dev/null | grep -q 'Wondzorg 3'"
# forked CMDHOME: verify at that home reports the GP's fork at N
forked() { c "$1" verify "$CASE" 2>/dev/null | grep -q "^PROBLEM  $GP, entry $N: two signed entries for one number (fork)"; }
check "the CPAS's verify reports the GP's fork at entry $N" wait_for "$SYNC_WAIT" forked ines
check "so does the nurse's" wait_for "$SYNC_WAIT" forked sophie
check "and the GP's own, once its peers told it" wait_for "$SYNC_WAIT" forked karim
check "verify exits 1 there" exit1 ines

stop_all
done_testing
