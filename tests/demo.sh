#!/bin/sh
# demo.sh - cahier end to end, told for a newcomer: the three cases of
# DOMAIN.md (invented names), five organizations of a Brussels care network,
# five real daemons on 127.0.0.1, one shared notebook per case that syncs by
# itself, every read recorded, nothing readable at rest.
# Run by 'make demo'; BUILD names the build directory (default: build).
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case ${BUILD:=build} in /*) B=$BUILD ;; *) B=$ROOT/$BUILD ;; esac
[ -x "$B/cahierd" ] && [ -x "$B/cahier" ] || { echo "demo: no binaries in $B (run 'make BUILD=$BUILD all')" >&2; exit 2; }
LIB_TAP=0                           # a demo, not a test: no TAP lines
. "$ROOT/tests/lib.sh"              # sets T (work dir), PORT_BASE, wait_for, start
SYNC_MS=300
ORGS="coord nurse gp cpas hosp"
HOMES="ann els helene ines claire pieter"

cleanup() {
	trap - EXIT
	for h in $HOMES; do [ -S "$T/$h/agent.sock" ] && cahier --home "$h" lock >/dev/null 2>&1; done
	stop_all
	if [ -n "$KEEP" ]; then echo "(work directory kept: $T)"; else rm -rf "$T"; fi
}
fail() {
	echo "demo: FAILED: $*" >&2
	[ -s "$T/out" ] && { echo "--- the last command printed:" >&2; cat "$T/out" "$T/err" >&2; }
	for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }; done
	exit 1
}
trap 'exit 130' INT TERM
cd "$T" || exit 2
export PATH="$B:$PATH" CAHIER_PASSPHRASE_FILE="$T/pp"
START_MS=$(($(date +%s%N) / 1000000))

# show [-q] CMD...: print the command, run it, print its output indented
# (stdout, then stderr; with -q, stderr only).
show() {
	q=; [ "$1" = -q ] && { q=1; shift; }
	printf '  $'
	for _w in "$@"; do case $_w in *[\ \']*) printf ' "%s"' "$_w" ;; *) printf ' %s' "$_w" ;; esac; done
	echo
	"$@" >"$T/out" 2>"$T/err"; rc=$?
	{ [ -n "$q" ] || cat "$T/out"; cat "$T/err"; } | sed 's/^/      /'
	return $rc
}
section() { echo; echo "== $1"; echo "$2" | fold -s -w 78 | sed 's/ *$//'; }
say() { echo "$*" | fold -s -w 78 | sed 's/ *$//'; }
ms() { echo $(($(date +%s%N) / 1000000)); }
name() { sed -n 's/^name = //p' "$T/$1/cahierd.conf"; }
fpr_of() { cahierd card -d "$1" 2>&1 >/dev/null | sed -n 's/.*fingerprint: //p'; }
# ref: the short reference of what the last shown command posted
# ("posted KIND REF" is its first line)
ref() {
	r=$(sed -n '1s/^posted .* \([a-z2-7]\{8\}\)$/\1/p' "$T/out")
	[ -n "$r" ] || fail "no reference in: $(head -n 1 "$T/out")"
	echo "$r"
}
# as HOME CMD...: show cahier --home HOME CMD..., fail when it fails
as() { h=$1; shift; show cahier --home "$h" "$@" || fail "cahier --home $h $*"; }
# has TEXT: the last shown command printed TEXT (else the demo fails)
has() { grep -qF -- "$1" "$T/out" || fail "expected \"$1\" in the output above"; }
# entries HOME CASE: the entries HOME's daemon holds in CASE
entries() { cahier --home "$1" --json case list --all --no-names 2>/dev/null |
	sed -n "s/.*\"case\":\"$2\"[^}]*\"entries\":\([0-9]*\).*/\1/p"; }
