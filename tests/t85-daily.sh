#!/bin/sh
# t85-daily.sh - a nurse's morning, end to end: three organizations around a
# woman of 70 at home (DOMAIN.md, case 2) and a homeless man followed at low
# intensity (case 3). Cases by name; one timeline across organizations in
# the order things were written; log filters, paging and search (Arabic
# and accented text included) with exactly the entries shown recorded;
# tasks and alerts across cases; show with earlier versions and references;
# watch delivering what another organization writes; an organization that
# was removed sees the case as closed to it.
. "$(dirname "$0")/lib.sh"
# The checks below run pipelines in sh -c, where lib.sh's functions are
# unknown: the same c as a command.
printf '#!/bin/sh\nh=$1; shift\nexec "%s/cahier" --home "%s/$h" --passphrase-file "%s/pp" --timeout 20 "$@"\n' \
	"$B" "$T" "$T" >"$T/c" && chmod +x "$T/c"
PATH="$T:$PATH"; export PATH
# exits CODE COMMAND...: the command ends with CODE (a negative answer is 1)
exits() { e_want=$1; shift; "$@" >/dev/null 2>&1; [ $? = "$e_want" ]; }

COORD="Coordination soins à domicile Bruxelles"
NURSE="Thuisverpleging Zuid"
GP="Huisartsenpraktijk Noord"
mkorg co "$COORD" 1
mkorg nurse "$NURSE" 2
mkorg gp "$GP" 3
check "cards exchanged" mesh co nurse gp
check "coordinator" mkprov co ines "Inès Dubois" coordinator
check "home nurse" mkprov nurse sophie "Sophie Lambert" home-nurse
check "GP" mkprov gp karim "Dr. Karim El Idrissi" gp
for o in co nurse gp; do start $o || exit 1; done

c ines case new "Mevr. Jansen" >"$T/case1" 2>/dev/null
CASE=$(cat "$T/case1")
check "case 2 opened" [ "${#CASE}" = 32 ]
check "nursing added" c ines case add "$CASE" "$T/nurse/org.card" --role home-nursing
check "GP added" c ines case add "$CASE" "$T/gp/org.card" --role gp
c ines case new "يوسف El Amrani" >"$T/case2" 2>/dev/null
CASE2=$(cat "$T/case2")
check "case 3 opened (an Arabic name)" [ "${#CASE2}" = 32 ]
check "nursing added to case 3" c ines case add "$CASE2" "$T/nurse/org.card" --role home-nursing
check "case 2 reaches the nurse" wait_for "$SYNC_WAIT" has_entries sophie "$CASE" 3
check "case 3 reaches the nurse" wait_for "$SYNC_WAIT" has_entries sophie "$CASE2" 2

# --- cases by name ------------------------------------------------------------
check "the nurse lists both cases by name" sh -c \
	"c sophie case list 2>/dev/null | grep -q 'Mevr. Jansen' && c sophie case list 2>/dev/null | grep -q 'يوسف El Amrani'"
check "a case given by its name (any ASCII case)" c sophie note "mevr. jansen" "Bonjour via le nom"
check "an unknown name: exit 1" exits 1 c sophie note "Mevr. Peeters" "x"

# --- one timeline, in the order things were written -----------------------------
check "nurse writes first" c sophie note "$CASE" "EERSTE: wondzorg gedaan"
check "the GP sees it" wait_for "$SYNC_WAIT" sh -c "c karim log '$CASE' 2>/dev/null | grep -q EERSTE"
check "GP answers after seeing it" c karim note "$CASE" "TWEEDE: antibiotica gestart"
check "the coordinator sees both" wait_for "$SYNC_WAIT" sh -c "c ines log '$CASE' 2>/dev/null | grep -q TWEEDE"
check "coordinator writes third" c ines note "$CASE" "DERDE: overleg gepland"
order() {
	c "$1" log "$CASE" 2>/dev/null | grep -o 'EERSTE\|TWEEDE\|DERDE' | tr '\n' ' ' | grep -q '^EERSTE TWEEDE DERDE $'
}
for h in ines sophie karim; do
	check "$h: the three notes in the order they were written (HLC)" wait_for "$SYNC_WAIT" order $h
