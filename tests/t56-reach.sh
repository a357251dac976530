#!/bin/sh
# t56-reach.sh - answers reach a peer whatever the state of our own
# connection to it: a peer we cannot dial (its card names a port it no
# longer listens on) catches up through its own connection to us; a peer
# that imported our card late, while both already held a case, gets our
# entries once our connection to it is made again.
. "$(dirname "$0")/lib.sh"

# --- 1. One way: b can dial a, a cannot dial b.
mkorg a "Org A" 1
mkorg b "Org B" 2
check "a and b trust each other" mesh a b
check "provider at a" mkprov a ann "Ann" gp
check "provider at b" mkprov b bob "Bob" gp
start a || exit 1
start b || exit 1
CASE=$(c ann case new "Mevrouw Peeters" 2>/dev/null)
check "b added" c ann case add "$CASE" "$T/b/org.card" --role gp
check "b joins" wait_for "$SYNC_WAIT" has_entries bob "$CASE" 2
stop b
check "a posts while b is down" c ann post "$CASE" "note while b is away"
# b now listens on a port its card does not name: a cannot dial it.
echo "peer_bind = tcp://127.0.0.1:$((PORT_BASE + 9))" >> "$T/b/cahierd.conf"
start b || exit 1
check "b catches up through its own connection to a" wait_for "$SYNC_WAIT" has_entries bob "$CASE" 3

# --- 2. A late import: e imports d's card only after d's handshakes were
# refused, while both already hold a case (through f); e speaks first.
mkorg d "Org D" 3
mkorg e "Org E" 4
mkorg f "Org F" 5
check "f and d trust each other" mesh d f
check "f and e trust each other" mesh e f
check "d trusts e" trust d e
check "provider at d" mkprov d dan "Dan" gp
check "provider at f" mkprov f fay "Fay" coordinator
check "provider at e" mkprov e eve "Eve" gp
start d || exit 1
start e || exit 1
start f || exit 1
CASE2=$(c fay case new "Meneer Janssens" 2>/dev/null)
check "d added" c fay case add "$CASE2" "$T/d/org.card" --role gp
check "e added" c fay case add "$CASE2" "$T/e/org.card" --role gp
check "e joins" wait_for "$SYNC_WAIT" has_entries eve "$CASE2" 3
check "d joins" wait_for "$SYNC_WAIT" has_entries dan "$CASE2" 3
check "e imports d's card now" trust e d
# past_redial: d has dialled e again since the import (REDIAL_MS is 5 s)
sleep 8
stop f
check "d posts" c dan post "$CASE2" "note from d"
check "e gets d's note from d" wait_for "$SYNC_WAIT" has_entries eve "$CASE2" 4
done_testing
