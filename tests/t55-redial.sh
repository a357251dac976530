#!/bin/sh
# t55-redial.sh - an organization whose first handshakes a peer refused (the
# peer had not imported its card yet) is let in once the peer has, without a
# restart: the daemon dials a peer it never heard from again (REDIAL_MS).
. "$(dirname "$0")/lib.sh"
mkorg a "Org A" 1
mkorg b "Org B" 2
check "a imports b" trust a b
check "provider at a" mkprov a ann "Ann" gp
check "provider at b" mkprov b bob "Bob" gp
start a || exit 1
start b || exit 1
CASE=$(c ann case new "Mevrouw Peeters" 2>/dev/null)
check "b added" c ann case add "$CASE" "$T/b/org.card" --role gp
# a has been dialling b for a while, refused each time by its allow-list.
sleep 3
check "b imports a's card now" trust b a
check "b joins the case without a restart" wait_for "$SYNC_WAIT" has_entries bob "$CASE" 2
done_testing
