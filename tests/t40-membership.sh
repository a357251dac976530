#!/bin/sh
# t40-membership.sh - membership over time: audiences decided by roles,
# history grants, removal of an organization that keeps running, handover,
# rotation, and a trusted person with a bounded access.
. "$(dirname "$0")/lib.sh"

mkorg coord "Coordination soins à domicile Bruxelles" 1
mkorg nurse "Thuisverpleging Zuid" 2
mkorg gp "Huisartsenpraktijk Noord" 3
mkorg cpas "CPAS d'Anderlecht — service social" 4
mkorg psy "Equipe mobile psychiatrique" 5
check "cards exchanged with fingerprints checked" mesh coord nurse gp cpas psy
check "coordinator at the coordination service" mkprov coord ann "Ann Verstraeten" coordinator
check "home nurse at the nursing service" mkprov nurse sophie "Sophie Lambert" home-nurse
check "GP at the practice" mkprov gp karim "Dr. Karim El Idrissi" gp
check "social worker at the CPAS" mkprov cpas ines "Inès Dubois" social-worker
check "psychiatric nurse at the mobile team" mkprov psy pia "Pia Claes" psychiatric-nurse
for o in coord nurse gp cpas psy; do start $o || exit 1; done

# count HOME: the entries of the case at HOME's daemon
count() { entries_count "$1" "$CASE"; }
# epoch_at HOME: the case's current epoch at HOME's daemon
epoch_at() { c "$1" --json case list | sed -n "s/.*\"case\":\"$CASE\"[^}]*\"epoch\":\([0-9]*\).*/\1/p"; }
at_epoch() { [ "$(epoch_at "$1")" = "$2" ]; }
# converged HOME...: every daemon holds the same (non-zero) number of entries
converged() {
	n0=$(count "$1") || return 1
	[ -n "$n0" ] && [ "$n0" -gt 0 ] || return 1
	for h in "$@"; do [ "$(count "$h")" = "$n0" ] || return 1; done
}
# logs HOME FILE: HOME's log of the case, text and JSON (FILE, FILE.json)
logs() {
	check "$1 reads the log of the case (text and --json)" sh -c \
		"$B/cahier --home $T/$1 --passphrase-file $T/pp log $CASE >$T/$2 2>&1 &&
		 $B/cahier --home $T/$1 --passphrase-file $T/pp --json log $CASE >$T/$2.json 2>&1"
}
shows() { grep -q "$2" "$T/$1"; }
# hides FILE MARKER: a log that was read (not empty) and lacks the marker
hides() { [ -s "$T/$1" ] && ! grep -q "$2" "$T/$1"; }
unreadable_item() { grep -q '"readable":false' "$T/$1.json"; }
# sees HOME MARKER: HOME's log shows the text
sees() { c "$1" log "$CASE" 2>/dev/null | grep -q "$2"; }

CASE=$(c ann case new "M. Peeters — MARKERCASE40" 2>/dev/null)
check "case created by the coordination service" [ "${#CASE}" = 32 ]
check "nursing service added as home-nursing" c ann case add "$CASE" "$T/nurse/org.card" --role home-nursing
check "GP practice added as gp" c ann case add "$CASE" "$T/gp/org.card" --role gp
check "CPAS added as social-service" c ann case add "$CASE" "$T/cpas/org.card" --role social-service
for h in sophie karim ines; do
	check "$h's daemon reaches epoch 3" wait_for "$SYNC_WAIT" at_epoch $h 3
done

# --- 1. Audiences -----------------------------------------------------------
check "GP posts to the medical audience" \
	c karim post --audience medical "$CASE" "HbA1c 8.2; metformine verhoogd. MARKERMED1"
check "the medical note reaches every member daemon (counts equal)" \
	wait_for "$SYNC_WAIT" converged karim ann sophie ines
logs ines log.sw1
check "social worker's log does not show the medical text" hides log.sw1 MARKERMED1
check "social worker's log shows an entry she may not read" \
	shows log.sw1 "(for the medical audience, which"