# converged CASE HOME...: every HOME's daemon holds as many entries of CASE
converged() {
	cv_c=$1; shift; cv_n=$(entries "$1" "$cv_c"); [ -n "$cv_n" ] || return 1
	for h in "$@"; do [ "$(entries "$h" "$cv_c")" = "$cv_n" ] || return 1; done
}
# synced N: every member of case N holds the same entries (waits; lists
# ids and counts only, so the wait itself reads nothing and records nothing)
synced() {
	eval "sy_id=\$ID$1 sy_m=\$M$1"
	wait_for -w "case $1 to converge on $sy_m" "$SYNC_WAIT" converged "$sy_id" $sy_m ||
		fail "case $1 did not converge"
}
launch() {
	start "$1" || fail "the daemon of $1 did not start"
	echo "      $(sed -n 's/.* info: \(.* ready: .*\)/\1/p' "$T/$1.log" | tail -n 1)"
}
day() { date -d "+$1 days" +%F; }

C1="Pieter de Vries (40)"
C2="Maria Peeters (70), Kuregem"
C3="Youssef El Amrani — يوسف العمراني"
# the providers (homes) of each case's member organizations
M1="ann claire helene ines pieter" M2="ann els helene ines" M3="ann ines els"

echo "cahier demo: the shared care notebooks of three people in Brussels"
echo "(work directory $T; five daemons, each listening on 127.0.0.1 only)"

# --------------------------------------------------------------------------
section "1. Five organizations, five daemons" \
"Each organization of the care network runs its own daemon, with its own signing key sealed by a passphrase. Here: a coordination service, a home-nursing service, a GP practice, the social service of a CPAS (OCMW) whose family helpers visit at home, and the social service of a hospital."
i=0
for o in "coord|Zorgcoördinatie Brussel" "nurse|Thuisverpleging Brussel-Zuid" \
	"gp|Groepspraktijk Kuregem" "cpas|CPAS d'Anderlecht — service social et aide familiale" \
	"hosp|Hôpital du Canal — service social"; do
	i=$((i + 1))
	show cahierd init -d "${o%%|*}" --name "${o#*|}" --endpoint "tcp://127.0.0.1:$((PORT_BASE + i))" \
		--sync-ms $SYNC_MS --passphrase-file orgpass || fail "cahierd init ${o%%|*}"
done

section "2. They trust each other's cards, checked by phone" \
"An organization's card is public; the six groups of digits read aloud on the phone prove whose it is. Each of the five imports the four others (one shown, the others alike); a wrong fingerprint is refused."
show cahierd peer add -d nurse gp/org.card --fingerprint "$(fpr_of gp)" || fail "peer add"
for a in $ORGS; do for b in $ORGS; do
	[ $a = $b ] || [ "$a$b" = nursegp ] ||
		cahierd peer add -d $a $b/org.card --fingerprint "$(fpr_of $b)" >/dev/null 2>&1 || fail "peer add $a $b"
done; done
echo "      (and 19 more imports, each with its fingerprint checked)"
show cahierd peer add -d gp hosp/org.card --fingerprint "12345 12345 12345 12345 12345 12345" &&
	fail "a wrong fingerprint was accepted"

section "3. Each organization certifies its providers; the patient of case 1 gets a key too" \
"A provider makes a key on their own device; the organization signs a certificate with their name and role, which appear on every entry they write. The coordination service also certifies Pieter de Vries himself (role patient): the person is the first point of contact and may read and write in his own notebook."
for p in "coord|ann|Ann Verstraeten|coordinator" "nurse|els|Els Janssens|home-nurse" \
	"gp|helene|Dr. Hélène Martin|gp" "cpas|ines|Inès Dubois|social-worker" \
	"hosp|claire|Claire Dumont|social-worker" "coord|pieter|Pieter de Vries|patient"; do
	IFS='|' read -r org home who role <<EOF
$p
EOF
	cahier --home $home init >/dev/null 2>&1 || fail "cahier init $home"
	show cahierd provider add -d $org --request $home/provider.request --name "$who" --role $role -o $home.cert \
		--passphrase-file orgpass || fail "provider add $home"
	cahier --home $home enroll --cert $home.cert --card $org/org.card --daemon ipc://$org/client.sock \
		>/dev/null 2>&1 || fail "enroll $home"
