#!/bin/sh
# t89-fhir.sh - cahier export CASE --fhir: the notebook as a FHIR R4 Bundle.
# Two of DOMAIN.md's cases, around three organizations (a CPAS, a home
# nursing service, a GP practice): Youssef El Amrani — يوسف العمراني,
# homeless with diabetes, kept an eye on (case 3), and Maria Peeters-Lefèvre,
# 70, at home, with her daughter as trusted person (case 2). Each bundle,
# exported by a social worker, a GP, a nurse and the person herself, is
# validated by FHIR.js (the npm package "fhir", pinned in tests/fhir/,
# run by node: tests/fhir/validate.js), and fails on any error it reports;
# then jq checks what it holds: resource counts, the person's name with
# its Arabic and accented letters, statuses, an AuditEvent per access
# record, a medical note absent for the social worker and present for the
# GP, a hidden entry marked hidden without its text, others' hostile text
# inert, ids stable from one export to the next. The export is a read:
# 'cahier audit CASE --action export' shows it, with exactly the entries
# it holds.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/.." && pwd)
FHIR=$TOP/tests/fhir
SID=https://cahier.example/fhir/sid
CS=https://cahier.example/fhir/CodeSystem
if ! command -v jq >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1 ||
	! command -v npm >/dev/null 2>&1; then
	not_ok "jq, node and npm are installed (sh scripts/deps.sh)"
	done_testing
	exit 1
fi
# FHIR.js, the version tests/fhir/package.json and package-lock.json pin
# (scripts/deps.sh installs it; a fresh tree gets it here)
want=$(sed -n 's/^ *"fhir": "\([^"]*\)".*/\1/p' "$FHIR/package.json")
fhirjs() { node -p "require('$FHIR/node_modules/fhir/package.json').version" 2>/dev/null; }
if [ "$(fhirjs)" != "$want" ]; then
	diag "installing FHIR.js $want into tests/fhir/node_modules (npm ci)"
	(cd "$FHIR" && npm ci --no-audit --no-fund >"$T/npm.log" 2>&1) || diag_tail "$T/npm.log" 10
fi
if [ -z "$want" ] || [ "$(fhirjs)" != "$want" ]; then
	not_ok "FHIR.js $want is installed in tests/fhir (cd tests/fhir && npm ci)"
	done_testing
	exit 1
fi

