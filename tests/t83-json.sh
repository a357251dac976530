#!/bin/sh
# t83-json.sh - every --json output checked against its schema (docs/schema,
# described in docs/JSON.md) by tests/tools/validate-json.py: three
# organizations and a case holding an entry of every care kind, a reply, an
# edited task, an acknowledged alert, a hidden entry, entries another
# organization or role cannot read, people around the person, a granted
# history and a revoked provider key; then each reading command (log,
# audit, show, watch, tasks, alerts, case list, network, status, peers) and
# the writing ones (the care kinds, case new/add/person/rotate/grant,
# close/reopen), as several readers, each output validated.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/.." && pwd)
S=$TOP/docs/schema
V="python3 $TOP/tests/tools/validate-json.py"
if ! python3 -c 'import jsonschema' 2>/dev/null || ! command -v jq >/dev/null 2>&1; then
	not_ok "python3 with jsonschema, and jq, are installed (sh scripts/deps.sh)"
	done_testing
	exit 1
fi
check "the schemas are valid JSON Schemas (draft 2020-12)" $V --check-schemas "$S"

J=$T/json
mkdir -p "$J"
# out NAME HOME ARGS...: HOME's cahier --json ARGS into $J/NAME.json; the
# command must exit 0 (or $RC, when set)
out() {
	o_n=$1 o_h=$2; shift 2
	c "$o_h" --json "$@" >"$J/$o_n.json" 2>"$J/$o_n.err"; o_rc=$?
	[ "$o_rc" = "${RC:-0}" ] || { diag "cahier --json $* as $o_h: exit $o_rc"; diag_tail "$J/$o_n.err" 5; return 1; }
}
# valid SCHEMA NAME [--lines]: $J/NAME.json is valid against $S/SCHEMA.json;
# the validator's errors (the path of each failing field) as diagnostics
valid() {
	$V ${3:-} "$S/$1.json" "$J/$2.json" >"$J/$2.valid" 2>&1; v_rc=$?
	sed 's/^/# /' "$J/$2.valid" >&2
	return $v_rc
}
# json NAME SCHEMA HOME ARGS...: runs the command, then validates its output
json() {
	j_n=$1 j_s=$2; shift 2
	check "$j_n: exits ${RC:-0}" out "$j_n" "$@"
	check "$j_n: matches docs/schema/$j_s.json" valid "$j_s" "$j_n"
}
# jq_ok NAME FILTER: the filter is true of $J/NAME.json
jq_ok() { jq -e "$2" "$J/$1.json" >/dev/null; }

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
check "a second GP, whose key will be revoked" mkprov gp lotte "Dr. Lotte Maes" gp
check "the person, certified by the CPAS" mkprov cpas rachid "Rachid B." patient
for o in cpas nurse gp; do start $o || exit 1; done

# --- the case, with case new/add --json -------------------------------------
json case-new case-change ines case new "Rachid B. — sortie d'hôpital"
CASE=$(jq -r .case "$J/case-new.json")
check "case created" [ "${#CASE}" = 32 ]
json case-add-nurse case-change ines case add "$CASE" "$T/nurse/org.card" --role home-nursing
# (a note the GP will not read until it is granted the history)
json early posted ines note "$CASE" "Avant l'arrivée du médecin"
json case-add-gp case-change ines case add "$CASE" "$T/gp/org.card" --role gp
check "case reaches the GP" wait_for "$SYNC_WAIT" has_entries karim "$CASE" 4
check "case reaches the nurse" wait_for "$SYNC_WAIT" has_entries sophie "$CASE" 4
# (the GP's log before the history is granted: entries written before it joined)
json log-gp-before log karim log "$CASE"
check "... shows an entry written before the GP joined" jq_ok log-gp-before \
	'[.entries[] | select(.state == "before-joined")] | length > 0'

# ref NAME: the short reference of the entry a posting command printed
ref() { jq -r .ref "$J/$1.json"; }

