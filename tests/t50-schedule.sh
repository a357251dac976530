#!/bin/sh
# t50-schedule.sh - what a daemon does on its own: a rotation of the keys
# when the schedule of cahierd.conf says so, and the revocation of a
# provider (a lost laptop) announced in every case and refused at once.
. "$(dirname "$0")/lib.sh"

mkorg co "Coordination Bruxelles" 1
mkorg gp "Huisartsenpraktijk Noord" 2
echo "rotate_entries = 3" >>"$T/co/cahierd.conf"
check "cards exchanged" mesh co gp
check "coordinator's provider" mkprov co anna "Anna Claes" coordinator
check "GP" mkprov gp karim "Dr. Karim El Idrissi" gp
check "second GP (the laptop that will be lost)" mkprov gp lotte "Dr. Lotte Maes" gp
for o in co gp; do start $o || exit 1; done

CASE=$(c anna case new "Mevrouw Peeters" 2>/dev/null)
check "case opened" [ "${#CASE}" = 32 ]
check "GP practice added" c anna case add "$CASE" "$T/gp/org.card" --role gp
epoch_of() { c "$1" --json case list | sed -n "s/.*\"case\":\"$CASE\"[^}]*\"epoch\":\([0-9]*\).*/\1/p"; }
at_epoch() { [ "$(epoch_of "$1")" = "$2" ]; }
check "the GP practice joins at epoch 1" wait_for "$SYNC_WAIT" at_epoch karim 1

# Three entries in epoch 1: the coordinator's daemon rotates by itself.
for i in 1 2 3; do c karim post "$CASE" "Controle $i" >/dev/null 2>&1; done
check "scheduled rotation at the coordinator" wait_for $((SYNC_WAIT + 10)) at_epoch anna 2
check "... and at the member" wait_for "$SYNC_WAIT" at_epoch karim 2
c anna log "$CASE" >"$T/log.co" 2>/dev/null
check "the log says it was scheduled" grep -q "renewed the keys of the case, as scheduled" "$T/log.co"
check "notes still flow after the rotation" c karim post "$CASE" "Na de rotatie MARKERROT"
check "... and are read by the coordinator" wait_for "$SYNC_WAIT" sh -c \
	"$B/cahier --home $T/anna --passphrase-file $T/pp log $CASE 2>/dev/null | grep -q MARKERROT"

# The lost laptop.
check "the lost laptop's provider reads before" sh -c "'$B/cahier' --home '$T/lotte' --passphrase-file '$T/pp' log $CASE >/dev/null 2>&1"
KID=$("$B/cahierd" provider list -d "$T/gp" | sed -n 's/^Dr. Lotte Maes.*key \([0-9a-f]*\).*/\1/p')
check "its key id is listed" [ "${#KID}" = 16 ]
check "cahierd provider revoke" sh -c "'$B/cahierd' provider revoke -d '$T/gp' $KID --yes >/dev/null"
check "no longer listed" sh -c "! '$B/cahierd' provider list -d '$T/gp' | grep -q 'Lotte Maes'"
refused() { c lotte --timeout 10 status >"$T/revoked.out" 2>&1; [ $? = 2 ] && grep -q "refused your key" "$T/revoked.out"; }
check "the revoked key is refused at once, with a clear error" wait_for "$SYNC_WAIT" refused
check "... in one line" [ "$(wc -l <"$T/revoked.out")" = 1 ]
announced() { c anna log "$CASE" --verbose 2>/dev/null | grep -q "(the key $KID)"; }
check "the revocation is announced in the case and reaches the coordinator" wait_for $((SYNC_WAIT + 10)) announced
done_testing
