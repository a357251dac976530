#!/bin/sh
# t96-views.sh - what providers read of the notebook follows their language
# (client/i18n.h): the header and field labels of entries in cahier log and
# cahier show (kinds, audiences, due dates, acknowledgements), cahier audit's
# lines (actions, purposes, outcomes), the --help of log and audit, and the
# booklet (cahier export --booklet --lang nl|fr|en, its lang attribute
# following) in English, Dutch and French; what programs read stays as it is
# (--json byte for byte, the "posted KIND REF" line), and text others wrote
# stays escaped in every language.
. "$(dirname "$0")/lib.sh"

mkorg cpas "CPAS de Schaerbeek" 1
check "a social worker at the CPAS" mkprov cpas ines "Inès Dubois" social-worker
check "the person's trusted person, certified by the CPAS" \
	mkprov cpas youssef "Youssef Haddad" trusted-person
start cpas || exit 1

CASE=$(c ines case new "Meneer Haddad" 2>/dev/null)
check "case created" [ "${#CASE}" = 32 ]
check "the trusted person listed" c ines case person "$CASE" --role trusted-person \
	--name "Youssef Haddad" --key "$T/youssef/provider.request" --basis written-mandate
# a note with a control character (an escape sequence) in it
check "a note with an escape sequence" c ines note "$CASE" \
	"$(printf 'Huisbezoek dinsdag \033[2J geen pijn')"
check "a task with a due date" c ines task "$CASE" "Apotheek bellen" --owner CPAS --due 2030-12-05
check "an appointment" c ines appointment "$CASE" "Consultation diabète" --at "2030-12-01 10:30" \
	--minutes 30
POSTED=$(c ines handover "$CASE" "Sortie de Saint-Pierre" --from "Hôpital Saint-Pierre" \
	--to "Domicile" --contact cpas 2>/dev/null)
check "a handover, posted in English for scripts" sh -c "echo '$POSTED' | grep -q '^posted handover [a-z0-9]*\$'"
REF=$(echo "$POSTED" | sed -n 's/^posted handover \([a-z0-9]*\).*/\1/p')
check "the trusted person's read 'for treatment' is refused (and recorded)" \
	fails 2 "refused" c youssef log "$CASE" --purpose treatment

# L LANG ARGS...: cahier as ines in the language LANG, stdout only
L() {
	l_l=$1; shift
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE="$l_l" "$B/cahier" --home "$T/ines" \
		--passphrase-file "$T/pp" --timeout 20 "$@" 2>/dev/null
}
for l in en nl fr; do
	L $l log "$CASE" >"$T/log.$l"
	L $l show "$CASE" "$REF" >"$T/show.$l"
	L $l audit "$CASE" --all >"$T/audit.$l"
	L $l log "$CASE" --help >"$T/loghelp.$l"
	L $l audit "$CASE" --help >"$T/audithelp.$l"
done

# has FILE PATTERN...: every pattern (grep -E) is in FILE
has() { h_f=$1; shift; for h_p in "$@"; do grep -Eq -- "$h_p" "$h_f" || { diag "not in $h_f: $h_p"; return 1; }; done; }

check "cahier log in English: kinds, audience, labels" has "$T/log.en" \
	'\[care\]  task [a-z0-9]{8}$' '\[care\]  appointment ' '\[care\]  handover ' \
	'^    due: 2030-12-05$' '^    status: open$' '^    duration: 30 min$' \
	'^    contact point: CPAS de Schaerbeek$' '^    from: Hôpital Saint-Pierre$' \
	'^    NOT ACKNOWLEDGED yet by its contact point or deputy: CPAS de Schaerbeek'
check "... in Dutch" has "$T/log.nl" \
	'\[zorg\]  taak [a-z0-9]{8}$' '\[zorg\]  afspraak ' '\[zorg\]  overdracht ' \
	'^    uiterlijk: 2030-12-05$' '^    status: open$' '^    duur: 30 min$' \
	'^    aanspreekpunt: CPAS de Schaerbeek$' '^    van: Hôpital Saint-Pierre$' \
	'^    verantwoordelijke: CPAS de Schaerbeek$' '^    status: gepland$'
check "... in French" has "$T/log.fr" \
	'\[soins\]  tâche [a-z0-9]{8}$' '\[soins\]  rendez-vous ' '\[soins\]  transmission ' \
	'^    échéance : 2030-12-05$' '^    statut : ouverte$' '^    durée : 30 min$' \
	'^    personne de contact : CPAS de Schaerbeek$' '^    de : Hôpital Saint-Pierre$' \
	'^    statut : prévu$'
check "... no English label left in Dutch or French" sh -c \
	"! grep -Eq '^    (due|owner|duration|contact point|status: open|status: planned):' '$T/log.nl' &&
	! grep -Eq '^    (due|owner|duration|contact point|status: open|status: planned):' '$T/log.fr'"
check "the note's escape sequence stays inert in every language" sh -c \
	"for l in en nl fr; do ! LC_ALL=C grep -q \"\$(printf '\\033')\" '$T/log.'\$l &&
	grep -qF 'Huisbezoek dinsdag \\x1b[2J geen pijn' '$T/log.'\$l || exit 1; done"