done

# --- log: filters, paging, search -------------------------------------------------
i=0
while [ $i -lt 12 ]; do c sophie note "$CASE" "Ronde $i" >/dev/null 2>&1 || break; i=$((i + 1)); done
check "twelve more notes" [ $i = 12 ]
c sophie --json log "$CASE" --last 5 >"$T/last5.json" 2>/dev/null
check "--last 5 shows 5 entries" [ "$(jq '.entries | length' "$T/last5.json")" = 5 ]
check "... the newest, oldest first" sh -c "jq -r '.entries[-1].content.text' '$T/last5.json' | grep -q 'Ronde 11'"
AR=$(jq -r '.access_record' "$T/last5.json")
c ines --json audit "$CASE" --last 1000 >"$T/audit.json" 2>/dev/null
check "the access record of --last 5 lists exactly 5 entries" \
	wait_for "$SYNC_WAIT" sh -c "c ines --json audit '$CASE' --last 1000 2>/dev/null | jq -e --arg id '$AR' '.records[] | select(.entry == \$id) | .entries == 5' >/dev/null"
c sophie --json log "$CASE" --all >"$T/all.json" 2>/dev/null
check "--all pages through every entry once" sh -c \
	"[ \"\$(jq '[.entries[].entry] | length' '$T/all.json')\" = \"\$(jq '[.entries[].entry] | unique | length' '$T/all.json')\" ]"
check "--all holds the first and the last note" sh -c \
	"jq -r '.entries[].content.text // empty' '$T/all.json' | grep -q EERSTE && jq -r '.entries[].content.text // empty' '$T/all.json' | grep -q 'Ronde 11'"
check "--org: only the GP's entries" sh -c \
	"c sophie --json log '$CASE' --org huis 2>/dev/null | jq -e '[.entries[].org] | unique == [\"$GP\"]' >/dev/null"
check "--mine: only the nurse's own" sh -c \
	"c sophie --json log '$CASE' --mine 2>/dev/null | jq -e '[.entries[].author] | unique == [\"Sophie Lambert\"]' >/dev/null"
check "--search finds a word in any case" sh -c "c karim log '$CASE' --search wondzorg 2>/dev/null | grep -q EERSTE"
check "--search: nothing found is exit 1" exits 1 c karim log "$CASE" --search "geen-zulk-woord"
check "an Arabic note posted" c ines note "$CASE2" "زيارة يوم الخميس MARKERAR"
check "... found by an Arabic search on another daemon" wait_for "$SYNC_WAIT" sh -c \
	"c sophie log '$CASE2' --search 'الخميس' 2>/dev/null | grep -q MARKERAR"
check "--since tomorrow: nothing" exits 1 c sophie log "$CASE" --since "$(date -d tomorrow +%Y-%m-%d)"
check "--kind with an unknown kind: exit 2" fails 2 "unknown kind" c sophie log "$CASE" --kind foo

# --- tasks and alerts across cases ---------------------------------------------------
check "a task for the nurse, due yesterday" c ines task "$CASE" "Medicatie nakijken" --owner thuis --due "$(date -d yesterday +%Y-%m-%d)"
check "a task for the GP" c ines task "$CASE" "Bloedname" --owner huis --due 2030-12-05
check "keep an eye on case 3, every 14 days" c ines keep-an-eye "$CASE2" --every 14 "Rupture de suivi possible"
check "the nurse's tasks list the overdue task" wait_for "$SYNC_WAIT" sh -c \
	"c sophie tasks --ours --overdue 2>/dev/null | grep -q 'Medicatie nakijken'"
check "... not the GP's" sh -c "! c sophie tasks --ours 2>/dev/null | grep -q Bloedname"
check "all open tasks across cases name the case" sh -c \
	"c sophie tasks 2>/dev/null | grep -q 'Mevr. Jansen' && c sophie tasks 2>/dev/null | grep -q Bloedname"
