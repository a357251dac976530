#!/bin/sh
# t82-care.sh - the care kinds end to end: three organizations around a man
# of 40 just out of hospital (DOMAIN.md, case 1), every kind posted with
# its command and read back on another daemon; edits, acknowledgements and
# hides by organizations that may not are refused by the posting daemon;
# the person posts a note and an agenda item, not an alert; post says which
# organizations hold the entry; and a member turned hostile (tests/tools/
# forge) that writes those refused references anyway changes nothing the
# other daemons show.
. "$(dirname "$0")/lib.sh"

CPAS="CPAS de Saint-Gilles — service social"
NURSE="Thuisverpleging Zuid"
GP="Huisartsenpraktijk Noord"
mkorg cpas "$CPAS" 1
mkorg nurse "$NURSE" 2
mkorg gp "$GP" 3
check "cards exchanged with fingerprints checked" mesh cpas nurse gp
check "social worker at the CPAS" mkprov cpas ines "Inès Dubois" social-worker
check "home nurse" mkprov nurse sophie "Sophie Lambert" home-nurse
check "GP" mkprov gp karim "Dr. Karim El Idrissi" gp
check "the person, certified by the CPAS" mkprov cpas rachid "Rachid B." patient
for o in cpas nurse gp; do start $o || exit 1; done

CASE=$(c ines case new "Rachid B. — sortie d'hôpital" 2>/dev/null)
check "case created" [ "${#CASE}" = 32 ]
check "nursing service added" c ines case add "$CASE" "$T/nurse/org.card" --role home-nursing
check "GP practice added" c ines case add "$CASE" "$T/gp/org.card" --role gp
check "case reaches the GP" wait_for "$SYNC_WAIT" has_entries karim "$CASE" 3
check "case reaches the nurse" wait_for "$SYNC_WAIT" has_entries sophie "$CASE" 3