# valid FILE: FHIR.js finds no error in the bundle (its warnings, and the
# validator's own checks, as diagnostics)
valid() {
	node "$FHIR/validate.js" "$1" >"$1.valid" 2>&1; v_rc=$?
	sed 's/^/# /' "$1.valid" >&2
	return $v_rc
}
# jqt FILE FILTER: the filter is true of FILE
jqt() { jq -e "$2" "$1" >/dev/null; }
# count FILE TYPE: how many resources of TYPE the bundle holds
count() { jq "[.entry[].resource | select(.resourceType == \"$2\")] | length" "$1"; }
# held FILE: the entries the bundle holds, as the access records count them:
# the AuditEvents, the resources made from an entry (its id as identifier),
# the keep-an-eyes and check-ins in the CarePlan, and the charter (1)
held() {
	jq "([.entry[].resource | select(.resourceType == \"AuditEvent\")] | length) as \$a |
	([.entry[].resource | select(any(.identifier[]?; .system == \"$SID/entry\"))] | length) as \$e |
	([.entry[].resource | select(.resourceType == \"CarePlan\") | .activity[]? | select(.detail)] | length) as \$k |
	([.entry[].resource | select(.resourceType == \"CarePlan\") | .activity[]?.progress[]?] | length) as \$p |
	\$a + \$e + \$k + \$p + 1" "$1"
}
# export HOME CASE FILE [ARGS]: HOME exports CASE to FILE; stderr in FILE.err
export_to() {
	e_h=$1 e_c=$2 e_f=$3; shift 3
	c "$e_h" export "$e_c" --fhir --out "$e_f" "$@" >"$e_f.out" 2>"$e_f.err" || { diag_tail "$e_f.err" 5; return 1; }
}
# exported FILE: the entries the export said it held (its line on stderr)
exported() { sed -n 's/^exported \([0-9]*\) entr.*/\1/p' "$1.err"; }

CPAS="CPAS d'Anderlecht — service social"
NURSE="Thuisverpleging Brussel-Zuid"
GP="Huisartsenpraktijk Kuregem"
YOUSSEF="Youssef El Amrani — يوسف العمراني"
MARIA="Maria Peeters-Lefèvre"
mkorg cpas "$CPAS" 1
mkorg nurse "$NURSE" 2
mkorg gp "$GP" 3
check "cards exchanged with fingerprints checked" mesh cpas nurse gp
check "social worker at the CPAS" mkprov cpas ines "Inès Dubois" social-worker
check "home nurse" mkprov nurse sophie "Sophie Lambert" home-nurse
check "GP" mkprov gp karim "Dr. Karim El Idrissi" gp
check "Youssef, certified by the CPAS" mkprov cpas youssef "$YOUSSEF" patient
check "Maria, certified by the nursing service" mkprov nurse maria "$MARIA" patient
check "her daughter, certified by the nursing service" mkprov nurse an "An Peeters" trusted-person
for o in cpas nurse gp; do start $o || exit 1; done

# field JSON KEY: the value of "KEY":"string" in one line of JSON
field() { printf '%s' "$1" | sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p"; }

# --- case 3: Youssef -------------------------------------------------------
C3=$(c ines case new "$YOUSSEF" 2>/dev/null)
check "case 3 opened by the CPAS" [ "${#C3}" = 32 ]
check "nursing service added" c ines case add "$C3" "$T/nurse/org.card" --role home-nursing
check "GP practice added" c ines case add "$C3" "$T/gp/org.card" --role gp
check "Youssef listed as the person" c ines case person "$C3" --role patient --name "$YOUSSEF" \
	--key "$T/youssef/provider.request" --basis own-consent
check "the case reaches the nurse and the GP" wait_for "$SYNC_WAIT" sh -c \
	"[ \"\$('$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' case list 2>/dev/null | grep -c 'El Amrani')\" = 1 ] &&
	 [ \"\$('$B/cahier' --home '$T/karim' --passphrase-file '$T/pp' case list 2>/dev/null | grep -c 'El Amrani')\" = 1 ]"
check "a note in French" c ines note "$C3" "Vu au centre de jour avec un interprète. Il refuse l'hébergement d'urgence."
J=$(c ines --json keep-an-eye "$C3" --every 14 "Weigert voorlopig elke tussenoplossing" 2>/dev/null)
KEEP=$(field "$J" ref)
check "kept an eye on, every 14 days" [ ${#KEEP} = 8 ]
check "the nurse checks in" wait_for "$SYNC_WAIT" c sophie check-in "$C3" "$KEEP" "Glycemie 2,1 g/l, voeten in orde."
J=$(c sophie --json task "$C3" "Glucosemeter meegeven" --owner thuis --due 2030-12-05 2>/dev/null)
TASK=$(field "$J" ref); TASKID=$(field "$J" entry)
check "a task for the nursing service" [ ${#TASK} = 8 ]
check "the task done" c sophie task done "$C3" "$TASK"
check "a task still open, for the CPAS" c ines task "$C3" "Afspraak op de ambassade voorbereiden" --owner cpas
check "an appointment at the GP's" wait_for "$SYNC_WAIT" c karim appointment "$C3" "Consultation diabète" \
	--at "2030-12-01 10:30" --minutes 30 --where "Cabinet Kuregem" --org huis
check "a medical note the social worker's role does not read" \
	c karim note "$C3" --audience medical "HbA1c 9,1 %; insuline voorgesteld, geweigerd. MEDMARK"
check "a shared goal" c ines goal "$C3" "Un titre de séjour et un logement" --shared --worker cpas --worker thuis
check "his own goal, by himself" c youssef goal "$C3" "Je veux mes papiers" --own
HOSTILE=$(printf '<script>alert(1)</script> \033[31mROOD\033[0m \342\200\256lam\007 & "quoted" '"'"'s')
check "a note with markup and control characters" c sophie note "$C3" "$HOSTILE"
J=$(c sophie --json note "$C3" "Ruzie met de buren over de sleutel. HIDEMARK" 2>/dev/null)
HID=$(field "$J" ref); HIDID=$(field "$J" entry)
check "a note hidden at his request" c sophie hide "$C3" "$HID" --reason asked --yes
# every daemon holds every entry: the same count at each (case list
# --no-names reads nothing)
synced() {
	s_a=$(entries_count ines "$1"); s_b=$(entries_count sophie "$1"); s_c=$(entries_count karim "$1")
	[ -n "$s_a" ] && [ "$s_a" = "$s_b" ] && [ "$s_a" = "$s_c" ]
}
check "the three daemons hold the same entries of case 3" wait_for "$SYNC_WAIT" synced "$C3"

# the social worker's export, and what the audit listed just before it
A=$T/audit3.json
c ines --json audit "$C3" --all >"$A" 2>/dev/null
E1=$T/youssef-ines.json
check "the social worker exports case 3 (--out)" export_to ines "$C3" "$E1"
check "... FHIR.js finds no error in it" valid "$E1"
# broken WHAT FILTER PATTERN: the bundle changed by the jq FILTER is refused
# by the validator, which says PATTERN: it can fail
broken() {
	jq "$2" "$E1" >"$T/broken.json" || return 1
	! node "$FHIR/validate.js" "$T/broken.json" >"$T/broken.out" 2>&1 && grep -q "$3" "$T/broken.out" ||
		{ diag "the validator on a bundle with $1 said:"; diag_tail "$T/broken.out" 5; return 1; }
}
check "... and it fails a bundle with a Task status FHIR does not know" \
	broken "a wrong status" '(.entry[] | select(.resource.resourceType == "Task") | .resource.status) |= "bogus"' \
	'FHIR.js error: .*Task.status: Code "bogus" not found in value set'
check "... with an element FHIR does not define" \
	broken "an unknown element" '(.entry[] | select(.resource.resourceType == "Patient") | .resource.nickname) |= "x"' \
	'FHIR.js error: .*Unexpected property'
check "... with a required element missing" \
	broken "no Goal.description" 'del(.entry[] | select(.resource.resourceType == "Goal") | .resource.description)' \
	'FHIR.js error: .*Goal.*description.*Missing property'
check "... with a reference to no entry of the bundle" \
	broken "a dangling reference" '(.entry[] | select(.resource.resourceType == "Task") | .resource.for.reference) |= "urn:uuid:00000000-0000-8000-8000-000000000000"' \
	'no entry urn:uuid:00000000-0000-8000-8000-000000000000 in the bundle'
check "... the file is the owner's only (0600)" [ "$(stat -c %a "$E1")" = 600 ]
check "... nothing on stdout with --out" [ ! -s "$E1.out" ]
check "... a Bundle of type collection, with a timestamp" \
	jqt "$E1" '.resourceType == "Bundle" and .type == "collection" and (.timestamp | test("^20[0-9][0-9]-"))'
check "... one Patient, one CareTeam, one CarePlan" sh -c \
	"[ $(count "$E1" Patient) = 1 ] && [ $(count "$E1" CareTeam) = 1 ] && [ $(count "$E1" CarePlan) = 1 ]"
check "... the person's name, Arabic and accents intact" \
	jqt "$E1" "[.entry[].resource | select(.resourceType == \"Patient\") | .name[0].text] == [\"$YOUSSEF\"]"
check "... two Goals (his own, expressed by him; a shared one, worked on by two organizations)" \
	jqt "$E1" '[.entry[].resource | select(.resourceType == "Goal")] | length == 2 and
	(map(select(.category[0].coding[0].code == "own")) | .[0].expressedBy.type == "Patient") and
	(map(select(.category[0].coding[0].code == "shared")) | .[0].extension | length == 2)'
check "... two Tasks: the done one completed, the other ready" \
	jqt "$E1" "[.entry[].resource | select(.resourceType == \"Task\") | .status] | sort == [\"completed\", \"ready\"]"
check "... the done task: its entry id, 2 versions, due 2030-12-05 (local)" \
	jqt "$E1" ".entry[].resource | select(.resourceType == \"Task\" and .identifier[0].value == \"$TASKID\") |
	.status == \"completed\" and .meta.versionId == \"2\" and (.restriction.period.end | startswith(\"2030-12-0\"))"
check "... one Appointment, booked, 30 minutes" \
	jqt "$E1" '[.entry[].resource | select(.resourceType == "Appointment")] | length == 1 and .[0].status == "booked" and .[0].minutesDuration == 30'
check "... the keep-an-eye in the CarePlan, every 14 days, with the nurse's check-in" \
	jqt "$E1" '.entry[].resource | select(.resourceType == "CarePlan") | [.activity[] | select(.detail)] |
	length == 1 and .[0].detail.scheduledTiming.repeat.period == 14 and (.[0].progress | length == 1) and
	(.[0].progress[0].text | contains("voeten in orde"))'
check "... the CarePlan lists the tasks, the appointment and the goals" \
	jqt "$E1" '.entry[].resource | select(.resourceType == "CarePlan") |
	([.activity[].reference.type | select(.)] | sort == ["Appointment", "Task", "Task"]) and (.goal | length == 2)'
check "... the medical note is absent" sh -c "! grep -q MEDMARK '$E1' && ! grep -q HbA1c '$E1'"
check "... two notes as Communications (the French one, the hostile one), no other" \
	jqt "$E1" '[.entry[].resource | select(.resourceType == "Communication")] | length == 2'
check "... the hidden note is marked hidden, by its entry id, without its text" sh -c \
	"jq -e '[.entry[].resource | select(.resourceType == \"Basic\" and .code.coding[0].code == \"hidden\" and
	.identifier[0].value == \"$HIDID\" and .meta.security[0].code == \"REDACTED\")] | length == 1' '$E1' >/dev/null &&
	! grep -q HIDEMARK '$E1'"
jqa() { jq -e --arg h "$HOSTILE" "$2" "$1" >/dev/null; }
check "... the hostile note comes out whole when the JSON is read" \
	jqa "$E1" '[.entry[].resource | select(.resourceType == "Communication") | .payload[0].contentString] | index($h) != null'
check "... and inert in the file: no markup, no escape, no bidi or C0 control as such" sh -c \
	"! grep -q '<script>' '$E1' && ! grep -q \"\$(printf '\\033')\" '$E1' &&
	! grep -q \"\$(printf '\\342\\200\\256')\" '$E1' && ! grep -q \"\$(printf '\\007')\" '$E1' &&
	grep -q '\\\\u003cscript\\\\u003e' '$E1' && grep -q '\\\\u202e' '$E1'"
check "... the Arabic letters are in the file as they are" grep -q "يوسف العمراني" "$E1"
n=$(jq '.records | length' "$A")
check "... an AuditEvent per access record: the $n the audit listed before, and that read of the audit" \
	sh -c "[ '$n' -gt 5 ] && [ $(count "$E1" AuditEvent) = $((n + 1)) ]"
check "... each record the audit listed is an AuditEvent: same reader, action and time" sh -c \
	"jq -r '.records[] | [.reader, .action, .read_at] | @tsv' '$A' | sort >'$T/a.tsv' &&
	jq -r '.entry[].resource | select(.resourceType == \"AuditEvent\") | [.agent[0].name, .subtype[0].code, .recorded] | @tsv' '$E1' |
	sort >'$T/e.tsv' && [ -z \"\$(comm -23 '$T/a.tsv' '$T/e.tsv')\" ]"
check "... the CareTeam: the three organizations with their roles, the CPAS managing it" \
	jqt "$E1" ".entry[].resource | select(.resourceType == \"CareTeam\") |
	([.participant[] | select(.member.type == \"Organization\") | [.member.display, .role[0].coding[0].code]] | sort ==
	 ([[\"$CPAS\", \"coordination\"], [\"$NURSE\", \"home-nursing\"], [\"$GP\", \"gp\"]] | sort))
	and .managingOrganization[0].display == \"$CPAS\""
check "... and the providers who wrote, for their organization" \
	jqt "$E1" '.entry[].resource | select(.resourceType == "CareTeam") |
	[.participant[] | select(.member.type == "Practitioner") | .member.display] | sort == ["Dr. Karim El Idrissi", "Inès Dubois", "Sophie Lambert"]'
check "... roles coded in the project's code system" \
	jqt "$E1" ".entry[].resource | select(.resourceType == \"CareTeam\") | [.participant[].role[]?.coding[0].system] | unique == [\"$CS/role\"]"

# the export is a read, recorded as an export
X=$T/exports3.json
c ines --json audit "$C3" --all --action export >"$X" 2>/dev/null
check "cahier audit --action export shows the social worker's export" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' audit '$C3' --action export 2>/dev/null |
	grep 'Inès Dubois (social-worker)' | grep -q 'export'"
check "... two reads: the notebook and the care network, both recorded as export" \
	jqt "$X" '[.records[] | select(.reader == "Inès Dubois" and .action == "export")] | length == 2'
rec=$(jq '[.records[] | select(.reader == "Inès Dubois" and .action == "export") | .entries] | add' "$X")
check "... the records list exactly the entries the bundle holds ($rec, $(exported "$E1"), $(held "$E1"))" sh -c \
	"[ '$rec' -gt 10 ] && [ '$rec' = '$(exported "$E1")' ] && [ '$rec' = '$(held "$E1")' ]"

# the GP's export: his role reads the medical note
E2=$T/youssef-karim.json
check "the GP exports case 3 (to stdout)" sh -c "'$B/cahier' --home '$T/karim' --passphrase-file '$T/pp' \
	export '$C3' --fhir >'$E2' 2>'$E2.err'"
check "... FHIR.js finds no error in it" valid "$E2"
check "... the medical note is there, for the medical audience" \
	jqt "$E2" '[.entry[].resource | select(.resourceType == "Communication") |
	select(.payload[0].contentString | contains("MEDMARK")) | .meta.security[0].code] == ["medical"]'
check "... same ids as in the social worker's export (Patient, CareTeam, Tasks, Goals)" sh -c \
	"[ \"\$(jq -c '[.entry[].resource | select(.resourceType | IN(\"Patient\", \"CareTeam\", \"CarePlan\", \"Task\", \"Goal\", \"Appointment\")) | .id] | sort' '$E1')\" = \
	   \"\$(jq -c '[.entry[].resource | select(.resourceType | IN(\"Patient\", \"CareTeam\", \"CarePlan\", \"Task\", \"Goal\", \"Appointment\")) | .id] | sort' '$E2')\" ]"
check "... a bundle of its own (another Bundle id)" sh -c "[ \"\$(jq -r .id '$E1')\" != \"\$(jq -r .id '$E2')\" ]"
E3=$T/youssef-ines-again.json
check "the social worker exports again: the same ids" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' export '$C3' --fhir --out '$E3' 2>/dev/null &&
	[ \"\$(jq -c '[.entry[].resource | select(.resourceType != \"AuditEvent\") | .id] | sort' '$E1')\" = \
	  \"\$(jq -c '[.entry[].resource | select(.resourceType != \"AuditEvent\") | .id] | sort' '$E3')\" ]"
E4=$T/youssef-since.json
check "--since a day to come: no entry, the person and the care network only" \
	export_to ines "$C3" "$E4" --since 2099-01-01
check "... valid too" valid "$E4"
check "... Patient, CareTeam, CarePlan and the organizations; no Task, Communication or AuditEvent" \
	jqt "$E4" '[.entry[].resource.resourceType] | (index("Task") == null) and (index("Communication") == null) and
	(index("AuditEvent") == null) and (index("Patient") != null) and (index("CareTeam") != null)'
check "... the records list 1 entry (the charter), as the export says" sh -c "[ '$(exported "$E4")' = 1 ]"
check "an unknown option is refused" fails 2 "unknown option '--pdf'" c ines export "$C3" --fhir --pdf
check "--since takes a date" fails 2 "not a date: 'tomorrow'" c ines export "$C3" --fhir --since tomorrow
check "--help describes the options" sh -c "'$B/cahier' export --fhir --help | grep -q -- '--since DATE'"

# --- case 2: Maria ---------------------------------------------------------
C2=$(c sophie case new "Mevrouw $MARIA" 2>/dev/null)
check "case 2 opened by the nursing service" [ "${#C2}" = 32 ]
check "CPAS added (family help)" c sophie case add "$C2" "$T/cpas/org.card" --role family-help
check "GP practice added" c sophie case add "$C2" "$T/gp/org.card" --role gp
check "Maria listed as the person" c sophie case person "$C2" --role patient --name "$MARIA" \
	--key "$T/maria/provider.request" --basis own-consent
check "her daughter designated trusted person, in writing, until 2027-06-30" c sophie case person "$C2" \
	--role trusted-person --name "An Peeters" --key "$T/an/provider.request" --basis written-mandate --until 2027-06-30
check "the case reaches the GP" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/karim' --passphrase-file '$T/pp' case list 2>/dev/null | grep -q 'Peeters'"
check "her own goal, by herself" c maria goal "$C2" "Ik wil in mijn buurt blijven wonen, met mijn kat." --own
J=$(c sophie --json alert "$C2" "Gevallen in de keuken, pijn in de heup" --to huis --to cpas --priority high 2>/dev/null)
ALERT=$(field "$J" ref)
check "an alert to the GP and the CPAS" [ ${#ALERT} = 8 ]
check "the GP acknowledges it" wait_for "$SYNC_WAIT" c karim ack "$C2" "$ALERT" "Huisbezoek vanmiddag"
check "the consent, written down" c sophie consent "$C2" --grantor "$MARIA" --grantee "An Peeters" \
	--role trusted-person --purpose coordination --basis mandate --from 2026-01-01 --until 2027-06-30 "Haar dochter"
check "a handover to the network's contact point (the nurse, the GP as deputy)" c sophie handover "$C2" \
	"Terug thuis na de val" --from "Hôpital Saint-Pierre" --to Domicile --contact thuis --deputy huis \
	--isolation partly-isolated --fragility marked --network partly-able
J=$(c sophie --json consult "$C2" "Wie wordt het aanspreekpunt?" --invite huis --invite cpas --answer-by 2030-12-10 2>/dev/null)
CONS=$(field "$J" ref)
check "a consultation" [ ${#CONS} = 8 ]
check "the GP answers it" wait_for "$SYNC_WAIT" c karim answer "$C2" "$CONS" "De thuisverpleging, ik vervang."
check "the decision" wait_for "$SYNC_WAIT" c sophie decide "$C2" "$CONS" "De thuisverpleging is aanspreekpunt" --carrier thuis
check "the three daemons hold the same entries of case 2" wait_for "$SYNC_WAIT" synced "$C2"

E5=$T/maria-sophie.json
check "the nurse exports case 2" export_to sophie "$C2" "$E5"
check "... FHIR.js finds no error in it" valid "$E5"
check "... the person's name with its accent" \
	jqt "$E5" "[.entry[].resource | select(.resourceType == \"Patient\") | .name[0].text] == [\"$MARIA\"]"
check "... her own goal, expressed by her" \
	jqt "$E5" '[.entry[].resource | select(.resourceType == "Goal")] | length == 1 and .[0].expressedBy.type == "Patient" and .[0].lifecycleStatus == "active"'
check "... the alert: FHIR's alert category, urgent, to two organizations; the ack answers it" \
	jqt "$E5" '[.entry[].resource | select(.resourceType == "Communication")] |
	(map(select(.category[0].coding[0].code == "alert")) | length == 1 and .[0].priority == "urgent" and (.[0].recipient | length == 2)) and
	(map(select(.category[0].coding[0].code == "alert")) | .[0].id) as $a |
	(map(select(.category[0].coding[0].code == "ack")) | .[0].inResponseTo[0].reference == "urn:uuid:" + $a)'
check "... the answer and the decision answer the consultation" \
	jqt "$E5" '[.entry[].resource | select(.resourceType == "Communication")] |
	(map(select(.category[0].coding[0].code == "consultation")) | .[0].id) as $c |
	[.[] | select(.category[0].coding[0].code == "answer" or .category[0].coding[0].code == "decision") | .inResponseTo[0].reference] == ["urn:uuid:" + $c, "urn:uuid:" + $c]'
check "... her daughter: a RelatedPerson, trusted person until 2027-06-30" \
	jqt "$E5" '[.entry[].resource | select(.resourceType == "RelatedPerson")] | length == 1 and .[0].name[0].text == "An Peeters" and
	.[0].relationship[0].coding[0].code == "trusted-person" and (.[0].period.end | startswith("2027-06-"))'
check "... two Consents: the designation of the charter, and the consent entry" \
	jqt "$E5" "[.entry[].resource | select(.resourceType == \"Consent\")] | length == 2 and
	all(.[]; .status == \"active\" and .scope.coding[0].code == \"patient-privacy\" and .policyRule.coding[0].code == \"written-mandate\") and
	(map(select(.identifier)) | .[0].provision.purpose | map(.code) == [\"CAREMGT\", \"coordination\"])"
check "... the contact point and deputy of the handover, in the CareTeam" \
	jqt "$E5" ".entry[].resource | select(.resourceType == \"CareTeam\") | .participant |
	(map(select(.member.display == \"$NURSE\")) | .[0].role | map(.coding[0].code) | index(\"contact-point\") != null) and
	(map(select(.member.display == \"$GP\")) | .[0].role | map(.coding[0].code) | index(\"deputy-contact-point\") != null)"
check "... the vulnerability screen of the handover" \
	jqt "$E5" '[.entry[].resource | select(.resourceType == "Communication" and .category[0].coding[0].code == "handover") |
	.payload[].contentString | select(startswith("Vulnerability screen"))] == ["Vulnerability screen: isolation partly-isolated; psychosocial fragility marked; ability to mobilise a network partly-able"]'

E6=$T/maria-herself.json
check "Maria exports her own notebook" export_to maria "$C2" "$E6"
check "... FHIR.js finds no error in it" valid "$E6"
check "... her name, from her own certificate" \
	jqt "$E6" "[.entry[].resource | select(.resourceType == \"Patient\") | .name[0].text] == [\"$MARIA\"]"
check "... the organizations of her care network by name" \
	jqt "$E6" ".entry[].resource | select(.resourceType == \"CareTeam\") | [.participant[] | select(.member.type == \"Organization\") | .member.display] | sort == ([\"$CPAS\", \"$NURSE\", \"$GP\"] | sort)"
check "... who read her notebook: AuditEvents, her own export among the records the nurse's export left" \
	jqt "$E6" '[.entry[].resource | select(.resourceType == "AuditEvent" and .subtype[0].code == "export")] | length >= 2'
check "... her reads are made at her own request (PATRQT)" sh -c \
	"'$B/cahier' --home '$T/maria' --passphrase-file '$T/pp' --json audit '$C2' --all --action export >'$T/m.json' 2>/dev/null;
	jq -e '[.records[] | select(.reader == \"$MARIA\" and .purpose == \"own-request\")] | length == 1' '$T/m.json' >/dev/null"
check "the nurse's audit shows Maria's export" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' audit '$C2' --action export 2>/dev/null | grep -q 'Maria Peeters-Lefèvre (patient)'"
check "the person's report says she exported entries" sh -c \
	"'$B/cahier' --home '$T/maria' --passphrase-file '$T/pp' audit '$C2' --for-person 2>/dev/null | grep -q 'exported [0-9]* entries of your notebook'"

# --- a notebook of more than one page ------------------------------------
# Case 1's man of 40, whose notebook is long: 1100 notes, generated straight
# into the CPAS's store (tests/tools/bench_gen, its daemon stopped). The
# export reads it in two pages, each recorded; the second page holds the
# record of the first.
C1=$(c ines case new "Pieter de Vries" 2>/dev/null)
check "case 1 opened, at the CPAS alone" [ "${#C1}" = 32 ]
check "Pieter listed as the person" c ines case person "$C1" --role patient --name "Pieter de Vries" --basis own-consent
stop cpas
check "1100 notes written into the CPAS's store" sh -c \
	"'$B/tests/tools/bench_gen' '$T/cpas' '$T/orgpass' '$T/ines' '$T/pp' '$C1' 1100 >'$T/gen.log' 2>&1"
start cpas || exit 1
E7=$T/pieter.json
check "the social worker exports it" export_to ines "$C1" "$E7"
check "... FHIR.js finds no error in it" valid "$E7"
check "... every note is there" sh -c "[ $(count "$E7" Communication) = 1100 ]"
check "... the second page holds the record of the first" \
	jqt "$E7" '[.entry[].resource | select(.resourceType == "AuditEvent" and .subtype[0].code == "export")] | length == 1'
X1=$T/exports1.json
c ines --json audit "$C1" --all --action export >"$X1" 2>/dev/null
rec=$(jq '[.records[] | .entries] | add' "$X1")
check "... three reads recorded as export: two pages and the care network" jqt "$X1" '.records | length == 3'
check "... the records list exactly the entries the bundle holds ($rec, $(exported "$E7"), $(held "$E7"))" sh -c \
	"[ '$rec' -gt 1100 ] && [ '$rec' = '$(exported "$E7")' ] && [ '$rec' = '$(held "$E7")' ]"

stop_all
done_testing
