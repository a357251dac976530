#!/bin/sh
# t81-cases.sh - the case list by name: names shown to a nurse, a person's
# role sees only its case, two cases with one name flagged, one access
# record per (provider, case) per day; closing a case (out of the daily
# list, posts refused with the way to reopen, the log still read), and
# reopening it; a removed organization sees its case closed to it, by the
# coordinator's name; a case given by its name.
. "$(dirname "$0")/lib.sh"

mkorg coord "Coordination soins à domicile Bruxelles" 1
mkorg nurse "Thuisverpleging Zuid" 2
mkorg cpas "CPAS d'Anderlecht" 3
check "cards exchanged with fingerprints checked" mesh coord nurse cpas
check "coordinator at the coordination service" mkprov coord ann "Ann Verstraeten" coordinator
check "home nurse at the nursing service" mkprov nurse sophie "Sophie Lambert" home-nurse
check "social worker at the CPAS" mkprov cpas ines "Inès Dubois" social-worker
check "trusted person certified by the coordination service" \
	mkprov coord tom "Marc Peeters" trusted-person
for o in coord nurse cpas; do start $o || exit 1; done

# lists HOME [ARGS]: HOME's case list (text) into $T/HOME.list
lists() { h=$1; shift; c "$h" case list "$@" >"$T/$h.list" 2>"$T/$h.list.err"; }
# epoch_at HOME CASE
epoch_at() { c "$1" --json case list --all | sed -n "s/.*\"case\":\"$2\"[^}]*\"epoch\":\([0-9]*\).*/\1/p"; }
at_epoch() { [ "$(epoch_at "$1" "$2")" = "$3" ]; }
# list_records HOME CASE READER: how many list records of READER's lists
# HOME's audit of CASE shows
list_records() {
	c "$1" --json audit "$2" | tee "$T/audit.last" |
		grep -o "\"reader\":\"$3\",[^}]*\"action\":\"list\"" | wc -l | tr -d ' '
}
has_list_records() { [ "$(list_records "$1" "$2" "$3")" = "$4" ]; }
# listed HOME PATTERN [ARGS]: a line of HOME's case list matches PATTERN
listed() { h=$1 p=$2; shift 2; c "$h" case list "$@" | grep -q "$p"; }
# listed_open HOME NAME: NAME is in HOME's daily list, not marked closed
listed_open() { c "$1" case list | grep "^$2" | grep -vq closed; }

A=$(c ann case new "Mevr. Jansen" 2>/dev/null)
check "a case named Mevr. Jansen" [ "${#A}" = 32 ]
B2=$(c ann case new "MEVR. JANSEN" 2>/dev/null)
check "a second case, the same name in capitals" [ "${#B2}" = 32 ]
P=$(c ann case new "M. Peeters" 2>/dev/null)
check "a third case, M. Peeters" [ "${#P}" = 32 ]
check "the nursing service joins Mevr. Jansen" c ann case add "$A" "$T/nurse/org.card" --role home-nursing
check "the CPAS joins Mevr. Jansen" c ann case add "$A" "$T/cpas/org.card" --role social-service
check "the nursing service joins M. Peeters" c ann case add "$P" "$T/nurse/org.card" --role home-nursing
check "the nurse's daemon holds Mevr. Jansen at epoch 2" wait_for "$SYNC_WAIT" at_epoch sophie "$A" 2
check "the nurse's daemon holds M. Peeters at epoch 1" wait_for "$SYNC_WAIT" at_epoch sophie "$P" 1
check "the CPAS's daemon holds Mevr. Jansen at epoch 2" wait_for "$SYNC_WAIT" at_epoch ines "$A" 2

# --- 1. Names, for a nurse ---------------------------------------------------
check "the nurse lists her cases" lists sophie
check "... by name: Mevr. Jansen" grep -q "^Mevr. Jansen  coordinator Coordination soins à domicile Bruxelles" "$T/sophie.list"
check "... and M. Peeters" grep -q "^M. Peeters  coordinator" "$T/sophie.list"
diag "the nurse's case list:"; diag_tail "$T/sophie.list" 20
check "... no hex id, epoch or seq by default" sh -c "! grep -Eq '[0-9a-f]{8}|epoch|seq' '$T/sophie.list'"
check "... with the organizations and the last activity" grep -q "2 organizations, last activity" "$T/sophie.list"
check "--verbose adds the id prefix and the epoch" \
	listed sophie "^$(echo "$A" | cut -c1-8)  Mevr. Jansen.*epoch 2" --verbose
c sophie --json case list >"$T/sophie.json"
check "--json carries the id, the name and the flags" \
	grep -q "\"case\":\"$A\",\"name\":\"Mevr. Jansen\"" "$T/sophie.json"
check "... and the coordinator's name" grep -q '"coordinator_name":"Coordination soins' "$T/sophie.json"

# --- 2. Two cases with one name ------------------------------------------------
check "the coordinator lists three cases" lists ann
diag "the coordinator's case list:"; diag_tail "$T/ann.list" 20
check "Mevr. Jansen is flagged: same name as another case" \
	grep -q "^Mevr. Jansen .*(same name as another case)" "$T/ann.list"
check "MEVR. JANSEN is flagged too (ASCII case folded)" \
	grep -q "^MEVR. JANSEN .*(same name as another case)" "$T/ann.list"
check "M. Peeters is not flagged" sh -c "grep '^M. Peeters' '$T/ann.list' | grep -vq 'same name'"
check "the nurse's Mevr. Jansen is not flagged (she sees one)" \
	sh -c "grep '^Mevr. Jansen' '$T/sophie.list' | grep -vq 'same name'"