J=$(c sophie --json alert "$CASE" "Gevallen in de badkamer" --to huis --to coordination --priority high 2>/dev/null)
ALERT=$(printf '%s' "$J" | jq -r .ref)
check "an alert to the GP and the coordinator" [ ${#ALERT} = 8 ]
check "the GP's alerts: this one, to acknowledge" wait_for "$SYNC_WAIT" sh -c \
	"c karim alerts 2>/dev/null | grep -q 'yours to acknowledge'"
check "the GP acknowledges" c karim ack "$CASE" "$ALERT" "Ik kom vandaag"
check "still listed while the coordinator has not" wait_for "$SYNC_WAIT" sh -c \
	"c sophie alerts 2>/dev/null | grep -q \"NOT ACKNOWLEDGED by $COORD\""
check "the coordinator acknowledges" wait_for "$SYNC_WAIT" c ines ack "$CASE" "$ALERT"
check "no alert waits any more (exit 1)" wait_for "$SYNC_WAIT" sh -c \
	"c sophie alerts >/dev/null 2>&1; [ \$? = 1 ]"
check "alerts --all still shows it, acknowledged by both" sh -c \
	"c sophie --json alerts --all 2>/dev/null | jq -e '.alerts[0].acks | length == 2' >/dev/null"

# --- show: versions and references ----------------------------------------------------
J=$(c ines --json task "$CASE" "Huisbezoek plannen" --owner thuis 2>/dev/null)
T1=$(printf '%s' "$J" | jq -r .ref)
check "the owner marks it done" wait_for "$SYNC_WAIT" c sophie task done "$CASE" "$T1"
check "show: edited, 2 versions, the earlier one listed" wait_for "$SYNC_WAIT" sh -c \
	"c karim --json show '$CASE' '$T1' 2>/dev/null | jq -e '.entry.versions == 2 and (.versions | length) == 1' >/dev/null"
check "log shows the latest version only" sh -c \
	"c karim --json log '$CASE' --kind task 2>/dev/null | jq -e '[.entries[] | select(.ref == \"$T1\")] | length == 1 and .[0].content.status == \"done\"' >/dev/null"
check "show of the alert lists its acknowledgements as references" sh -c \
	"c karim --json show '$CASE' '$ALERT' 2>/dev/null | jq -e '(.refs | length) >= 2' >/dev/null"
check "show of a reference that is not one: exit 2" fails 2 "not an entry reference" c karim show "$CASE" "nope"

# --- watch ----------------------------------------------------------------------------
c sophie watch "$CASE" --every 1 --for 8 --last 1 >"$T/watch.out" 2>"$T/watch.err" &
WPID=$!
sleep 2
c karim note "$CASE" "WATCHME nieuwe info" >/dev/null 2>&1
wait $WPID
check "watch delivered the GP's new note" grep -q WATCHME "$T/watch.out"
check "... once" [ "$(grep -c WATCHME "$T/watch.out")" = 1 ]

# --- no hex in the default human output (the case given by its name: the
# hints repeat the case as the provider gave it) ----------------------------------
c sophie log "Mevr. Jansen" --last 10 >"$T/log.txt" 2>&1
check "log: no 16-hex-digit id, seq or epoch by default" sh -c \
	"! grep -Eqi '[0-9a-f]{16}|seq [0-9]|epoch [0-9]' '$T/log.txt'"
c sophie log "$CASE" --last 3 --verbose >"$T/logv.txt" 2>&1
check "--verbose carries the entry id and seq" grep -Eq 'entry [0-9a-f]{64} · seq [0-9]+' "$T/logv.txt"

# --- a removed organization ---------------------------------------------------------------
check "the GP practice is removed" c ines case remove "$CASE" "$T/gp/org.card"
check "the GP's case list says removed, by the coordinator's name" wait_for "$SYNC_WAIT" sh -c \
	"c karim case list 2>/dev/null | grep 'Mevr. Jansen' | grep -q 'removed by $COORD'"
check "the GP's log says the case is closed to it" sh -c \
	"c karim log '$CASE' 2>&1 >/dev/null | grep -q 'closed to your organization'"
check "the others see the GP by name among removed organizations" sh -c \
	"c sophie network '$CASE' 2>/dev/null | sed -n '/^Removed/,/^Audiences/p' | grep -q '$GP'"

done_testing