done
say "(each then ran 'cahier init' on their device and 'cahier enroll' with the certificate)"

section "4. The daemons start; the providers unlock their key for the day" \
"The daemons connect to each other over ZeroMQ with CURVE: only organizations whose card was imported get in. 'cahier unlock' asks a provider's passphrase once and keeps the key in memory for a working session; no command asks again until 'cahier lock'."
for o in $ORGS; do echo "  \$ cahierd run -d $o &"; launch $o; done
as els unlock --for 30m
as els status
for h in ann helene ines claire pieter; do cahier --home $h unlock --for 30m >/dev/null 2>&1 || fail "unlock $h"; done
echo "      (the five others unlock the same way)"

# --------------------------------------------------------------------------
section "5. Case 1 — a hospital discharge: the coordinator opens the notebook" \
"Pieter de Vries, 40, came from abroad for treatment; he goes from doctor to doctor looking for recognition and an operation, and lives alone here. His discharge from hospital is the chance to structure his care. The coordination service opens his notebook (the name is encrypted, like everything in it), adds the hospital's social service, the GP practice and the CPAS, and records Pieter as the patient, with his key."
as ann case new "$C1"
ID1=$(head -n 1 "$T/out")
as ann case add "$C1" hosp/org.card --role hospital-social-service
as ann case add "$C1" gp/org.card --role gp
as ann case add "$C1" cpas/org.card --role social-service
as ann case person "$C1" --role patient --name "Pieter de Vries" --key pieter/provider.request --basis own-consent
synced 1

section "6. The hospital hands over to the network's contact point, with the vulnerability screen" \
"The hospital's social worker writes the discharge: where he goes, who the network's contact point is (the coordination service, with the GP practice as deputy), what he was told, and the vulnerability screen that should come with every discharge, not only the medical facts: isolation, psychosocial fragility, ability to mobilise a network. 'held by' says which organizations' daemons already hold the entry: the post is on their side already, nobody sends anything."
as claire handover "$C1" "Ontslag na 6 dagen opname voor buikpijn: geen chirurgische indicatie, geen organische oorzaak gevonden. Hij blijft ongerust en wil een operatie." \
	--from "Hôpital du Canal, médecine interne" --to "Thuis: studio in Sint-Gillis, alleen" \
	--contact zorg --deputy groep --contact-person "Ann Verstraeten" \
	--told "Geen operatie nodig. Eén vaste huisarts volgt de pijn op; zij ziet alle verslagen." \
	--isolation isolated --fragility marked --network partly-able
has "held by:"
HAND=$(ref)
synced 1
say "The contact point reads it at the coordination service and acknowledges it: the hospital knows its handover reached the network ('cahier show' lists the acknowledgement):"
as ann ack "$C1" "$HAND" "Ontvangen. Ik bel hem morgen en zie hem donderdag thuis; ik leg hem uit wie wat doet."
synced 1
as claire show "$C1" "$HAND"
has "isolated"

section "7. A task with a due date, and an appointment, for the GP practice" \
"The coordinator gives the GP practice a task with a date; it appears in the practice's list of open tasks, across all its cases, until its owner marks it done. The GP plans a first consultation with him: one GP who sees every report, instead of a new doctor each time."
as ann task "$C1" "De verslagen van alle vorige artsen en onderzoeken opvragen en op een rij zetten" \
	--owner groep --due "$(day 7)"
TASK1=$(ref)
synced 1
as helene tasks --ours
as helene appointment "$C1" "Eerste consultatie: één plan met hem afspreken" --at "$(day 3) 10:30" --minutes 40 \
	--where "Groepspraktijk Kuregem" --with "Dr. Hélène Martin" --org groep