check "social worker's --json log has an item with readable false" unreadable_item log.sw1
# Not only hidden: the social service's daemon cannot decrypt it. Its case
# store holds wrapped keys under (epoch u32, audience u8): none of audience
# 3 (medical), while the nursing service's holds some. It stores the entry
# all the same (the counts above are equal) and relays it.
aud_keys() { mdb_dump -s keys "$T/$1/cases/$CASE" | grep -cE "^ [0-9a-f]{8}0$2\$"; }
check "the social service's daemon holds no medical key" [ "$(aud_keys cpas 3)" = 0 ]
check "... but a social key" [ "$(aud_keys cpas 4)" -gt 0 ]
check "the nursing service's daemon holds a medical key" [ "$(aud_keys nurse 3)" -gt 0 ]
logs sophie log.nu1
check "nurse's log shows the medical text" shows log.nu1 MARKERMED1
check "nurse's --json log shows the medical text" shows log.nu1.json MARKERMED1
c ines post --audience medical "$CASE" "MARKERNOPE1" >"$T/sw.med" 2>&1; rc=$?
check "social worker cannot post to medical: exit 2" [ "$rc" = 2 ]
check "... saying her role is not in the medical audience" \
	grep -q "not in the medical audience" "$T/sw.med"
check "social worker posts to the social audience" \
	c ines post --audience social "$CASE" "Dossier allocation en cours. MARKERSOC1"
check "the social note reaches every member daemon" wait_for "$SYNC_WAIT" converged ines ann sophie karim
check "the coordinator reads the social note" sees ann MARKERSOC1
logs sophie log.nu2
check "nurse's log does not show the social text" hides log.nu2 MARKERSOC1
check "nurse's --json log has an item with readable false" unreadable_item log.nu2
logs karim log.gp1
check "GP's log does not show the social text" hides log.gp1 MARKERSOC1

# --- 2. History grants --------------------------------------------------------
check "coordinator posts to network before the psychiatric team joins" \
	c ann post "$CASE" "Familie komt op zondag. MARKERHIST1"
check "nurse posts to care before the psychiatric team joins" \
	c sophie post --audience care "$CASE" "Slaapt slecht, angstig. MARKERHIST2"
check "both reach the coordinator" wait_for "$SYNC_WAIT" sh -c \
	"$B/cahier --home $T/ann --passphrase-file $T/pp log $CASE 2>/dev/null | grep -q MARKERHIST2"
check "psychiatric team added as psychiatric-home-care" \
	c ann case add "$CASE" "$T/psy/org.card" --role psychiatric-home-care
check "the psychiatric team's daemon joins the case (epoch 4)" wait_for "$SYNC_WAIT" at_epoch pia 4
check "the psychiatric team's daemon holds every entry" \
	wait_for "$SYNC_WAIT" converged ann sophie karim ines pia
logs pia log.psy1
check "before a grant: no network text from before it joined" hides log.psy1 MARKERHIST1
check "before a grant: no care text from before it joined" hides log.psy1 MARKERHIST2
check "before a grant: no medical text from before it joined" hides log.psy1 MARKERMED1
check "before a grant: older entries listed as not readable" unreadable_item log.psy1
check "psychiatric nurse posts to medical" \
	c pia post --audience medical "$CASE" "Eerste huisbezoek gepland. MARKERPSY1"
check "the GP reads the psychiatric nurse's note" wait_for "$SYNC_WAIT" sees karim MARKERPSY1
check "coordinator grants history to the psychiatric team" \
	c ann case grant "$CASE" "$T/psy/org.card"
check "after the grant: network text from before it joined" wait_for "$SYNC_WAIT" sees pia MARKERHIST1
logs pia log.psy2
check "after the grant: care text from before it joined" shows log.psy2 MARKERHIST2
check "after the grant: medical text from before it joined" shows log.psy2 MARKERMED1
check "after the grant: still no social text (not its audience)" hides log.psy2 MARKERSOC1

# --- 3. Removal, the removed daemon still running ---------------------------------
check "coordinator removes the nursing service" c ann case remove "$CASE" "$T/nurse/org.card"
for h in karim ines pia; do
	check "$h's daemon reaches epoch 5" wait_for "$SYNC_WAIT" at_epoch $h 5
done
check "GP posts to medical after the removal" \
	c karim post --audience medical "$CASE" "Nieuwe thuisverpleging vanaf maandag. MARKERAFTER1"
check "the psychiatric nurse reads it" wait_for "$SYNC_WAIT" sees pia MARKERAFTER1
check "the removed daemon still runs" running nurse
check "the removed daemon still answers its provider" c sophie status
check "the members converge" wait_for "$SYNC_WAIT" converged ann karim ines pia
NC=$(count ann); NG=$(count karim)
# The removed daemon still asks for the case; the members answer with the
# entry that removed it. It cannot open it (no key of the new epoch), holds
# it back, and from then on refuses its own posts to the case.
check "the removed daemon learns it is out of the case" wait_for "$SYNC_WAIT" \
	grep -q "held back epoch 5 of a case" "$T/nurse.log"
