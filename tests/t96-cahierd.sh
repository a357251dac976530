#!/bin/sh
# t96-cahierd.sh - cahierd speaks the administrator's language: its errors,
# the usage of a command, the text of cahierd status and the lines of its
# log in English (the source text), Dutch or French, as LANGUAGE (then
# LC_ALL, LC_MESSAGES, LANG) says (keys/i18n.h, daemon/log.h); each error
# stays one line on stderr with the same exit code in every language; what
# programs read (status --json, the recovery key's digits) is the same in
# every language; and every message of daemon/ and keys/ marked for
# translation is translated in po/nl.po and po/fr.po.
. "$(dirname "$0")/lib.sh"

mkorg cpas "CPAS de Schaerbeek" 1

# in_lang L ARGS...: cahierd in the language L, as an administrator's shell
# or the service's Environment= sets it (en has no catalogue: the English
# source text); its stdin is the file IN, if set. In place of lib.sh's
# (cahier); three (lib.sh) runs it.
in_lang() {
	il_l=$1; shift
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE="$il_l" "$B/cahierd" "$@" <"${IN:-/dev/null}"
}

three 2 "an unknown command" "unknown command 'frobnicate' \\(see cahierd --help\\)" \
	"onbekend commando 'frobnicate' \\(zie cahierd --help\\)" \
	"commande inconnue 'frobnicate' \\(voir cahierd --help\\)" frobnicate
three 2 "an unknown option" "init: unknown option '--frob' \\(see cahierd init --help\\)" \
	"init: onbekende optie '--frob' \\(zie cahierd init --help\\)" \
	"init : option inconnue '--frob' \\(voir cahierd init --help\\)" init --frob
three 2 "an option the command does not take" "cahierd peer does not take --days" \
	"cahierd peer aanvaardt geen --days" "cahierd peer n'accepte pas --days" \
	peer list -d "$T/cpas" --days 3
three 2 "init over an organization" "org.key exists: this directory holds an organization already" \
	"org.key bestaat: deze map bevat al een organisatie" \
	"org.key existe : ce répertoire contient déjà une organisation" \
	init -d "$T/cpas" --name "CPAS" --endpoint tcp://127.0.0.1:1 --passphrase-file "$T/orgpass"
three 2 "a wildcard as the card's endpoint" "'tcp://\\*:9' is a wildcard: the card needs an address" \
	"'tcp://\\*:9' is een jokertekenadres: de kaart heeft een adres nodig" \
	"'tcp://\\*:9' est une adresse générique : la carte a besoin d'une adresse" \
	init -d "$T/new" --name "Nieuw" --endpoint 'tcp://*:9'

mkdir -p "$T/bad"
printf 'name = X\nfrob = 1\n' >"$T/bad/cahierd.conf"
three 2 "an unknown key in cahierd.conf" "cahierd.conf:2: unknown key 'frob'" \
	"cahierd.conf:2: onbekende sleutel 'frob'" "cahierd.conf:2 : clé inconnue 'frob'" run -d "$T/bad"

cp "$T/orgpass" "$T/open"
chmod 644 "$T/open"
three 2 "a passphrase file others may read" \
	"cannot read the passphrase: .*/open may be read by others than its owner: chmod go-rwx" \
	"kan de wachtzin niet lezen: .*/open kan gelezen worden door anderen dan de eigenaar: chmod go-rwx" \
	"impossible de lire la phrase secrète : .*/open peut être lu par d'autres que son propriétaire : chmod go-rwx" \
	key export -d "$T/cpas" --passphrase-file "$T/open"

# the recovery key: printed in Dutch, its digits are the same; one group
# mistyped is named in each language; the Dutch printout imports as it is
check "the recovery key printed in English" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=en \
	'$B/cahierd' key export -d '$T/cpas' >'$T/rk.en'"