section "8. The person's own goal, in his own words" \
"The person comes first: before the network agrees shared goals, Pieter writes his own, with his own key. It is signed with his name and role like any professional's entry."
as pieter goal "$C1" "Ik wil begrepen worden. Ik wil niet meer van dokter naar dokter gaan." --own
synced 1
say "The practice has gathered the reports: it owns the task and marks it done. An edit never rewrites: it is the next version, and every version stays."
as helene task done "$C1" "$TASK1"
synced 1
as ann show "$C1" "$TASK1"
has "done"

# --------------------------------------------------------------------------
section "9. Case 2 — a woman of 70 at home: her goal first, then shared goals" \
"Maria Peeters, 70, memory and mental-health problems, neglects her hygiene; her lease ends within a year. The nursing service, the CPAS's family help and the GP have followed her for years, but nobody knows who leads, partly because she refuses some help. The coordinator writes her own goal with her, in her words, first."
as ann case new "$C2"
ID2=$(head -n 1 "$T/out")
as ann case add "$C2" nurse/org.card --role home-nursing
as ann case add "$C2" gp/org.card --role gp
as ann case add "$C2" cpas/org.card --role family-help
synced 2
as ann goal "$C2" "Ik wil in mijn buurt blijven wonen, met mijn kat. En geen nieuwe gezichten elke week." --own
say "She designates her daughter as her trusted person (vertrouwenspersoon, personne de confiance), for the coordination of her care; she stays the first point of contact:"
as ann consent "$C2" --grantor "Maria Peeters" --grantee "An Peeters (dochter)" --role trusted-person \
	--purpose coordination --basis consent --from "$(date +%F)" "Zij beslist zelf; haar dochter mag mee overleggen."
say "Then the goals the network shares, each with the organizations working on it:"
as ann goal "$C2" "Voor het einde van haar huurcontract een betaalbare woning in Kuregem vinden" --shared --worker cpas --worker zorg
as ann goal "$C2" "Dagelijkse verzorging door een vaste verpleegkundige, die zij aanvaardt" --shared --worker thuis --worker cpas
say "Each organization reads the goals with who works on them; here the nurse, filtering her notebook on one kind:"
as els log "$C2" --kind goal
as ann task "$C2" "Aanvraag sociale woning opvolgen" --owner cpas --due "$(day 21)"
as ann task "$C2" "Ochtendbezoeken altijd door dezelfde verpleegkundige laten doen" --owner thuis --due "$(day 5)"

section "10. An alert: a fall, addressed to nursing, the GP and family help" \
"A paper booklet misses exactly this: a fall must reach each organization concerned, and each must say it has seen it. The alert names its addressees; 'cahier alerts' lists, in every case, the alerts some addressee has not acknowledged yet, and who has."
as ann alert "$C2" "Haar dochter vond haar vanochtend op de keukenvloer; gevallen gisteravond. Pijn in de rechterheup, wil niet naar het ziekenhuis." \
	--to thuis --to groep --to cpas --priority high
ALERT=$(ref)
synced 2
as els alerts
as els ack "$C2" "$ALERT" "Ik ga om 11u langs en bekijk de heup."
synced 2
as helene ack "$C2" "$ALERT" "Huisbezoek vanmiddag; röntgenfoto thuis aangevraagd."
synced 2
as ines ack "$C2" "$ALERT" "L'aide familiale passe chaque jour cette semaine, matin et soir."
synced 2
say "Every addressee has acknowledged: the alert leaves the list ('none' is exit status 1); --all still shows it, with each acknowledgement."
show cahier --home els alerts; [ $? = 1 ] || fail "the acknowledged alert is still listed"
as els alerts --all

section "11. An asynchronous consultation, answered at different moments, and a decision" \
"Self-employed GPs and nurses rarely have time for meetings. The coordinator opens a consultation with its agenda and the organizations invited; each answers when it can; the decision names who carries it out and by when."
as ann consult "$C2" "Wie wordt het aanspreekpunt van mevrouw Peeters, en hoe bouwen we een band met haar op?" \
	--invite thuis --invite groep --invite cpas --answer-by "$(day 10)"