c sophie post "$CASE" "Wondzorg gedaan. MARKERREMOVED1" >"$T/nu.post" 2>&1; rc=$?
check "the removed nurse's post is refused by her own daemon: exit 2" [ "$rc" = 2 ]
check "... saying her organization was removed" \
	grep -q "was removed from this case at epoch 5" "$T/nu.post"
# A removed organization that writes all the same, with its own keys (a
# well-formed, signed note as the next entry of its feed): refused.
stop nurse
"$B/tests/tools/forge" -d "$T/nurse" --passphrase-file "$T/orgpass" --case "$CASE" \
	--to "tcp://127.0.0.1:$((PORT_BASE + 1))" --to-card "$T/coord/org.card" \
	--provider-key "$T/sophie/provider.key" --provider-pass "$T/pp" \
	--provider-cert "$T/sophie/provider.cert" --kind valid 2>"$T/forge.err"; rc=$?
check "the removed organization's own next entry is sent to the coordinator" [ "$rc" = 0 ]
check "the coordinator refuses it: that organization was removed" wait_for "$SYNC_WAIT" \
	grep -Eq "from .*: that organization was removed from the case|entr(y|ies) of a case from .*, which is not a member of it" "$T/coord.log"
start nurse
check "the coordinator's entry count did not grow" [ "$(count ann)" = "$NC" ]
check "the GP's entry count did not grow" [ "$(count karim)" = "$NG" ]
logs ann log.co3
check "the coordinator's log does not show the removed organization's entry" \
	hides log.co3 "forged entry"
logs sophie log.nu3
check "the removed nurse's log does not show the post after removal" hides log.nu3 MARKERAFTER1
check "the removed nurse's log still shows what was before" shows log.nu3 MARKERMED1
check "the removed nurse's log does not show the refused post" hides log.nu3 MARKERREMOVED1
c sophie case add "$CASE" "$T/gp/org.card" --role gp >"$T/nu.add" 2>&1; rc=$?
check "the removed nurse cannot change membership: exit 2" [ "$rc" = 2 ]
check "... her organization is out of the case" grep -q "removed from this case" "$T/nu.add"

# --- 6. A trusted person ----------------------------------------------------------
TOMORROW=$(date -u -d tomorrow +%F)
YESTERDAY=$(date -u -d yesterday +%F)
check "trusted person certified by the coordination service" \
	mkprov coord tom "Marc Peeters" trusted-person
# A client that connects before the daemon has reloaded its providers is
# refused by ZAP and waits for its whole timeout: wait with short ones.
check "the coordination service's daemon knows the trusted person" \
	wait_for "$SYNC_WAIT" "$B/cahier" --home "$T/tom" --passphrase-file "$T/pp" --timeout 1 status
c tom log "$CASE" >"$T/tp0" 2>&1; rc=$?
check "an unlisted trusted person is refused (exit 2)" [ "$rc" = 2 ]
check "... not listed among the people" grep -q "not listed among the people" "$T/tp0"
# no_cases / lists_case: what the trusted person's case list shows
no_cases() { [ "$(c tom --json case list)" = '[]' ]; }
lists_case() { c tom --json case list | grep -q "$CASE"; }
check "... and sees no case in the list" no_cases
c tom peers >"$T/tp.peers" 2>&1; rc=$?
check "a trusted person does not list the organization's peers: exit 2" [ "$rc" = 2 ]
check "... and her status counts no case and no peer" sh -c \
	"'$B/cahier' --home '$T/tom' --passphrase-file '$T/pp' --json status | grep -Eq '\"cases\": ?0' &&
	 '$B/cahier' --home '$T/tom' --passphrase-file '$T/pp' --json status | grep -Eq '\"peers\": ?0'"
check "coordinator records the trusted person until tomorrow" \
	c ann case person "$CASE" --role trusted-person --name "Marc Peeters" \
	--key "$T/tom/provider.request" --basis written-mandate --until "$TOMORROW"
check "coordinator posts to network for the person" \
	c ann post "$CASE" "Prochaine visite mardi. MARKERNET1"
check "GP posts to medical" \
	c karim post --audience medical "$CASE" "Traitement inchangé. MARKERMED2"