check "the case id and the reference stay as typed" sh -c \
	"grep -q '  overdracht $REF\$' '$T/log.nl' && grep -q '  transmission $REF\$' '$T/log.fr'"

check "cahier show in Dutch: the handover's labels" has "$T/show.nl" \
	'\[zorg\]  overdracht ' '^    naar: Domicile$' '^    psychosociale kwetsbaarheid: niet beoordeeld$' \
	'^    isolement: niet beoordeeld$'
check "... in French" has "$T/show.fr" \
	'\[soins\]  transmission ' '^    vers : Domicile$' '^    fragilité psychosociale : non évaluée$' \
	'^    PAS ENCORE D.ACCUSÉ DE RÉCEPTION'
check "... in English" has "$T/show.en" '\[care\]  handover ' '^    to: Domicile$' \
	'^    psychosocial fragility: not-assessed$'

# the audit: the refused read of the trusted person, and ines's own reads
check "cahier audit in English" has "$T/audit.en" \
	'Youssef Haddad \(trusted-person, for the person\) · CPAS de Schaerbeek  read the notebook \([0-9]+ entr(y|ies)\)  purpose: treatment  outcome: refused$' \
	'Inès Dubois \(social-worker\) · CPAS de Schaerbeek  read the notebook \([0-9]+ entries\)  purpose: treatment$'
check "... in Dutch" has "$T/audit.nl" \
	'Youssef Haddad \(trusted-person, voor de persoon\) · CPAS de Schaerbeek  las het zorgschrift \([0-9]+ items?\)  doel: behandeling  resultaat: geweigerd$' \
	'Inès Dubois \(social-worker\) · CPAS de Schaerbeek  las het zorgschrift \([0-9]+ items\)  doel: behandeling$'
check "... in French" has "$T/audit.fr" \
	'Youssef Haddad \(trusted-person, pour la personne\) · CPAS de Schaerbeek  a lu le cahier \([0-9]+ éléments?\)  finalité : traitement  résultat : refusé$' \
	'Inès Dubois \(social-worker\) · CPAS de Schaerbeek  a lu le cahier \([0-9]+ éléments\)  finalité : traitement$'
check "... the filters still take the names, in any language" sh -c \
	"env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=fr '$B/cahier' --home '$T/ines' \
	--passphrase-file '$T/pp' audit '$CASE' --all --outcome refused --why treatment 2>/dev/null |
	grep -q 'Youssef Haddad .* résultat : refusé\$'"

check "cahier log --help and audit --help in Dutch" sh -c \
	"grep -q '^gebruik: cahier log DOSSIER ' '$T/loghelp.nl' &&
	grep -q '^  --mine         alleen wat u schreef\$' '$T/loghelp.nl' &&
	grep -q '^gebruik: cahier audit DOSSIER ' '$T/audithelp.nl' &&
	grep -q '^Afsluitcodes: 0 registraties getoond' '$T/audithelp.nl'"
check "... in French" sh -c \
	"grep -q '^usage : cahier log DOSSIER ' '$T/loghelp.fr' &&
	grep -q '^  --mine         seulement ce que vous avez écrit\$' '$T/loghelp.fr' &&
	grep -q '^usage : cahier audit DOSSIER ' '$T/audithelp.fr' &&
	grep -q '^  --outcome RÉSULTAT ok, refused, failed\$' '$T/audithelp.fr'"
check "... in English" sh -c "grep -q '^usage: cahier log CASE ' '$T/loghelp.en' &&
	grep -q '^usage: cahier audit CASE ' '$T/audithelp.en'"

# --json: the same bytes in every language (log and show; the audit grows
# with every read, so its records are compared without the newest)
for l in en nl fr; do
	L $l --json show "$CASE" "$REF" >"$T/show.$l.json"
done
check "--json of cahier show is the same in Dutch and French" sh -c \
	"cmp -s '$T/show.en.json' '$T/show.nl.json' && cmp -s '$T/show.en.json' '$T/show.fr.json' &&
	grep -q '\"kind\": *\"handover\"' '$T/show.en.json'"
for l in en nl fr; do
	L $l --json log "$CASE" | jq -S 'del(.access_record)' >"$T/log.$l.json"
	L $l --json audit "$CASE" --all | jq -S '[.records[] | select(.reader == "Youssef Haddad")]' \
		>"$T/audit.$l.json"
done
check "--json of cahier log and audit is the same in every language" sh -c \
	"cmp -s '$T/log.en.json' '$T/log.nl.json' && cmp -s '$T/log.en.json' '$T/log.fr.json' &&
	cmp -s '$T/audit.en.json' '$T/audit.nl.json' && cmp -s '$T/audit.en.json' '$T/audit.fr.json' &&
	grep -q '\"outcome\": \"refused\"' '$T/audit.nl.json' && grep -q '\"purpose\": \"treatment\"' '$T/audit.fr.json' &&
	grep -q '\"kind\": \"task\"' '$T/log.fr.json'"