CONS=$(ref)
synced 2
say "In the morning, between two visits, the nurse answers:"
as els answer "$C2" "$CONS" "Zij aanvaardt mij voor de douche. Ik kan aanspreekpunt zijn als de huisarts vervangt."
synced 2
say "In the evening, after her consultations, the GP answers:"
as helene answer "$C2" "$CONS" "Akkoord. Ik verwijs naar het PTZ-team voor de band en de stemming; ik blijf vervanger."
synced 2
as ann decide "$C2" "$CONS" "De thuisverpleging (Els Janssens) is aanspreekpunt; de huisarts vervangt. Zelfde verpleegkundige 's ochtends." \
	--carrier thuis --carrier groep --due "$(day 14)"
synced 2
as els show "$C2" "$CONS"

section "12. A note for the medical audience, and what the CPAS cannot open" \
"The GP writes the X-ray result for the medical roles only. The CPAS is in the case as family help: its daemon stores the entry like any other, but cannot open it, and its social worker's notebook says why instead of showing it."
as helene note "$C2" "Röntgen heup: geen fractuur. Paracetamol 3x1g; valrisico hoog (orthostatische hypotensie)." --audience medical
synced 2
as ines log "$C2" --last 2
grep -qF "geen fractuur" "$T/out" && fail "the CPAS reads the medical note"
has "medical audience"

section "13. Hiding an entry at the person's request" \
"Mrs Peeters asks that the nurse's remark about her quarrel with her daughter be removed. Only the organization that wrote an entry can hide it; from then on every daemon shows that something was hidden, by whom and when, never what."
as els note "$C2" "Ruzie met haar dochter over de sleutel; zij wil haar dochter niet meer binnenlaten."
NOTE=$(ref)
synced 2
as els hide "$C2" "$NOTE" --reason asked --yes
synced 2
as ann show "$C2" "$NOTE"
grep -qF "Ruzie" "$T/out" && fail "the hidden note is still readable"

# --------------------------------------------------------------------------
section "14. Case 3 — a man living on the street, with diabetes: kept at low intensity" \
"Youssef El Amrani is homeless and without papers; insulin would be indicated, but his life on the street prevents it; he speaks Arabic and some French, and often refuses intermediate solutions. The case name is Arabic script too, ordinary UTF-8 text. The coordination service opens a notebook with the CPAS and the nursing service, and 'keeps an eye': it stays in the network at low intensity and checks in every 14 days."
as ann case new "$C3"
ID3=$(head -n 1 "$T/out")
as ann case add "$C3" cpas/org.card --role social-service
as ann case add "$C3" nurse/org.card --role home-nursing
synced 3
as ines note "$C3" "Vu au centre de jour avec un interprète. Il refuse l'hébergement d'urgence proposé. Rendez-vous à l'ambassade le 14: je l'accompagne, c'est son dernier espoir pour un titre de séjour."
as ann keep-an-eye "$C3" --every 14 "Weigert voorlopig elke tussenoplossing; contact houden zonder aan te dringen."
KEEP1=$(ref)
synced 3
as els check-in "$C3" "$KEEP1" "Gezien bij de inloop: glycemie 2,1 g/l, geen insuline, voeten in orde. Rustig."
as els task "$C3" "Glucosemeter en strips meegeven bij de volgende inloop" --owner thuis --due "$(day 3)"
synced 3
say "The next check-in is due 14 days after the last one; on that day it appears in 'cahier tasks' (a check-in cannot be made due sooner without waiting). Until then the keep-an-eye says by when:"
as ann show "$C3" "$KEEP1"
has "next check-in by"

section "15. A new member reads nothing from before it joined" \
"The GP practice joins case 3 later. Each change of membership gives new keys: the practice reads what is written from now on. What was written before it joined is there, closed, saying why (the coordinator may grant it the history): the CPAS's note, the keep-an-eye, the check-in, and also the other organizations' reads ([network] lines: access records, which a member sees in 'cahier audit'; encrypted, the practice cannot tell what kind of entry they are)."
as ann case add "$C3" gp/org.card --role gp
M3="$M3 helene"
synced 3
as helene log "$C3" --last 20
has "not a member"