check "the coordination service holds the GP's medical note" \
	wait_for "$SYNC_WAIT" converged ann karim
check "the trusted person reads the network note" wait_for "$SYNC_WAIT" sees tom MARKERNET1
check "... and the case is in her list" lists_case
logs tom log.tp1
check "the trusted person does not see the medical note" hides log.tp1 MARKERMED2
check "the trusted person does not see the charter (people's bases and dates)" \
	hides log.tp1 written-mandate
check "the trusted person does not see older medical notes" hides log.tp1 MARKERMED1
check "the trusted person does not see the social note" hides log.tp1 MARKERSOC1
c tom post --audience medical "$CASE" "MARKERNOPE2" >"$T/tp.med" 2>&1; rc=$?
check "the trusted person cannot post to medical: exit 2" [ "$rc" = 2 ]
check "... her role is not in the medical audience" grep -q "not in the medical audience" "$T/tp.med"
c ann case person "$CASE" --role trusted-person --name "Marc Peeters" \
	--key "$T/tom/provider.request" --basis written-mandate --until "$YESTERDAY" \
	>"$T/tp.past" 2>&1; rc=$?
check "an end date already past is refused: exit 2" [ "$rc" = 2 ]
check "... saying so" grep -q "already past" "$T/tp.past"
SOON_S=$(($(date +%s) + 3))
check "coordinator sets the person's access to end in three seconds" \
	c ann case person "$CASE" --role trusted-person --name "Marc Peeters" \
	--key "$T/tom/provider.request" --basis written-mandate \
	--until "$(date -u -d "@$SOON_S" +%FT%TZ)"
# past_soon: this machine's clock (the daemons' too) is past that end
past_soon() { [ "$(date +%s)" -gt "$SOON_S" ]; }
check "the clock passes the end of the access" wait_for 10 past_soon
c tom log "$CASE" >"$T/tp2" 2>&1; rc=$?
check "an ended access lists the case no more" no_cases
check "an ended access is refused: exit 2" [ "$rc" = 2 ]
check "... saying it has ended" grep -q "ended" "$T/tp2"
check "... and shows no text" sh -c "! grep -q MARKER $T/tp2"
c tom post "$CASE" "after the end MARKERTPLATE" >"$T/tp3" 2>&1; rc=$?
check "an ended access cannot post either: exit 2" [ "$rc" = 2 ]
check "... saying it has ended" grep -q "ended" "$T/tp3"

# --- 4. Handover -------------------------------------------------------------
check "coordinator hands coordination over to the CPAS" \
	c ann case handover "$CASE" "$T/cpas/org.card"
E=$(epoch_at ann)
for h in karim ines pia; do
	check "$h's daemon reaches the handover epoch" wait_for "$SYNC_WAIT" at_epoch $h "$E"
done
check "the coordination service's daemon no longer coordinates" sh -c \
	"$B/cahier --home $T/ann --passphrase-file $T/pp --json case list | grep -q '\"coordinated_here\":false'"
check "the CPAS's daemon coordinates now" sh -c \
	"$B/cahier --home $T/ines --passphrase-file $T/pp --json case list | grep -q '\"coordinated_here\":true'"
c ann case rotate "$CASE" >"$T/co.rot" 2>&1; rc=$?
check "the former coordinator cannot rotate: exit 2" [ "$rc" = 2 ]
check "... only the coordinator" grep -q "only the coordinator" "$T/co.rot"
check "the CPAS's social worker rotates the keys" c ines case rotate "$CASE"
E=$((E + 1))
for h in ann karim ines pia; do
	check "$h's daemon reaches the rotated epoch" wait_for "$SYNC_WAIT" at_epoch $h "$E"
done

# --- 5. After rotation -----------------------------------------------------------
check "GP posts to care after the rotation" \
	c karim post --audience care "$CASE" "Bloeddruk stabiel. MARKERROT1"
check "social worker posts to network after the rotation" \
	c ines post "$CASE" "Réunion de concertation jeudi. MARKERROT2"
check "current members converge" wait_for "$SYNC_WAIT" converged ines ann karim pia
for h in ann karim ines pia; do
	logs $h log.rot.$h
	check "$h reads the care note after rotation" shows log.rot.$h MARKERROT1
	check "$h reads the network note after rotation" shows log.rot.$h MARKERROT2
done
logs sophie log.nu4
check "the removed nurse reads neither" sh -c "! grep -q 'MARKERROT' $T/log.nu4"

done_testing