# the booklet
for l in nl fr en; do
	check "the booklet with --lang $l" c ines export "$CASE" --booklet --lang $l --out "$T/booklet.$l.html"
done
check "... in Dutch: lang, headings, labels" has "$T/booklet.nl.html" \
	'<html lang="nl">' '<h1>Zorgschrift van <bdi>Meneer Haddad</bdi></h1>' \
	'<h2>Het zorgnetwerk</h2>' '<h2>Open taken en afspraken</h2>' \
	'<h2>Alarmen die nog niet bevestigd zijn</h2>' '<h2>Het zorgschrift sinds ' \
	'<span class="kind">taak</span>' 'publiek: zorg' 'Nog niet bevestigd door' 'uiterlijk: 2030-12-05' \
	'content: "pagina " counter\(page\) " van " counter\(pages\)' 'Dit boekje bevat [0-9]+ items' \
	'<tr class="key"><td>vertrouwenspersoon</td><td><bdi>Youssef Haddad</bdi></td><td>schriftelijk mandaat</td>'
check "... in French" has "$T/booklet.fr.html" \
	'<html lang="fr">' '<h1>Cahier de soins de <bdi>Meneer Haddad</bdi></h1>' \
	'<h2>Le réseau de soins</h2>' '<h2>Tâches ouvertes et rendez-vous</h2>' \
	'<h2>Alertes sans accusé de réception</h2>' '<h2>Le cahier depuis le ' \
	'<span class="kind">rendez-vous</span>' 'public : soins' 'Pas encore d&#39;accusé de réception de' \
	'échéance : 2030-12-05' 'Ce carnet contient [0-9]+ éléments' \
	'<tr class="key"><td>personne de confiance</td><td><bdi>Youssef Haddad</bdi></td><td>mandat écrit</td>'
check "... in English" has "$T/booklet.en.html" \
	'<html lang="en">' '<h1>Care notebook of <bdi>Meneer Haddad</bdi></h1>' \
	'<h2>Open tasks and appointments</h2>' '<span class="kind">task</span>' 'for care' \
	'due: 2030-12-05' 'Not yet acknowledged by' \
	'<tr class="key"><td>trusted person</td><td><bdi>Youssef Haddad</bdi></td><td>written-mandate</td>'
check "... the note's escape sequence inert there too" sh -c \
	"for l in nl fr; do ! LC_ALL=C grep -q \"\$(printf '\\033')\" '$T/booklet.'\$l.html &&
	grep -qF '\\x1b[2J' '$T/booklet.'\$l.html || exit 1; done"
check "... the locale chooses when --lang is not given" sh -c \
	"env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=fr '$B/cahier' --home '$T/ines' \
	--passphrase-file '$T/pp' export '$CASE' --booklet 2>/dev/null | grep -q '<html lang=\"fr\">'"
check "... a wrong --lang is refused" fails 2 ": --lang takes nl, fr or en, not 'de'" \
	c ines export "$CASE" --booklet --lang de
check "cahier export --help in Dutch" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl \
	'$B/cahier' export --help | grep -q '^gebruik: cahier export DOSSIER --booklet'"
check "cahier export --booklet --help in French names --lang" sh -c "env -u LC_ALL -u LC_MESSAGES \
	LANG=C.UTF-8 LANGUAGE=fr '$B/cahier' export --booklet --help | grep -A1 '^  --lang nl|fr|en\$' |
	grep -q '^                 le carnet en néerlandais'"
check "cahier export --fhir --help, --yellow-box --help and --missing-person --help in Dutch and French" sh -c \
	"env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl '$B/cahier' export --fhir --help |
	grep -q '^gebruik: cahier export DOSSIER --fhir' &&
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=fr '$B/cahier' export --yellow-box --help |
	grep -q '^usage : cahier export DOSSIER --yellow-box --lang nl|fr' &&
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl '$B/cahier' export --missing-person --help |
	grep -q '^gebruik: cahier export DOSSIER --missing-person --lang nl|fr' &&
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl '$B/cahier' export --missing-person --help |
	grep -q '^  gewoonten      Habits, Gewoonten, Gewoontes, Habitudes' &&
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=fr '$B/cahier' export --missing-person --help |
	grep -q '^usage : cahier export DOSSIER --missing-person --lang nl|fr' &&
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=fr '$B/cahier' export --missing-person --help |
	grep -q '^La fiche de disparition de la boîte jaune'"
# FHIR is for programs: the same resources whatever the language (the
# bundle's own id and time, and the newest access records, set aside)
for l in en nl fr; do
	L $l export "$CASE" --fhir | jq -S '[.entry[].resource | select(.resourceType != "AuditEvent")]' \
		>"$T/fhir.$l.json"
done
check "the FHIR bundle is the same in every language" sh -c \
	"[ -s '$T/fhir.en.json' ] && cmp -s '$T/fhir.en.json' '$T/fhir.nl.json' &&
	cmp -s '$T/fhir.en.json' '$T/fhir.fr.json' && grep -q '\"Task\"' '$T/fhir.nl.json'"

stop_all
done_testing