# --------------------------------------------------------------------------
section "16. The nurse's day: her cases by name, her open tasks, across cases" \
"'cahier case list' shows the cases the provider works in, by name. 'cahier tasks' gathers the open tasks of every case, with their owner and due date: with --ours, those her organization owns: in cases 2 and 3."
as els case list
as els tasks --ours

section "17. The person sees only his own notebook" \
"Pieter de Vries, with his role of patient, lists his cases: only his own, though his daemon (the coordination service's) holds all three. He reads his notebook like any member, and his read is recorded like any other. The professionals' entries (their default audience, care) stay closed to him, and say so; his own goal he reads."
as pieter case list
[ "$(wc -l <"$T/out")" = 1 ] || fail "the patient sees more than his case"
as pieter log "$C1" --last 3

section "18. Finding things in a notebook: the last entries, one kind, a word" \
"The notebook is a timeline across all organizations, with author, role, organization, audience, kind and short reference on every entry (the reference is what ack, answer, edit, show and hide take); filters keep it short."
as ann log "$C2" --last 5
as ann log "$C2" --kind task
as ann log "$C2" --search aanspreekpunt

section "19. Who read what: the audit of case 2" \
"Every read was recorded by the reader's daemon before it answered, and the records sync like entries: the person and each organization can see who read what, when, with which role and why. The reads of one entry are the commands that act on an entry (ack, answer, check-in, show): they read it first, and that is recorded too."
synced 2
as ann audit "$C2" --last 12

section "20. Paper for the home, and a bundle for the hospital" \
"The booklet stays in Maria Peeters' home for the visitors without cahier, and the one-page yellow-box sheet is for the ambulance crew; both are printed to PDF by headless Chromium, with no network. A FHIR R4 bundle carries case 1 to a hospital's system. Each export is a read like any other: recorded with the entries it holds, and only what the reader's role may read."
say "The nurse keeps the yellow-box note current in the notebook (the sheet prints what the notebook says, never a guess):"
as els note "$C2" --audience network "Gele doos
Geboren: 14/05/1956
Aandoeningen: artrose van de heup, hoge bloeddruk, valt sinds de zomer
Medicatie: amlodipine 5 mg 's ochtends; paracetamol 1 g tot 3x per dag
Allergieën: penicilline
Telefoon: dochter An Peeters 0478 55 21 09
Boekje: op de kast in de gang
Beschrijving: 1,62 m, tenger, kort wit haar, bril met rood montuur; draagt meestal een beige regenjas
Gewoonten: wandelt elke ochtend naar de bakker op het Dapperheidsplein; spreekt Nederlands en wat Frans
Plaatsen: de kerk van Kuregem, het Astridpark, haar vroegere woning in de Veeweidestraat
Foto: in de gele doos, bij de identiteitskaart"
as els export "$C2" --booklet --pdf --out booklet.pdf
echo "      booklet.pdf: $(pdfinfo booklet.pdf | sed -n 's/^Pages: *//p') A4 pages"
as els export "$C2" --yellow-box --lang nl --pdf --out gele-doos.pdf
echo "      gele-doos.pdf: $(pdfinfo gele-doos.pdf | sed -n 's/^Pages: *//p') page; it reads:"
pdftotext -layout gele-doos.pdf - | grep -v '^ *$' | sed -n '1,16p' | sed 's/^/        /'
say "She has started to wander: from the same note, the missing-person sheet of the yellow box gives the police her description, her habits and the places she may go, with who to call:"
as els export "$C2" --missing-person --lang nl --pdf --out vermissing.pdf
echo "      vermissing.pdf: $(pdfinfo vermissing.pdf | sed -n 's/^Pages: *//p') page; it reads:"
pdftotext -layout vermissing.pdf - | grep -v '^ *$' | sed -n '1,22p' | sed 's/^/        /'
as ann export "$C1" --fhir --out case1.fhir.json
echo "      resources: $(jq -r '[.entry[].resource.resourceType] | group_by(.) | map("\(.[0]) \(length)") | join(", ")' case1.fhir.json)"
as els audit "$C2" --action print --last 6