# --- every care kind, with its --json output --------------------------------
json post posted ines post "$CASE" "Retour à domicile ce jour"
json note posted ines note "$CASE" --audience network "Réunion jeudi"
NOTE=$(ref note)
json reply posted sophie note "$CASE" "Bien noté" --reply "$NOTE"
json goal posted ines goal "$CASE" "Ik wil zelf boodschappen doen" --own --worker thuis
json task posted ines task "$CASE" "Wondzorg linkervoet" --owner "thuisverpleging zuid" --due 2030-12-05 --goal "$(ref goal)"
TASK=$(ref task)
json appointment posted karim appointment "$CASE" "Consultation diabète" --at "2030-12-01 10:30" --minutes 30 --where "Cabinet" --with "Dr. El Idrissi" --org huis
json alert posted sophie alert "$CASE" "Val in de badkamer, geen letsel" --to cpas --to huis --priority high
ALERT=$(ref alert)
check "the alert reaches the GP" wait_for "$SYNC_WAIT" c karim show "$CASE" "$ALERT"
json ack posted karim ack "$CASE" "$ALERT" "Ik kom morgen langs"
json ack2 posted ines ack "$CASE" "$ALERT" "Vu"
json handover posted ines handover "$CASE" "Sortie de Saint-Pierre" --from "Hôpital Saint-Pierre" --to "Domicile" --contact cpas --deputy thuis --contact-person "Inès" --isolation isolated --fragility some --network partly-able --told "Suivi infirmier quotidien"
# the contact point takes the handover over (an acknowledgement, as of an alert)
json ack-handover posted ines ack "$CASE" "$(ref handover)" "Reçu: je coordonne"
json consent posted ines consent "$CASE" --grantor "Rachid B." --grantee "Samira B." --role trusted-person --purpose coordination --basis consent --from 2030-01-01 "Sa sœur"
json consult posted ines consult "$CASE" "Qui prend le rôle de personne de contact ?" --invite thuis --invite huis --answer-by 2030-12-10
CONSULT=$(ref consult)
check "the consultation reaches the GP" wait_for "$SYNC_WAIT" c karim show "$CASE" "$CONSULT"
json answer posted karim answer "$CASE" "$CONSULT" "De huisarts"
json decide posted ines decide "$CASE" "$CONSULT" "Le médecin traitant est la personne de contact" --carrier huis --due 2030-12-20
json keep posted ines keep-an-eye "$CASE" --every 14 "Risque de rupture du suivi"
KEEP=$(ref keep)
check "the keep-an-eye reaches the nurse" wait_for "$SYNC_WAIT" c sophie show "$CASE" "$KEEP"
json check-in posted sophie check-in "$CASE" "$KEEP" "Rustig"
# an entry of the social audience: the nursing service and the GP are not in it
json social posted ines note "$CASE" --audience social "Dossier CPAS en cours"
SOCIAL=$(ref social)
# the edited task: done by its owner, then a new due date by its author
check "the task reaches the nurse" wait_for "$SYNC_WAIT" c sophie show "$CASE" "$TASK"
json task-done posted sophie task done "$CASE" "$TASK"
check "the task's second version reaches the CPAS" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' --json show '$CASE' '$TASK' | jq -e '.entry.versions == 2' >/dev/null"
json edit posted ines edit "$CASE" "$TASK" --due 2030-12-06
# the hidden entry
json hide posted ines hide "$CASE" "$NOTE" --reason error --yes
# an erased note: the erasure (kind erase) and the entry left without content
json note-to-erase posted ines note "$CASE" --audience network "Adresse de sa fille: MARKERERASE"
json erase posted ines erase "$CASE" "$(ref note-to-erase)" --reason person-asked --yes
# the people around the person
json person case-change ines case person "$CASE" --role patient --name "Rachid B." \
	--key "$T/rachid/provider.request" --basis own-consent
json person-trusted case-change ines case person "$CASE" --role trusted-person --name "Samira B." \
	--basis written-mandate --until 2031-06-30
check "the person sees the case" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/rachid' --passphrase-file '$T/pp' --json case list | grep -q '$CASE'"
json person-note posted rachid note "$CASE" "Ik voel me beter"
json agenda posted rachid task "$CASE" "Vragen naar de huur" --agenda
json rotate case-change ines case rotate "$CASE"
# everything on every daemon
count3() { a=$(entries_count ines "$CASE"); [ -n "$a" ] && [ "$a" = "$(entries_count sophie "$CASE")" ] && [ "$a" = "$(entries_count karim "$CASE")" ]; }
check "the three daemons hold the same entries" wait_for "$SYNC_WAIT" count3

# --- log, as each reader ------------------------------------------------------
json log-cpas log ines log "$CASE" --all
json log-nurse log sophie log "$CASE" --last 200
json log-gp log karim log "$CASE" --last 200 --verbose
json log-person log rachid log "$CASE" --last 200 --purpose own-request
for k in note goal task appointment alert ack handover consent consultation answer decision keep-an-eye check-in hide; do
	check "log-cpas holds a readable $k" jq_ok log-cpas "[.entries[] | select(.kind == \"$k\" and .readable)] | length > 0"
done
check "log-cpas: an erasure, and the entry it erased" jq_ok log-cpas \
	'([.entries[] | select(.kind == "erase")] | length > 0) and ([.entries[] | select(.state == "erased")] | length > 0)'
