#!/bin/sh
# t96-languages.sh - the client speaks the provider's language: its errors,
# the usage text of cahier --help and of each command's --help, the
# everyday lines, cahier status (with the daemon's version and uptime),
# cahier peers and the yes/no questions (answered j in Dutch, o in French)
# in English (the source text), Dutch or French, as LANGUAGE (then LC_ALL,
# LC_MESSAGES, LANG) says (client/i18n.h); each error stays one line on
# stderr with the same exit code in every language; --json is the same in
# every language; and every message marked for translation is translated in
# po/nl.po and po/fr.po.
. "$(dirname "$0")/lib.sh"

echo "not the passphrase" >"$T/wp"
chmod 600 "$T/wp"

mkorg cpas "CPAS de Schaerbeek" 1
mkorg wgk "Wit-Gele Kruis Brussel" 2     # its daemon never runs here
check "cards exchanged" mesh cpas wgk
check "social worker at the CPAS" mkprov cpas ines "Inès Dubois" social-worker
check "home nurse at Wit-Gele Kruis" mkprov wgk sophie "Sophie Lambert" home-nurse
start cpas || exit 1

CASE=$(c ines case new "Meneer Haddad" 2>/dev/null)
check "case created" [ "${#CASE}" = 32 ]
REF=$(c ines note "$CASE" "Huisbezoek dinsdag, geen pijn" 2>/dev/null | sed -n 's/^posted note \([^ ]*\).*/\1/p')
check "a note posted (its reference read in English)" [ -n "$REF" ]

# in_lang and three: tests/lib.sh
three 2 "an unknown command" "unknown command 'frobnicate' \\(see cahier --help\\)" \
	"onbekend commando 'frobnicate' \\(zie cahier --help\\)" \
	"commande inconnue 'frobnicate' \\(voir cahier --help\\)" ines frobnicate
three 2 "an unknown option" "unknown option '--frob'" "onbekende optie '--frob'" \
	"option inconnue '--frob'" ines --frob status
three 1 "a case that does not exist" "no case named 'Mevrouw Nergens' here" \
	"hier is er geen dossier met de naam 'Mevrouw Nergens'" \
	"aucun dossier ne s'appelle 'Mevrouw Nergens' ici" ines log "Mevrouw Nergens"
PP=$T/wp three 2 "a wrong passphrase file" "wrong passphrase for" "verkeerde wachtzin voor" \
	"mauvaise phrase secrète pour" ines log "$CASE"
three 2 "the daemon is not running" "your organization's daemon is not running" \
	"de server van uw organisatie draait niet" \
	"le serveur de votre organisation ne tourne pas" sophie status
three 2 "an empty note" "empty note: nothing posted" "lege note: niets geplaatst" \
	"note vide : rien n'a été publié" ines note "$CASE" ""
three 2 "an unknown audience" "unknown audience 'everyone'" "onbekend publiek 'everyone'" \
	"public inconnu 'everyone'" ines note "$CASE" --audience everyone "Bel de huisarts"
three 2 "a date that is not one" ": --due '2026-02-31' is not a date YYYY-MM-DD" \
	": --due '2026-02-31' is geen datum JJJJ-MM-DD" \
	": --due '2026-02-31' n'est pas une date AAAA-MM-JJ" \
	ines task "$CASE" "Apotheek bellen" --owner CPAS --due 2026-02-31
three 2 "not an entry reference" "'zz' is not an entry reference" \
	"'zz' is geen verwijzing naar een item" "'zz' n'est pas une référence d'élément" \
	ines show "$CASE" zz
three 2 "an unknown kind of entry" "unknown kind 'letter'" "onbekende soort 'letter'" \
	"type inconnu 'letter'" ines log "$CASE" --kind letter
three 2 "--last out of range" ": --last takes a number from 1 to" \
	": --last verwacht een getal van 1 tot" ": --last attend un nombre de 1 à" \
	ines log "$CASE" --last 0
three 2 "hiding without --yes (cannot be undone)" "hiding $REF cannot be undone: give --yes" \
	"$REF verbergen kan niet ongedaan gemaakt worden: geef --yes" \
	"masquer $REF est irréversible : donnez --yes" ines hide "$CASE" "$REF"
three 2 "a key made twice" "exists: you have a key already" "bestaat: u hebt al een sleutel" \
	"existe : vous avez déjà une clé" ines init
three 2 "an unknown role" "unknown role 'plumber'" "onbekende rol 'plumber'" \
	"rôle inconnu 'plumber'" ines case add "$CASE" "$T/wgk/org.card" --role plumber