section "21. The administrator: the daemon's health, and a backup while it runs" \
"'cahierd status' says what runs and how it is doing; 'cahierd backup' copies the store with LMDB's own copy while the daemon serves, never the organization's key."
show cahierd status -d coord
show cahierd backup -d coord coord-backup

section "22. Each in their own language" \
"cahier and cahierd speak Dutch, French or English, as each person's locale says (LANGUAGE, then LC_ALL, LC_MESSAGES, LANG); what the authors wrote stays as they wrote it. The CPAS's social worker reads in French; the home nurse is refused in Dutch by her daemon, which sends the refusal as an English sentence and its arguments for her client to translate; the coordination service's administrator checks its daemon in Dutch."
show env LANG=C.UTF-8 LANGUAGE=fr cahier --home ines log "$C2" --last 2 || fail "cahier log in French"
has "[réseau]"
if show env LANG=C.UTF-8 LANGUAGE=nl cahier --home els notify "$C2" on; then
	fail "a home nurse turned the person's notification on"
fi
grep -q "uw rol (home-nurse)" "$T/err" || fail "expected the refusal in Dutch above"
show env LANG=C.UTF-8 LANGUAGE=nl cahierd status -d coord || fail "cahierd status in Dutch"
has "draait"

section "23. The hospital's part is done: it closes case 1 on its side" \
"Closing is local: the notebook stays readable at the hospital and leaves its daily list; the other organizations still write."
as claire case close "$C1"
as claire case list --all

# --------------------------------------------------------------------------
section "24. The daemons converged, and nothing is readable at rest" \
"Each case's feeds are byte-identical on every daemon that is a member; a search of every file the daemons wrote (LMDB stores included) for the names and phrases above finds nothing."
synced 1
synced 2
synced 3
for pair in "$ID1|$C1|coord hosp gp cpas" "$ID2|$C2|coord nurse gp cpas" "$ID3|$C3|coord cpas nurse gp"; do
	id=${pair%%|*}; rest=${pair#*|}; cn=${rest%%|*}; set -- ${rest#*|}
	for o in "$@"; do mdb_dump -s entries "$T/$o/cases/$id" >"$T/feed.$o" || fail "mdb_dump $o"; done
	first=$1; shift
	for o in "$@"; do cmp -s "$T/feed.$first" "$T/feed.$o" || fail "the feeds of $cn differ between $first and $o"; done
	echo "      $cn: $(entries ann "$id") entries, the same bytes at $(name $first) and the $# others"
done
FILES=$(find $ORGS -type f | sort)
hits=0; nn=0
for s in "$C1" "Maria Peeters" "El Amrani" "يوسف" "begrepen worden" "keukenvloer" "geen fractuur" "Ruzie met haar dochter" "ambassade"; do
	nn=$((nn + 1))
	for f in $FILES; do LC_ALL=C grep -qF "$s" "$f" && { echo "      FOUND \"$s\" in $f"; hits=$((hits + 1)); }; done
done
[ $hits = 0 ] || fail "plaintext found at rest"
echo "      searched $(echo "$FILES" | wc -l) files for $nn names and phrases: found nothing"
say "(What is not encrypted: cards and certificates. Pieter de Vries's own name is in the certificate the coordination service issued him, which its daemon keeps with its providers' certificates; no other daemon holds it outside the encrypted case.)"

section "25. End of the working session" \
"'cahier lock' wipes a provider's key from memory; the next command would ask the passphrase again."
as els lock
echo
echo "== Done in $(( ($(ms) - START_MS) / 1000 )) s: stopping the five daemons and removing $T"
