#!/bin/sh
# t95-endpoint.sh - a card's endpoint: checked at cahierd init (a wildcard,
# no port, another scheme, a port out of range: refused, nothing written),
# and changed later: `cahierd card --endpoint` signs the card again with the
# same key, and the partner takes it with `cahierd peer add` without a
# fingerprint (the same key); its daemon then dials the new address.
. "$(dirname "$0")/lib.sh"

for ep in "tcp://*:7101" "tcp://0.0.0.0:7101" "tcp://127.0.0.1" "http://127.0.0.1:7101" \
	"tcp://127.0.0.1:99999" "tcp://host name:7101"; do
	check "cahierd init --endpoint '$ep' is refused" fails 2 "endpoint" \
		"$B/cahierd" init -d "$T/bad" --name "Bad" --endpoint "$ep" --passphrase-file "$T/orgpass"
done
check "... and wrote nothing" [ ! -e "$T/bad/org.key" ]

mkorg a "Coordination endpoint A" 1
mkorg b "Thuisverpleging endpoint B" 2
check "cards exchanged" mesh a b
check "coordinator at A" mkprov a ann "Ann Endpoint" coordinator
check "nurse at B" mkprov b bea "Bea Endpoint" home-nurse
start a || exit 1
start b || exit 1
CASE=$(c ann case new "Endpoint case" 2>/dev/null)
check "case created" [ "${#CASE}" = 32 ]
check "B added" c ann case add "$CASE" "$T/b/org.card" --role home-nursing
sees() { c "$1" log "$CASE" 2>/dev/null | grep -q "$2"; }
check "A's note reaches B" sh -c "'$B/cahier' --home '$T/ann' --passphrase-file '$T/pp' note '$CASE' 'Voor de verhuizing' >/dev/null"
check "... it arrives" wait_for "$SYNC_WAIT" sees bea "Voor de verhuizing"

# A moves to another port
stop a
NEW="tcp://127.0.0.1:$((PORT_BASE + 7))"
check "a wildcard is refused for the card" fails 2 "wildcard" \
	"$B/cahierd" card -d "$T/a" --endpoint "tcp://*:$((PORT_BASE + 7))" --passphrase-file "$T/orgpass"
cp "$T/a/org.card" "$T/a-old.card"
check "cahierd card --endpoint signs the card again" sh -c "'$B/cahierd' card -d '$T/a' \
	--endpoint '$NEW' --passphrase-file '$T/orgpass' >'$T/card.out'"
check "... says what to do next" grep -q "give the new org.card to every partner" "$T/card.out"
check "... the same fingerprint" sh -c "[ \"\$('$B/cahierd' card -d '$T/a' 2>&1 >/dev/null | sed -n 's/.*fingerprint: //p')\" = \"\$('$B/cahierd' peer list -d '$T/b' | sed -n 's/.*fingerprint: //p' | head -1)\" ]"
check "... the new endpoint in the card" sh -c "'$B/cahierd' card -d '$T/a' 2>&1 >/dev/null | grep -q 'endpoint: *$NEW'"
check "... and in cahierd.conf" grep -q "^peer_endpoint = $NEW\$" "$T/a/cahierd.conf"
check "... journalled" sh -c "'$B/cahierd' journal -d '$T/a' 2>/dev/null | grep -q ' card .*endpoint $NEW'"
start a || exit 1
check "A listens on the new port" wait_for 10 grep -q "peers on $NEW" "$T/a.log"
check "B takes the new card, without a fingerprint (the same key)" sh -c \
	"'$B/cahierd' peer add -d '$T/b' '$T/a/org.card' >'$T/upd.out' && grep -q '^updated peer Coordination endpoint A: endpoint $NEW' '$T/upd.out'"
check "... and the old card again changes nothing (exit 1)" sh -c \
	"'$B/cahierd' peer add -d '$T/b' '$T/a-old.card' --yes >/dev/null 2>'$T/old.err'; [ \$? = 1 ] && grep -q 'peer already' '$T/old.err'"
check "B's journal has the update" sh -c "'$B/cahierd' journal -d '$T/b' 2>/dev/null | grep -q ' peer-card .*$NEW'"
check "B's note reaches A at its new address" sh -c "'$B/cahier' --home '$T/bea' --passphrase-file '$T/pp' note '$CASE' 'Na de verhuizing' >/dev/null"
check "... it arrives" wait_for "$SYNC_WAIT" sees ann "Na de verhuizing"
check "B dials A at the new address" wait_for "$SYNC_WAIT" sh -c "'$B/cahier' --home '$T/bea' --passphrase-file '$T/pp' peers | grep 'Coordination endpoint A' | grep -q 'connected'"
stop_all
done_testing
