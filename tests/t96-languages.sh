#!/bin/sh
# t96-languages.sh - the client speaks the provider's language: its errors,
# the usage text of cahier --help and the everyday lines in English (the
# source text), Dutch or French, as LANGUAGE (then LC_ALL, LC_MESSAGES, LANG)
# says (client/i18n.h); each error stays one line on stderr with the same
# exit code in every language; and every message marked for translation is
# translated in po/nl.po and po/fr.po.
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

# in_lang L HOME ARGS...: cahier in the language L, as a provider sets it (en has
# no catalogue: the English source text)
in_lang() {
	il_l=$1 il_h=$2; shift 2
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE="$il_l" "$B/cahier" --home "$T/$il_h" \
		--passphrase-file "${PP:-$T/pp}" --timeout 20 "$@"
}
# three CODE WHAT EN NL FR HOME ARGS...: the same error in each language,
# with the same exit code, one line, and the phrase of that language
three() {
	t_code=$1 t_what=$2 t_en=$3 t_nl=$4 t_fr=$5; shift 5
	check "$t_what, in English" fails "$t_code" "$t_en" in_lang en "$@"
	check "... in Dutch" fails "$t_code" "$t_nl" in_lang nl "$@"
	check "... in French" fails "$t_code" "$t_fr" in_lang fr "$@"
}

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

# what programs read stays as it is: --json, the case id on stdout
check "--json is the same in Dutch" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl '$B/cahier' --home '$T/ines' \
	--passphrase-file '$T/pp' --json case list >'$T/list.nl' &&
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=en '$B/cahier' --home '$T/ines' \
	--passphrase-file '$T/pp' --json case list >'$T/list.en' && cmp -s '$T/list.nl' '$T/list.en'"

TOP=$(cd "$(dirname "$0")/.." && pwd)
check "every message marked for translation is translated in Dutch and French" sh -c \
	"cd '$TOP' && xgettext --from-code=UTF-8 -k_ -kN_ -kngettext:1,2 -kCTX_:1c,2 -kNCTX_:1c,2 -o '$T/now.pot' client/*.c &&
	msgcmp po/nl.po '$T/now.pot' && msgcmp po/fr.po '$T/now.pot' &&
	msgfmt --check -o /dev/null po/nl.po && msgfmt --check -o /dev/null po/fr.po &&
	! msgattrib --only-fuzzy po/nl.po | grep -q msgid &&
	! msgattrib --only-fuzzy po/fr.po | grep -q msgid"
stop_all
done_testing