check "a case given by a name two cases share is refused: exit 2, with the ids" \
	fails 2 "2 cases are named .*ids $(echo "$A" | cut -c1-8)|2 cases are named .*ids $(echo "$B2" | cut -c1-8)" \
	c ann case close "Mevr. Jansen"
check "a case given by its unique name (capitals or not): the nurse closes Mevr. Jansen" \
	c sophie case close "mevr. jansen"
check "... and reopens it by name" c sophie case reopen "Mevr. Jansen"
check "a name no case has: exit 1" fails 1 "no case named" c sophie case close "Mevr. Nobody"

# --- 3. Audited, without flooding ---------------------------------------------
check "the nurse's lists wrote one list record in Mevr. Jansen" \
	has_list_records sophie "$A" "Sophie Lambert" 1
lists sophie
lists sophie --all
check "two more lists within the day write no more records" \
	has_list_records sophie "$A" "Sophie Lambert" 1
check "the coordinator's lists wrote one record in M. Peeters" \
	has_list_records ann "$P" "Ann Verstraeten" 1
check "the coordinator sees the nurse's list record too (synced)" \
	wait_for "$SYNC_WAIT" has_list_records ann "$A" "Sophie Lambert" 1
check "a new provider at the CPAS lists ids only (--no-names)" mkprov cpas jo "Jo Smet" social-worker
# ids_only: jo's list shows Mevr. Jansen's id prefix and no name (once the
# daemon has reloaded its providers)
ids_only() {
	c jo case list --no-names >"$T/jo.list" 2>/dev/null &&
	grep -q "^$(echo "$A" | cut -c1-8)  " "$T/jo.list" && ! grep -q Jansen "$T/jo.list"
}
check "... no name shown" wait_for "$SYNC_WAIT" ids_only
check "... and none recorded" has_list_records ines "$A" "Jo Smet" 0
check "the audit names the action: list" sh -c "'$B/cahier' --home '$T/ann' --passphrase-file '$T/pp' audit '$A' | grep -q list"

# --- 4. A person's role sees only its case -------------------------------------
TOMORROW=$(date -u -d tomorrow +%F)
check "the coordinator records the trusted person on M. Peeters" \
	c ann case person "$P" --role trusted-person --name "Marc Peeters" \
	--key "$T/tom/provider.request" --basis written-mandate --until "$TOMORROW"
check "the trusted person lists cases" lists tom
check "... sees M. Peeters" grep -q "^M. Peeters" "$T/tom.list"
check "... and no other case" [ "$(wc -l <"$T/tom.list")" = 1 ]
check "... his list is recorded as his own request" \
	sh -c "'$B/cahier' --home '$T/ann' --passphrase-file '$T/pp' --json audit '$P' | grep -q '\"action\":\"list\"[^}]*\"purpose\":\"own-request\"'"
check "the trusted person cannot close a case: exit 2" fails 2 "does not close" c tom case close "$P"

# --- 5. Closing and reopening ----------------------------------------------------
check "the nurse posts to M. Peeters" c sophie post "$P" "Wondzorg gedaan. MARKER81A"
check "the nurse closes M. Peeters" c sophie case close "$P"
lists sophie
check "the nurse's daily list no longer shows it" sh -c "! grep -q '^M. Peeters' '$T/sophie.list'"
check "... but still Mevr. Jansen" grep -q "^Mevr. Jansen" "$T/sophie.list"
check "--all shows it, marked closed" listed sophie "^M. Peeters.*(closed)" --all
check "a post to the closed case is refused: exit 2, saying how to reopen" \
	fails 2 "closed at Thuisverpleging Zuid.*cahier case reopen" c sophie post "$P" "MARKER81B"
check "the log of the closed case still reads" sh -c \
	"'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' log '$P' | grep -q MARKER81A"
check "the coordinator still writes to it (closed at the nurse's only)" \
	c ann post "$P" "Planning aangepast. MARKER81C"
check "... and the nurse's daemon still receives it" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' log '$P' | grep -q MARKER81C"
check "the coordinator's list still shows it open" listed_open ann "M. Peeters"
check "the nurse reopens M. Peeters" c sophie case reopen "$P"
check "it is back in the daily list" listed_open sophie "M. Peeters"
check "the nurse posts again" c sophie post "$P" "MARKER81D"

# --- 6. A removed organization -----------------------------------------------------
check "the coordinator removes the CPAS from Mevr. Jansen" c ann case remove "$A" "$T/cpas/org.card"
check "the CPAS's daemon learns it is out of the case" wait_for "$SYNC_WAIT" \
	grep -q "held back epoch 3 of a case" "$T/cpas.log"
check "the social worker lists her cases" lists ines
check "... the case is closed to her: removed by the coordinator, by name, with the date" \
	grep -q "^Mevr. Jansen  closed to us: removed by Coordination soins à domicile Bruxelles on $(date +%Y-)" "$T/ines.list"
diag "the social worker's case list:"; diag_tail "$T/ines.list" 20
check "... marked removed" grep -q "(removed from this case)" "$T/ines.list"
check "... by name, not by key id" sh -c "! grep -q 'org [0-9a-f]' '$T/ines.list'"
check "--json says removed" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' --json case list | grep -q '\"removed\":true'"
check "the CPAS's post to it is refused by its own daemon" fails 2 "removed" c ines post "$A" "MARKER81E"

stop_all
done_testing