check "... and in Dutch, with the same digits" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl \
	'$B/cahierd' key export -d '$T/cpas' >'$T/rk.nl' && grep -q '^herstelsleutel van een cahier-organisatie\$' '$T/rk.nl' &&
	[ \"\$(grep -v '[a-zA-Z]' '$T/rk.nl')\" = \"\$(grep -v '[a-zA-Z]' '$T/rk.en')\" ]"
# the first digit of the third group, changed
awk 'BEGIN { done = 0 } !/[a-zA-Z]/ && NF >= 3 && !done { d = substr($3, 1, 1); $3 = ((d + 1) % 10) substr($3, 2); done = 1 } { print }' \
	"$T/rk.en" >"$T/rk.bad"
check "... a copy with one group mistyped" sh -c "! cmp -s '$T/rk.en' '$T/rk.bad'"
IN=$T/rk.bad
three 2 "a mistyped group of the recovery key" \
	"group 3 of the recovery key is mistyped \\(its last digit checks the other five\\)" \
	"groep 3 van de herstelsleutel is verkeerd getypt \\(het laatste cijfer controleert de vijf andere\\)" \
	"le groupe 3 de la clé de récupération est mal tapé \\(son dernier chiffre contrôle les cinq autres\\)" \
	key import -d "$T/again" --passphrase-file "$T/orgpass"
IN=
check "the Dutch printout imports: org.key again, the same organization" sh -c \
	"env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl '$B/cahierd' key import -d '$T/again' \
	--passphrase-file '$T/orgpass' <'$T/rk.nl' >'$T/import.nl' &&
	grep -q '^.*/again/org.key geschreven: de organisatie met vingerafdruk $(fpr cpas)\$' '$T/import.nl'"

# the usage of a command
check "cahierd backup --help in English" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=en \
	'$B/cahierd' backup --help | head -n 1 | grep -q '^usage: cahierd backup    -d DIR OUT  *a consistent copy'"
check "... in Dutch" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl \
	'$B/cahierd' backup --help >'$T/help.nl' && head -n 1 '$T/help.nl' |
	grep -q '^gebruik: cahierd backup    -d DIR OUT  *een samenhangende kopie' &&
	grep -q '^--passphrase-fd N, nooit van de opdrachtregel\\. Afsluitcodes: 0 ok,\$' '$T/help.nl'"
check "... in French" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=fr \
	'$B/cahierd' backup --help | head -n 1 |
	grep -q '^usage : cahierd backup    -d DIR OUT  *une copie cohérente du stockage'"
check "... a second synopsis lines up under the first in Dutch" sh -c "env -u LC_ALL -u LC_MESSAGES \
	LANG=C.UTF-8 LANGUAGE=nl '$B/cahierd' peer --help | sed -n 3p | grep -q '^         cahierd peer list -d DIR  *toon de vertrouwde organisaties\$'"
check "... the options and the command names stay as typed" sh -c "env -u LC_ALL -u LC_MESSAGES \
	LANG=C.UTF-8 LANGUAGE=fr '$B/cahierd' --help | grep -q '^  provider revoke -d DIR KEYID \\[--yes\\]\$'"

# cahierd status: its text follows the language, its labels in one column;
# --json does not change
st_lang() { in_lang "$1" status -d "$T/cpas" >"$T/st.$1"; echo $? >"$T/st.$1.rc"; }
for l in en nl fr; do st_lang "$l"; done
check "status, no daemon: exit 1 in every language" sh -c \
	"[ \$(cat '$T/st.en.rc') = 1 ] && [ \$(cat '$T/st.nl.rc') = 1 ] && [ \$(cat '$T/st.fr.rc') = 1 ]"
check "... in English" sh -c "grep -q '^cahierd: not running on ' '$T/st.en' &&
	grep -q '^cases:        0, no fork\$' '$T/st.en' && grep -q '^certificates: none ends within 30 days\$' '$T/st.en'"
check "... in Dutch" sh -c "grep -q '^cahierd: draait niet op ' '$T/st.nl' &&
	grep -q '^dossiers:     0, geen splitsing\$' '$T/st.nl' &&
	grep -q '^certificaten: geen enkel loopt af binnen 30 dagen\$' '$T/st.nl'"
check "... in French, the column as wide as its widest label" sh -c "grep -q '^cahierd : ne tourne pas sur ' '$T/st.fr' &&
	grep -q '^dossiers :     0, aucune bifurcation\$' '$T/st.fr' &&
	grep -q '^stockage :     organisation ' '$T/st.fr' &&
	grep -q '^certificats :  aucun n.expire dans les 30 jours\$' '$T/st.fr'"
check "status --json is the same in every language" sh -c "
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=en '$B/cahierd' status -d '$T/cpas' --json >'$T/j.en';
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=nl '$B/cahierd' status -d '$T/cpas' --json >'$T/j.nl';
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=fr '$B/cahierd' status -d '$T/cpas' --json >'$T/j.fr';
	grep -q '\"running\":false' '$T/j.en' && cmp -s '$T/j.en' '$T/j.nl' && cmp -s '$T/j.en' '$T/j.fr'"

# The daemon's log: its lines follow the daemon's own locale (as the
# service's Environment= sets it), the names in them as they are.
# run_in L WORD: cpas's daemon in the language L until it logs WORD, then
# stopped; its log in $T/run.L.log
run_in() {
	ri_log=$T/run.$1.log
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE="$1" "$B/cahierd" run -d "$T/cpas" >"$ri_log" 2>&1 &
	PID_cpas=$!
	PIDS="$PIDS $PID_cpas"
	wait_for 30 grep -q "$2" "$ri_log"
	ri_rc=$?
	if [ "$1" = nl ]; then
		in_lang nl status -d "$T/cpas" >"$T/st.run.nl"
		in_lang en status -d "$T/cpas" --json >"$T/j.run"
	fi
	stop cpas
	return $ri_rc
}
check "the daemon's log in English" run_in en \
	"cahierd info: CPAS de Schaerbeek ready: clients on ipc://.*, peers on tcp://"
check "... in Dutch" run_in nl "cahierd info: CPAS de Schaerbeek klaar: clients op ipc://.*, partners op tcp://"
check "... cahierd status of the running daemon, in Dutch" sh -c \
	"grep -q '^cahierd [^ ]*: draait, pid [0-9]*, sinds 0 u 00 min (gemeld ' '$T/st.run.nl'"
check "... status.json, which the Dutch daemon wrote, is read by --json as it is" \
	grep -q '"running":true,"daemon":{' "$T/j.run"
check "... in French" run_in fr "cahierd info: CPAS de Schaerbeek prêt : clients sur ipc://.*, partenaires sur tcp://"
check "... a line at its stop, in French" grep -q "cahierd info: arrêt\$" "$T/run.fr.log"
check "... and nothing in English in the French log but names and endpoints" sh -c \
	"! grep -q ' ready: \\| stopping\$\\|loaded [0-9]* peers' '$T/run.fr.log'"

# Every marked message translated in both catalogues: tests/t96-complete.sh
# (with the Makefile's one list of keywords).
stop_all
done_testing
