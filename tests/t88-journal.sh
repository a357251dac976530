#!/bin/sh
# t88-journal.sh - the administrators' journal (cahierd journal): a peer
# added, providers certified, re-certified and revoked, the configuration
# changed, each recorded with what and when, chained to the record before;
# a record changed or removed in the organization's LMDB files (mdb_dump /
# mdb_load) is reported (exit 1), and the journal keeps going.
. "$(dirname "$0")/lib.sh"

mkorg cpas "CPAS de Saint-Gilles" 1
mkorg nurse "Thuisverpleging Sint-Gillis" 2
check "cards exchanged" mesh cpas nurse
check "a social worker certified" mkprov cpas ines "Inès Dubois" social-worker
check "a second provider certified" mkprov cpas marc "Marc Lefèvre" social-worker
check "re-certified, as coordinator" sh -c "'$B/cahierd' provider add -d '$T/cpas' \
	--request '$T/marc/provider.request' --name 'Marc Lefèvre' --role coordinator --replace \
	-o '$T/marc2.cert' --passphrase-file '$T/orgpass' >/dev/null 2>&1"
KID=$("$B/cahierd" provider list -d "$T/cpas" 2>/dev/null | sed -n 's/.*Marc Lefèvre.*key \([0-9a-f]\{16\}\).*/\1/p' | head -1)
check "his key id listed" [ ${#KID} = 16 ]
check "revoked" sh -c "'$B/cahierd' provider revoke -d '$T/cpas' '$KID' --yes >/dev/null"
start cpas || exit 1
stop cpas
echo "rotate_days = 90" >>"$T/cpas/cahierd.conf"
start cpas || exit 1
stop cpas
J=$T/journal
check "the journal lists it all, intact (exit 0)" sh -c "'$B/cahierd' journal -d '$T/cpas' >'$J' 2>'$J.err'"
check "... the peer added, with its fingerprint" grep -q "peer-add    peer added: Thuisverpleging Sint-Gillis, fingerprint [0-9 ]*, endpoint tcp://" "$J"
check "... the certifications" sh -c "grep -q 'certify     provider certified: Inès Dubois (social-worker), key [0-9a-f]*, for 365 days' '$J' &&
	grep -q 'certify     provider certified: Marc Lefèvre (social-worker)' '$J'"
check "... the re-certification" grep -q "re-certify  provider re-certified: Marc Lefèvre (coordinator)" "$J"
check "... the revocation" grep -q "revoke      provider revoked: Marc Lefèvre (coordinator), key $KID" "$J"
check "... the configuration, at the first start and after the change" sh -c \
	"[ \$(grep -c 'config      cahierd.conf is now BLAKE2b-256' '$J') = 2 ]"
check "... in order, numbered from 1" sh -c "awk '{ print \$1 }' '$J' | tr '\n' ' ' | grep -q '^1 2 3 4 5 6 7 \$'"
check "... and says it is intact" grep -q "7 records, each chained to the one before: intact" "$J.err"

# alter the third record (the first certification) in the org's LMDB files
DB=$T/cpas/org
mdb_dump -a "$DB" >"$T/org.dump"
awk '/^database=/ { cur = substr($0, 10) }
	cur == "journal" && $0 == " 0000000000000003" { print; getline;
		c = substr($0, 100, 1); $0 = substr($0, 1, 99) (c == "0" ? "1" : "0") substr($0, 101) }
	{ print }' "$T/org.dump" >"$T/org.altered"
check "a byte of record 3 changed in the dump" sh -c "! cmp -s '$T/org.dump' '$T/org.altered'"
rm -f "$DB/data.mdb" "$DB/lock.mdb"
check "the altered org store loads" sh -c "mdb_load -f '$T/org.altered' '$DB' 2>/dev/null"
"$B/cahierd" journal -d "$T/cpas" >"$J.2" 2>"$J.2err"; rc=$?
check "cahierd journal exits 1" [ "$rc" = 1 ]
check "it says the journal was altered, and marks the record after the changed one" sh -c \
	"grep -q 'the journal was altered' '$J.2err' && grep -q '^!!     4 ' '$J.2'"
# remove record 5 (the re-certification) instead
awk '/^database=/ { cur = substr($0, 10) }
	cur == "journal" && $0 == " 0000000000000005" { getline; next }
	{ print }' "$T/org.dump" >"$T/org.removed"
rm -f "$DB/data.mdb" "$DB/lock.mdb"
check "the org store without record 5 loads" sh -c "mdb_load -f '$T/org.removed' '$DB' 2>/dev/null"
"$B/cahierd" journal -d "$T/cpas" >"$J.3" 2>/dev/null; rc=$?
check "a removed record: exit 1, the next one marked" sh -c "[ $rc = 1 ] && grep -q '^!!     6 ' '$J.3'"
done_testing