three 2 "a wrong --lang" ": --lang takes nl, fr or en, not 'de'" \
	": --lang verwacht nl, fr of en, niet 'de'" ": --lang attend nl, fr ou en, pas 'de'" \
	ines audit "$CASE" --for-person --lang de

# the usage text
check "cahier --help in English" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=en \
	'$B/cahier' --help | grep -q '^Passphrases never come from the command line\\.\$'"
check "cahier --help in Dutch" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl \
	'$B/cahier' --help >'$T/help.nl' && grep -q '^gebruik: cahier ' '$T/help.nl' &&
	grep -q '^  log         toon het zorgschrift van een dossier' '$T/help.nl' &&
	grep -q '^Wachtzinnen komen nooit van de opdrachtregel\\.\$' '$T/help.nl'"
check "cahier --help in French" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=fr \
	'$B/cahier' --help >'$T/help.fr' && grep -q '^usage : cahier ' '$T/help.fr' &&
	grep -q '^  log         afficher le cahier d.un dossier' '$T/help.fr' &&
	grep -q '^Les phrases secrètes ne viennent jamais de la ligne de commande\\.\$' '$T/help.fr'"
check "... the command names stay as they are typed" sh -c \
	"grep -q '^  keep-an-eye ' '$T/help.nl' && grep -q '^  keep-an-eye ' '$T/help.fr'"
check "LC_MESSAGES chooses the language when LANGUAGE is not set" sh -c \
	"env -u LC_ALL -u LANGUAGE LC_MESSAGES=C.UTF-8 LANG=C.UTF-8 '$B/cahier' --help | grep -q '^usage: cahier '"

# the everyday lines
check "the log's summary in Dutch" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl \
	'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' log '$CASE' 2>&1 >/dev/null |
	grep -q '^[0-9][0-9]* items getoond; uw lezing wordt geregistreerd\$'"
check "... in French" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=fr \
	'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' log '$CASE' 2>&1 >/dev/null |
	grep -q '^[0-9][0-9]* éléments affichés ; votre lecture est enregistrée\$'"
check "... in English" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=en \
	'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' log '$CASE' 2>&1 >/dev/null |
	grep -q '^[0-9][0-9]* entries shown; your read is recorded\$'"
check "the case list in Dutch" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl \
	'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' case list |
	grep -q '^Meneer Haddad  coördinator CPAS de Schaerbeek (deze organisatie), 1 organisatie'"
check "... in French (0 and 1 take the singular)" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=fr \
	'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' case list |
	grep -q '^Meneer Haddad  coordinateur CPAS de Schaerbeek (cette organisation), 1 organisation'"
check "a post in French: the reference line stays as scripts read it" sh -c "env -u LC_ALL -u LC_MESSAGES \
	LANG=C.UTF-8 LANGUAGE=fr '$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' \
	note '$CASE' 'Rendez-vous chez le médecin' >'$T/post.fr' &&
	grep -q '^posted note [a-z0-9]*\$' '$T/post.fr' &&
	grep -q '^conservé par : aucune autre organisation dans le dossier\$' '$T/post.fr'"
check "nothing open, in Dutch (exit 1)" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl \
	'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' alerts >'$T/alerts.nl'; [ \$? = 1 ] &&
	grep -q '^Geen enkel alarm wacht op een bevestiging\.\$' '$T/alerts.nl'"

check "the note hidden (in English: scripts give --yes)" sh -c "'$B/cahier' --home '$T/ines' \
	--passphrase-file '$T/pp' hide '$CASE' '$REF' --yes >/dev/null 2>&1"
check "... the log says so in Dutch" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl \
	'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' log '$CASE' 2>/dev/null |
	grep -q '^    (verborgen door .* op vraag van de persoon of omdat het per vergissing geplaatst werd)\$'"
check "... and in French" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=fr \
	'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' log '$CASE' 2>/dev/null |
	grep -q '^    (masqué par .*, à la demande de la personne ou parce que publié par erreur)\$'"

# a command's own --help: the usage line keeps its command and options, the
# description speaks the language
for l in en nl fr; do
	in_lang $l ines note --help >"$T/note.$l" 2>&1
done
check "cahier note --help in English" sh -c "grep -q '^usage: cahier note CASE TEXT \\[--audience A\\]' '$T/note.en' &&
	grep -q '^Posts a note to the case, signed with your key' '$T/note.en'"