check "log-cpas: the erased text is nowhere" sh -c "! grep -q MARKERERASE '$J/log-cpas.json'"
check "log-cpas: a reply" jq_ok log-cpas '[.entries[] | select(.reply_to)] | length > 0'
check "log-cpas: the hidden note" jq_ok log-cpas '[.entries[] | select(.state == "hidden" and .hidden.by)] | length > 0'
check "log-cpas: the edited task" jq_ok log-cpas '[.entries[] | select(.kind == "task" and .edited and .versions == 3)] | length > 0'
check "log-cpas: the acknowledged alert" jq_ok log-cpas '[.entries[] | select(.kind == "alert" and (.acks | length) == 2)] | length > 0'
check "log-cpas: an active keep-an-eye with its next check-in" jq_ok log-cpas '[.entries[] | select(.checkin_due)] | length > 0'
check "log-cpas: the charter's changes" jq_ok log-cpas \
	'[.entries[].kind] | index("case-opened") and index("org-added") and index("people-changed") and index("keys-rotated")'
check "log-cpas: a recorded read" jq_ok log-cpas '.access_record | length == 64'
check "log-nurse: the social note is for an audience the nursing service is not in" \
	jq_ok log-nurse '[.entries[] | select(.state == "audience-not-held")] | length > 0'
check "log-person: a care entry is for an audience the patient's role is not in" \
	jq_ok log-person '[.entries[] | select(.state == "audience-not-for-role")] | length > 0'
json log-task log ines log "$CASE" --kind task --open
RC=1; json log-none log ines log "$CASE" --search NOTHINGLIKETHIS; RC=

# --- show -----------------------------------------------------------------------
json show-task show ines show "$CASE" "$TASK"
check "show-task: the latest version and two earlier ones" jq_ok show-task '.entry.versions == 3 and (.versions | length) == 2'
json show-alert show sophie show "$CASE" "$ALERT"
check "show-alert: both acks refer to it" jq_ok show-alert '[.refs[] | select(.kind == "ack")] | length == 2'
json show-consult show karim show "$CASE" "$CONSULT"
json show-hidden show karim show "$CASE" "$NOTE"
check "show-hidden: hidden, no content" jq_ok show-hidden '.entry.state == "hidden" and .entry.content == null'
json show-social show karim show "$CASE" "$SOCIAL"
json show-keep show ines show "$CASE" "$KEEP"

# --- tasks and alerts ---------------------------------------------------------
json tasks tasks sophie tasks
json tasks-case tasks ines tasks "$CASE"
RC=1; json tasks-none tasks karim tasks --mine; RC=
json alerts alerts ines alerts --all
json alerts-case alerts karim alerts "$CASE" --all
RC=1; json alerts-none alerts karim alerts; RC=

# --- the case list, its network, close and reopen ------------------------------
json case-list case-list ines case list
json case-list-all case-list sophie case list --all --verbose
json case-list-nonames case-list karim case list --no-names
json case-close case-close sophie case close "$CASE"
json case-list-closed case-list sophie case list --all
json case-reopen case-close sophie case reopen "$CASE"
json network network ines network "$CASE"
check "network: the people recorded" jq_ok network '(.people | length) == 2'

# --- who reads what -------------------------------------------------------------
json audit audit ines audit "$CASE" --all
check "audit: access records" jq_ok audit '(.records | length) > 0 and all(.records[]; .kind == "access")'
json audit-gp audit karim audit "$CASE"

# --- status, peers ---------------------------------------------------------------
json status status ines status
json status-person status rachid status
json peers peers ines peers

# --- the history granted, a provider key revoked, then watch --------------------
json grant case-change ines case grant "$CASE" "$T/gp/org.card"
KID=$("$B/cahierd" provider list -d "$T/gp" | sed -n 's/^Dr. Lotte Maes.*key \([0-9a-f]*\).*/\1/p')
check "the second GP's key revoked" sh -c "'$B/cahierd' provider revoke -d '$T/gp' $KID --yes >/dev/null"
revoked() { c ines --json log "$CASE" --last 20 2>/dev/null | jq -e '[.entries[].kind] | index("provider-revoked")' >/dev/null; }
check "the revocation is announced in the case" wait_for $((SYNC_WAIT + 10)) revoked
granted() { c karim --json log "$CASE" --last 200 2>/dev/null | jq -e '[.entries[].kind] | index("history-granted")' >/dev/null; }
check "the GP reads the grant" wait_for "$SYNC_WAIT" granted
json log-gp-after log karim log "$CASE" --all
json log-cpas-after log ines log "$CASE" --all
check "log-cpas-after: history-granted and provider-revoked" jq_ok log-cpas-after \
	'[.entries[].kind] | index("history-granted") and index("provider-revoked")'
check "watch --json: one entry per line" out watch ines watch "$CASE" --last 30 --for 1
check "watch: matches docs/schema/watch.json, line by line" valid watch watch --lines
check "watch: more than 20 lines" [ "$(wc -l <"$J/watch.json" | tr -d ' ')" -gt 20 ]

done_testing