# field JSON VALUE: the value of a "key":"string" or "key":number in JSON
field() { printf '%s' "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p"; }
# shows HOME REF PATTERN: cahier --json show, as HOME, matches PATTERN
# (the entry as cahier show --json gives it, in a few keys: state, versions,
# kind, who hid it, the names of the organizations that acknowledged it,
# then its fields)
shows() { c "$1" --json show "$CASE" "$2" 2>/dev/null | jq -c '.entry |
	{ ref, entry, state, versions, kind, hidden_by: .hidden.by,
	  acks: [(.acks // [])[] | .name], fields: .content } + (.content // {})' |
	grep -q -- "$3"; }

# --- post says where the entry went ----------------------------------------
c ines post "$CASE" "Retour à domicile ce jour. MARKERNOTE1" >"$T/post.out" 2>"$T/post.err"
check "post: one line says what was posted and its reference" \
	grep -Eq '^posted note [a-z2-7]{8}$' "$T/post.out"
check "post: held by the nursing service, by name" grep -q "^held by: .*$NURSE" "$T/post.out"
check "post: held by the GP practice, by name" grep -q "^held by: .*$GP" "$T/post.out"
check "post: no seq, epoch or hex id in the human output" sh -c "! grep -Eqi 'seq|epoch|[0-9a-f]{16}' '$T/post.out'"
J=$(c ines --json note "$CASE" --audience network "Réunion jeudi. MARKERNOTE2" 2>/dev/null)
NOTE2=$(field "$J" ref); NOTE2ID=$(field "$J" entry)
check "note --json: entry, ref, case, seq, held_by" sh -c \
	"printf '%s' '$J' | grep -q '\"held_by\":\[' && [ '$(field "$J" case)' = '$CASE' ] && [ ${#NOTE2ID} = 64 ] && [ ${#NOTE2} = 8 ]"

# --- every kind, read back on another daemon -------------------------------
J=$(c ines --json goal "$CASE" "Ik wil zelf boodschappen doen" --own --worker thuis 2>/dev/null)
GOAL=$(field "$J" ref)
check "goal posted (a worker by the start of its name, any case)" [ ${#GOAL} = 8 ]
J=$(c ines --json task "$CASE" "Wondzorg linkervoet" --owner "thuisverpleging zuid" --due 2030-12-05 --goal "$GOAL" 2>/dev/null)
TASK=$(field "$J" ref)
check "task posted" [ ${#TASK} = 8 ]
J=$(c karim --json appointment "$CASE" "Consultation diabète" --at "2030-12-01 10:30" --minutes 30 --where "Cabinet" --with "Dr. El Idrissi" --org huis 2>/dev/null)
APPT=$(field "$J" ref)
check "appointment posted" [ ${#APPT} = 8 ]
J=$(c sophie --json alert "$CASE" "Val in de badkamer, geen letsel" --to cpas --to huis --priority high 2>/dev/null)
ALERT=$(field "$J" ref)
check "alert posted" [ ${#ALERT} = 8 ]
check "ack posted by an addressed organization" wait_for "$SYNC_WAIT" c karim ack "$CASE" "$ALERT" "Ik kom morgen langs"
J=$(c ines --json handover "$CASE" "Sortie de Saint-Pierre; traitement inchangé" --from "Hôpital Saint-Pierre" --to "Domicile" --contact cpas --deputy thuis --contact-person "Inès" --isolation isolated --fragility some --network partly-able --told "Suivi infirmier quotidien" 2>/dev/null)
HAND=$(field "$J" ref)
check "handover posted" [ ${#HAND} = 8 ]
J=$(c ines --json consent "$CASE" --grantor "Rachid B." --grantee "Samira B." --role trusted-person --purpose coordination --basis consent --from 2030-01-01 "Sa sœur" 2>/dev/null)
CONS=$(field "$J" ref)
check "consent posted" [ ${#CONS} = 8 ]
J=$(c ines --json consult "$CASE" "Qui prend le rôle de personne de contact ?" --invite thuis --invite huis --answer-by 2030-12-10 2>/dev/null)
CONSULT=$(field "$J" ref)
check "consultation posted" [ ${#CONSULT} = 8 ]
check "answer posted" wait_for "$SYNC_WAIT" c karim answer "$CASE" "$CONSULT" "De huisarts, met de verpleging als vervanger"
check "decision posted" c ines decide "$CASE" "$CONSULT" "Le médecin traitant est la personne de contact" --carrier huis --due 2030-12-20
J=$(c ines --json keep-an-eye "$CASE" --every 14 "Risque de rupture du suivi" 2>/dev/null)
KEEP=$(field "$J" ref)
check "keep-an-eye posted" [ ${#KEEP} = 8 ]
check "check-in posted" wait_for "$SYNC_WAIT" c sophie check-in "$CASE" "$KEEP" "Rustig"
check "a reply to a note" c sophie note "$CASE" "Bien noté" --reply "$NOTE2"

for pair in "$GOAL goal" "$TASK task" "$APPT appointment" "$ALERT alert" "$HAND handover" \
	"$CONS consent" "$CONSULT consultation" "$KEEP keep-an-eye"; do
	set -- $pair
	check "the $2 reads back at the GP as a $2" wait_for "$SYNC_WAIT" shows karim "$1" "\"kind\":\"$2\""
done
check "the task's fields at the GP: owner by name, due, status open" \
	shows karim "$TASK" "\"status\":\"open\".*\"owner\":{\"id\":\"[0-9a-f]*\",\"name\":\"$NURSE\"}"
check "the handover's screen at the nurse" wait_for "$SYNC_WAIT" \
	shows sophie "$HAND" '"isolation":"isolated","fragility":"some","network":"partly-able"'
check "the alert shows the GP's acknowledgement" wait_for "$SYNC_WAIT" \
	shows sophie "$ALERT" "\"acks\":\[\"$GP\"\]"
check "the consultation's answer and decision reached the nurse (log)" wait_for "$SYNC_WAIT" \
	sh -c "'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' --json log '$CASE' 2>/dev/null | grep -c '\"readable\":true' | grep -qv '^0$'"
check "log --json at the GP shows the task as docs/JSON.md says" \
	sh -c "'$B/cahier' --home '$T/karim' --passphrase-file '$T/pp' --json log '$CASE' 2>/dev/null | grep -q '\"kind\":\"task\"'"

# --- edits ------------------------------------------------------------------
check "the owner's organization marks the task done" wait_for "$SYNC_WAIT" c sophie task done "$CASE" "$TASK"
check "the GP sees the task done, 2 versions" wait_for "$SYNC_WAIT" \
	shows karim "$TASK" '"versions":2.*"status":"done"'
check "an edit by an organization that may not edit is refused by its daemon" \
	fails 2 "only the organization that wrote this task or its owner may edit it" \
	c karim edit "$CASE" "$TASK" --text "Overgenomen door de huisarts"
check "the task stays done with 2 versions" shows sophie "$TASK" '"versions":2.*"status":"done"'
check "an edit by the author's organization is accepted" c ines edit "$CASE" "$TASK" --due 2030-12-06
check "the nurse sees version 3" wait_for "$SYNC_WAIT" shows sophie "$TASK" '"versions":3'

# --- acks and hides ----------------------------------------------------------
check "an ack by an organization the alert is not addressed to is refused" \
	fails 2 "is not among the organizations this alert is addressed to" \
	c sophie ack "$CASE" "$ALERT" "ook gezien"
check "a hide by another organization is refused" \
	fails 2 "only the organization that wrote an entry hides it" \
	c karim hide "$CASE" "$NOTE2" --yes
check "a hide by the author's organization is accepted" \
	c ines hide "$CASE" "$NOTE2" --reason error --yes
check "the GP shows the note hidden, by the CPAS, with no content" wait_for "$SYNC_WAIT" \
	shows karim "$NOTE2" "\"state\":\"hidden\".*\"hidden_by\":\"$CPAS\""
c karim --json show "$CASE" "$NOTE2" >"$T/hidden.json" 2>/dev/null
check "... its fields are null and its text is nowhere" sh -c \
	"jq -e '.entry.content == null' '$T/hidden.json' >/dev/null && ! grep -q MARKERNOTE2 '$T/hidden.json'"
check "log at the GP says hidden" \
	sh -c "'$B/cahier' --home '$T/karim' --passphrase-file '$T/pp' log '$CASE' 2>/dev/null | grep -qi hidden"

# --- the person -----------------------------------------------------------------
check "the coordinator records the person as patient" \
	c ines case person "$CASE" --role patient --name "Rachid B." \
	--key "$T/rachid/provider.request" --basis own-consent
check "the person sees the case" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/rachid' --passphrase-file '$T/pp' --json case list | grep -q '$CASE'"
check "the person posts a note (network by default)" c rachid note "$CASE" "Ik voel me beter"
check "the person adds an agenda item" c rachid task "$CASE" "Vragen naar de huur" --agenda
check "the person cannot post an alert" \
	fails 2 "this kind is the professionals'" \
	c rachid alert "$CASE" "help" --to cpas
check "the person cannot give a task to an organization" \
	fails 2 "agenda items" c rachid task "$CASE" "Huur regelen" --owner cpas

# --- the client's own checks --------------------------------------------------
check "an unknown organization lists the members" \
	fails 2 "'OCMW' names no organization of this case: give one of: .*$NURSE" \
	c ines task "$CASE" "x" --owner OCMW
check "an organization named twice is refused" fails 2 "names an organization already given" \
	c ines alert "$CASE" "x" --to cpas --to CPAS
check "an unknown reference says so (exit 1)" fails 1 "no entry bbbbbbbb in this case" \
	c ines ack "$CASE" bbbbbbbb
check "an ack of a task is refused before posting" fails 2 "is a task, not the alert this command takes" \
	c karim ack "$CASE" "$TASK"
check "a bad date is refused" fails 2 "is not a date YYYY-MM-DD" \
	c ines task "$CASE" "x" --owner cpas --due 2030-02-31

# --- a hostile member -----------------------------------------------------------
J=$(c ines --json alert "$CASE" "Ne répond plus au téléphone" --to thuis 2>/dev/null)
ALERT2=$(field "$J" ref); ALERT2ID=$(field "$J" entry)
J=$(c sophie --json note "$CASE" --audience network "Sleutel bij de buurvrouw. MARKERNOTE3" 2>/dev/null)
NOTE3=$(field "$J" ref); NOTE3ID=$(field "$J" entry)
J=$(c ines --json note "$CASE" --audience network "Rendez-vous CPAS lundi. MARKERNOTE4" 2>/dev/null)
NOTE4=$(field "$J" ref); NOTE4ID=$(field "$J" entry)
count3() { a=$(entries_count ines "$CASE"); [ -n "$a" ] && [ "$a" = "$(entries_count sophie "$CASE")" ] && [ "$a" = "$(entries_count karim "$CASE")" ]; }
check "the three daemons hold the same entries before the GP turns hostile" wait_for "$SYNC_WAIT" count3
stop gp
c ines post "$CASE" "Pendant l'absence du médecin" >"$T/post2.out" 2>/dev/null
check "post says the stopped GP practice does not hold it yet" \
	grep -q "^held by: $NURSE (not yet: $GP)" "$T/post2.out"
n0=$(wc -l <"$T/cpas.log" | tr -d ' ')
check "forge sends an edit of the CPAS's note, an ack of an alert not addressed to it, a hide of the nurse's note" \
	"$B/tests/tools/forge" -d "$T/gp" --passphrase-file "$T/orgpass" --case "$CASE" \
	--to "tcp://127.0.0.1:$((PORT_BASE + 1))" --to-card "$T/cpas/org.card" \
	--provider-key "$T/karim/provider.key" --provider-pass "$T/pp" \
	--provider-cert "$T/karim/provider.cert" --kind care \
	--edit "$NOTE4ID" --ack "$ALERT2ID" --hide "$NOTE3ID" 2>"$T/forge.err"
stored3() { tail -n +"$((n0 + 1))" "$T/cpas.log" | grep -q "stored 3 entries from $GP"; }
check "the coordinator stores the three forged entries (they are well signed)" wait_for "$SYNC_WAIT" stored3
check "the nurse holds them too" wait_for "$SYNC_WAIT" sh -c \
	"[ \"\$('$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' --json case list | sed -n 's/.*\"entries\":\([0-9]*\).*/\1/p')\" = \
	   \"\$('$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' --json case list | sed -n 's/.*\"entries\":\([0-9]*\).*/\1/p')\" ]"
for h in ines sophie; do
	check "$h: the CPAS's note is still its latest version (the forged edit does not count)" \
		shows $h "$NOTE4" '"versions":1,.*MARKERNOTE4'
	check "$h: the alert is still unacknowledged (the forged ack does not count)" \
		shows $h "$ALERT2" '"acks":\[\]'
	check "$h: the nurse's note is not hidden (the forged hide does not count)" \
		shows $h "$NOTE3" '"state":"open".*MARKERNOTE3'
done
done_testing