check "... in Dutch" sh -c "grep -q '^gebruik: cahier note DOSSIER TEKST \\[--audience P\\] \\[--reply REF\\]' '$T/note.nl' &&
	grep -q '^Plaatst een note in het dossier, ondertekend met uw sleutel' '$T/note.nl'"
check "... in French" sh -c "grep -q '^usage : cahier note DOSSIER TEXTE \\[--audience P\\] \\[--reply RÉF\\]' '$T/note.fr' &&
	grep -q '^Publie une note dans le dossier, signée avec votre clé' '$T/note.fr'"
check "cahier case --help in Dutch: the subcommands keep their names" sh -c \
	"env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl '$B/cahier' case --help >'$T/case.nl' &&
	grep -q '^rotate    nu nieuwe sleutels voor elk lid\\.\$' '$T/case.nl' &&
	grep -q '^Alleen zorgverleners van de coördinerende organisatie' '$T/case.nl'"
check "cahier verify --help in French" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=fr \
	'$B/cahier' verify --help | grep -q '^Codes de sortie : 0 rien d.anormal, 1 un problème trouvé'"

# cahier status: its labels in each language, values in one column however
# wide the language's labels, the daemon's version and how long it has run
for l in en nl fr; do
	in_lang $l ines status >"$T/status.$l" 2>&1
done
VER=$("$B/cahierd" --version | sed 's/^cahierd //')
check "cahier status in English" sh -c "grep -q '^organization: *CPAS de Schaerbeek\$' '$T/status.en' &&
	grep -q '^version: *cahierd $VER\$' '$T/status.en' &&
	grep -q '^up: *[0-9][0-9]* h [0-9][0-9] min, since 20[0-9-]* [0-9:]*\$' '$T/status.en' &&
	grep -q '^peers: *1 (0 connected)\$' '$T/status.en'"
check "... in Dutch" sh -c "grep -q '^organisatie: *CPAS de Schaerbeek\$' '$T/status.nl' &&
	grep -q '^versie: *cahierd $VER\$' '$T/status.nl' &&
	grep -q '^actief: *[0-9][0-9]* u [0-9][0-9] min, sinds 20[0-9-]* [0-9:]*\$' '$T/status.nl' &&
	grep -q '^sleutel: *vergrendeld' '$T/status.nl' && grep -q '^partners: *1 (0 verbonden)\$' '$T/status.nl'"
check "... in French" sh -c "grep -q '^organisation : *CPAS de Schaerbeek\$' '$T/status.fr' &&
	grep -q '^version : *cahierd $VER\$' '$T/status.fr' &&
	grep -q '^en service : *[0-9][0-9]* h [0-9][0-9] min, depuis le 20[0-9-]* [0-9:]*\$' '$T/status.fr' &&
	grep -q '^clé : *verrouillée' '$T/status.fr' && grep -q '^partenaires : *1 (0 connecté)\$' '$T/status.fr'"
# cols FILE: the distinct columns (in characters) at which the values start
cols() { LC_ALL=C.UTF-8 sed -n 's/^\([^:]*: *\).*/\1/p' "$1" | while IFS= read -r x; do
	printf '%s' "$x" | LC_ALL=C.UTF-8 wc -m; done | sort -u | wc -l; }
for l in en nl fr; do
	check "... $l: every value starts in the same column" [ "$(cols "$T/status.$l")" = 1 ]
done

# cahier peers: the states and "last heard" in each language, in a column
for l in en nl fr; do
	in_lang $l ines peers >"$T/peers.$l" 2>&1
done
check "cahier peers in English" grep -q "^Wit-Gele Kruis Brussel  *tcp://[^ ]*  *offline    last heard never\$" "$T/peers.en"
check "... in Dutch" grep -q "^Wit-Gele Kruis Brussel  *tcp://[^ ]*  *offline    laatst gehoord nooit\$" "$T/peers.nl"
check "... in French" grep -q "^Wit-Gele Kruis Brussel  *tcp://[^ ]*  *hors ligne  dernier contact jamais\$" "$T/peers.fr"

# a question before what cannot be undone, on a terminal (script(1) gives one):
# the language's yes hides, anything else hides nothing (exit 1)
# ask L ANSWER REF: hide REF in language L, answering ANSWER on the terminal
ask() {
	printf '%s\n' "$2" | env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE="$1" \
		script -qec "'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' --timeout 20 hide '$CASE' '$3'" \
		/dev/null >"$T/ask.out" 2>&1
}
note() { c ines note "$CASE" "$1" 2>/dev/null | sed -n 's/^posted note \([^ ]*\).*/\1/p'; }
if command -v script >/dev/null 2>&1; then
	R1=$(note "Nota een") R2=$(note "Nota twee") R3=$(note "Nota drie") R4=$(note "Nota vier")
	check "four notes to hide" [ -n "$R1" ] && [ -n "$R2" ] && [ -n "$R3" ] && [ -n "$R4" ]
	ask nl n "$R1"; rc=$?
	check "a Dutch question, answered n: nothing hidden (exit 1)" sh -c "[ $rc = 1 ] &&
		grep -q 'note $R1 voor iedereen in het dossier verbergen? Dit kan niet ongedaan gemaakt worden\\. \\[j/N\\]' '$T/ask.out' &&
		grep -q 'niets verborgen' '$T/ask.out'"
	ask nl j "$R1"; rc=$?
	check "... answered j: hidden" sh -c "[ $rc = 0 ] && grep -q 'posted hide ' '$T/ask.out'"
	ask nl ja "$R2"; rc=$?
	check "... answered ja: hidden" sh -c "[ $rc = 0 ] && grep -q 'posted hide ' '$T/ask.out'"
	ask fr o "$R3"; rc=$?
	check "a French question, answered o: hidden" sh -c "[ $rc = 0 ] &&
		grep -q 'Masquer note $R3 pour tout le monde dans le dossier ? C.est irréversible\\. \\[o/N\\]' '$T/ask.out' &&
		grep -q 'posted hide ' '$T/ask.out'"
	ask en y "$R4"; rc=$?
	check "an English question, answered y: hidden" sh -c "[ $rc = 0 ] &&
		grep -q 'Hide note $R4 for everyone in the case? This cannot be undone\\. \\[y/N\\]' '$T/ask.out' &&
		grep -q 'posted hide ' '$T/ask.out'"
	R5=$(note "Nota vijf")
	ask fr j "$R5"; rc=$?
	check "... a Dutch j is no French yes" sh -c "[ $rc = 1 ] && grep -q 'rien n.a été masqué' '$T/ask.out'"
	printf 'oui\n' | env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=fr \
		script -qec "'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' --timeout 20 erase '$CASE' '$R5'" \
		/dev/null >"$T/ask.out" 2>&1; rc=$?
	check "erasing, in French, answered oui: erased" sh -c "[ $rc = 0 ] &&
		grep -q 'Effacer le contenu de note $R5 (1 version) pour tout le monde dans le dossier ? C.est irréversible\\. \\[o/N\\]' '$T/ask.out' &&
		grep -q 'posted erasure of $R5' '$T/ask.out'"
else
	skip "the yes/no questions" "no script(1) here"
fi

# what programs read stays as it is: --json, the case id on stdout
# jsonish L ARGS...: cahier --json ARGS in language L, the uptime left out
jsonish() { l=$1; shift; in_lang "$l" ines --json "$@" | sed 's/"daemon_uptime_s": *[0-9]*//'; }
jsonish en status >"$T/st.en"; jsonish nl status >"$T/st.nl"; jsonish fr status >"$T/st.fr"
check "cahier --json status: the daemon's version, and the same in every language" sh -c \
	"grep -q '\"daemon_version\": *\"$VER\"' '$T/st.en' && grep -q '\"daemon_started\": *\"20' '$T/st.en' &&
	cmp -s '$T/st.en' '$T/st.nl' && cmp -s '$T/st.en' '$T/st.fr'"
check "... with an uptime" sh -c "'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' \
	--json status | grep -q '\"daemon_uptime_s\": *[0-9]'"
jsonish en peers >"$T/pj.en"; jsonish nl peers >"$T/pj.nl"; jsonish fr peers >"$T/pj.fr"
check "cahier --json peers is the same in every language" sh -c \
	"cmp -s '$T/pj.en' '$T/pj.nl' && cmp -s '$T/pj.en' '$T/pj.fr'"
check "--json is the same in Dutch" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl '$B/cahier' --home '$T/ines' \
	--passphrase-file '$T/pp' --json case list >'$T/list.nl' &&
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=en '$B/cahier' --home '$T/ines' \
	--passphrase-file '$T/pp' --json case list >'$T/list.en' && cmp -s '$T/list.nl' '$T/list.en'"

# Every marked message translated in both catalogues: tests/t96-complete.sh
# (with the Makefile's one list of keywords).
stop_all
done_testing
