#!/bin/sh
# t60-input.sh - what others write reaches the terminal only as visible text;
# roles come from the vocabulary; an admin command that fails changes
# nothing; a case member's card must have been imported with its fingerprint.
. "$(dirname "$0")/lib.sh"

q() { "$@" >/dev/null 2>&1; }
cases() { c "$1" --json case list; }
provs() { "$B/cahierd" provider list -d "$T/$1"; }
D() { "$B/cahierd" "$@"; }

# clean FILE: no byte a terminal would act on: C0 controls but tab and
# newline, DEL, C1 controls (UTF-8 c2 80..9f), the bidirectional controls
# U+200E U+200F U+202A..U+202E U+2066..U+2069 U+061C.
BAD='[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c'
# The one exception: the isolate the client itself puts around right-to-left
# text (escape.h, CLI_ESC_ISOLATE), U+2068 ... U+2069 closed on its line with
# no other isolate or embedding inside; what it encloses is checked still.
clean() {
	LC_ALL=C perl -pe 's/\xe2\x81\xa8((?:(?!\xe2\x81[\xa6-\xa9]).)*)\xe2\x81\xa9/$1/g' \
		"$1" >"$1.iso" || return 1
	if LC_ALL=C grep -qaP "$BAD" "$1.iso"; then
		echo "# raw control bytes in $1:"
		LC_ALL=C grep -naP "$BAD" "$1.iso" | head -n 3 | od -c | head -n 8 | sed 's/^/#   /'
		return 1
	fi
}
# shown COMMAND...: runs the command (stdout and stderr to $T/shown), which
# must succeed and print only clean bytes
shown() { "$@" >"$T/shown" 2>&1 || { echo "# failed: $(head -c 300 "$T/shown")"; return 1; }; clean "$T/shown"; }

RLO=$(printf '\342\200\256')        # U+202E right-to-left override
LRI=$(printf '\342\201\246')        # U+2066 left-to-right isolate
PDI=$(printf '\342\201\251')        # U+2069 pop directional isolate
ALM=$(printf '\330\234')            # U+061C Arabic letter mark
CSI=$(printf '\302\233')            # U+009B, the C1 control sequence introducer
FSI=$(printf '\342\201\250')        # U+2068 first strong isolate

mkorg a "CPAS Molenbeek" 1
# Cards and certificates refuse C1 and bidirectional controls in names (as
# they refuse C0 ones): such a name is never made, so never shown.
"$B/cahierd" init -d "$T/bad" --name "Thuiszorg ${RLO}tsoO" --endpoint tcp://127.0.0.1:1 \
	--passphrase-file "$T/orgpass" >"$T/bad.out" 2>&1; rc=$?
check "cahierd init with a bidi control in the name: exit 2" [ "$rc" = 2 ]
check "... says the card cannot be made" grep -q "card" "$T/bad.out"
check "... and writes nothing: no key, no configuration" \
	sh -c "[ ! -e '$T/bad/org.key' ] && [ ! -e '$T/bad/cahierd.conf' ]"
mkorg b "Thuiszorg Oost" 2
mkorg c "Gezinszorg Noord" 3             # imported by a, kept out of the case
mkorg x "Solidaris Thuiszorg" 4          # nobody imports its card
check "a and b exchange cards" mesh a b
check "a imports c's card" trust a c
check "provider at a" mkprov a ann "Ann Test" coordinator
c bobx init >/dev/null 2>&1
check "provider add with a C1 control in the name: exit 2" fails 2 "certify|name" \
	D provider add -d "$T/b" --request "$T/bobx/provider.request" --name "Bob ${CSI}31m Test" \
	--role home-nurse -o "$T/bobx.cert" --passphrase-file "$T/orgpass"
check "... no certificate written" [ ! -e "$T/bobx.cert" ]
check "provider at b" mkprov b bob "Bob Test" home-nurse
start a || exit 1
start b || exit 1

# --- 1. notes, case names, people's and organizations' names reach the
# terminal with every control shown as an escape, in text and in JSON.
CASENAME=$(printf 'Dossier\r\033[2KMevrouw %sX%s %s MARKERCASE' "$LRI" "$PDI" "$ALM")
CASE=$(c ann case new "$CASENAME" 2>/dev/null)
check "case with control characters in its name created" [ "${#CASE}" = 32 ]
check "b added to the case" q c ann case add "$CASE" "$T/b/org.card" --role home-nursing
printf 'Huisbezoek ok, été, مرحبا, Привет.\r\033[2K2026-01-01 09:00  Dr. Fake (gp) \302\267 Huisarts\n    stop the insulin%s \033]0;title\007 \177 %s MARKERNOTE' \
	"$RLO" "$CSI" >"$T/note"
check "note with control characters posted" q c ann post "$CASE" "$(cat "$T/note")"
check "person with control characters in the name recorded" \
	shown c ann case person "$CASE" --role informal-carer --name "$(printf 'Jan\033[8m Peeters\r')"
check "b has the case" wait_for "$SYNC_WAIT" has_entries bob "$CASE" 4
check "bob reads the case (his name reaches the audit)" q c bob log "$CASE"

check "cahier log prints no raw control byte" shown c ann log "$CASE"
cp "$T/shown" "$T/log.txt"
check "... the carriage return and the escape are shown as backslash-r and backslash-x1b" \
	grep -qF '\r\x1b[2K2026-01-01 09:00  Dr. Fake' "$T/log.txt"
check "... the bidi and C1 controls are shown as backslash-u escapes" \
	sh -c "grep -qF 'insulin\\u202e' '$T/log.txt' && grep -qF '\\u009b MARKERNOTE' '$T/log.txt'"
check "... the case name's controls are shown" \
	grep -qF 'Dossier\r\x1b[2KMevrouw \u2066X\u2069 \u061c MARKERCASE' "$T/log.txt"
check "... no forged entry header: the note's second line is indented" \
	sh -c "! grep -q '^[^ ].*stop the insulin' '$T/log.txt' && grep -q '^        stop the insulin' '$T/log.txt'"
check "... accents, Arabic and Cyrillic as they are" grep -qF 'Huisbezoek ok, été, مرحبا, Привет.' "$T/log.txt"
check "... the line with Arabic isolated by the client, once" sh -c \
	"grep -qF '    ${FSI}Huisbezoek ok, été, مرحبا, Привет.' '$T/log.txt' && [ \$(grep -c '$FSI' '$T/log.txt') = 1 ]"

check "cahier log --json prints no raw control byte" shown c ann --json log "$CASE"
cp "$T/shown" "$T/log.json"
check "... it is JSON, and the note comes back byte for byte" sh -c \
	"jq -j '[.entries[] | select(.kind == \"note\")][0].text' '$T/log.json' | cmp -s '$T/note' -"
check "... the bidi control is a backslash-u escape" grep -qF '\u202e' "$T/log.json"

check "cahier network prints no raw control byte" shown c ann network "$CASE"
check "... nor with --json" shown c ann --json network "$CASE"
check "cahier audit prints no raw control byte" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/ann' --passphrase-file '$T/pp' audit '$CASE' 2>&1 | grep -q 'Bob' "
check "... text" shown c ann audit "$CASE"
check "... nor with --json" shown c ann --json audit "$CASE"
check "cahier status prints no raw control byte" shown c bob status
check "... nor with --json" shown c bob --json status
check "cahier peers prints no raw control byte" shown c ann peers
check "... nor with --json" shown c ann --json peers
check "cahier case list prints no raw control byte" shown c ann case list

# --- 2. roles come from the vocabulary.
c dan init >/dev/null 2>&1
provs a >"$T/provs.a"
check "provider add --role family: exit 2, lists the roles" \
	fails 2 "unknown role 'family'.*gp.*home-nurse.*trusted-person" \
	D provider add -d "$T/a" --request "$T/dan/provider.request" --name "Dan" --role family \
	-o "$T/dan.cert" --passphrase-file "$T/orgpass"
check "... no certificate written" [ ! -e "$T/dan.cert" ]
check "... provider list unchanged" same "$T/provs.a" provs a
cases ann >"$T/cases.a"
check "case add --role family: exit 2, lists the roles" \
	fails 2 "unknown role 'family'.*gp.*social-service" c ann case add "$CASE" "$T/c/org.card" --role family
check "case add --role patient (a person's role): exit 2" \
	fails 2 "'patient' is a role of the people around the person" \
	c ann case add "$CASE" "$T/c/org.card" --role patient
check "case person --role doctor: exit 2, lists the people's roles" \
	fails 2 "role 'doctor'.*patient.*trusted-person.*informal-carer" \
	c ann case person "$CASE" --role doctor --name "Dr. Who"
check "case person --role gp (a professional's role): exit 2" \
	fails 2 "role 'gp'.*trusted-person" c ann case person "$CASE" --role gp --name "Dr. Who"
check "case person --until in the past: exit 2" \
	fails 2 "past" c ann case person "$CASE" --role trusted-person --name "Tina" --until 2001-01-01
check "... nothing written to the case" same "$T/cases.a" cases ann
NEXT=$(date -u -d '+1 year' +%Y-%m-%d)
check "case person --role trusted-person --until next year: recorded" \
	q c ann case person "$CASE" --role trusted-person --name "Tina" --until "$NEXT"
cases ann >"$T/cases.a"

# --- 3. provider add: re-certifying takes --replace; a failure changes nothing.
c pat init >/dev/null 2>&1
check "pat certified" q D provider add -d "$T/a" --request "$T/pat/provider.request" \
	--name "Pat One" --role gp -o "$T/pat1.cert" --passphrase-file "$T/orgpass"
provs a >"$T/provs.a"
check "provider add of a certified key without --replace: exit 2" \
	fails 2 "already certified.*--replace" D provider add -d "$T/a" --request "$T/pat/provider.request" \
	--name "Pat Two" --role gp -o "$T/pat2.cert" --passphrase-file "$T/orgpass"
check "... no certificate written" [ ! -e "$T/pat2.cert" ]
check "... provider list unchanged" same "$T/provs.a" provs a
c quinn init >/dev/null 2>&1
: >"$T/exists.cert"
check "provider add with an existing -o file: exit 2" \
	fails 2 "exists" D provider add -d "$T/a" --request "$T/quinn/provider.request" \
	--name "Quinn" --role gp -o "$T/exists.cert" --passphrase-file "$T/orgpass"
check "... the file untouched" [ ! -s "$T/exists.cert" ]
check "... provider list unchanged (quinn not certified)" same "$T/provs.a" provs a
check "--replace with an existing -o file: exit 2" \
	fails 2 "exists" D provider add -d "$T/a" --request "$T/pat/provider.request" \
	--name "Pat Two" --role gp -o "$T/exists.cert" --passphrase-file "$T/orgpass" --replace
check "... provider list unchanged" same "$T/provs.a" provs a
check "provider add --replace re-certifies" q D provider add -d "$T/a" \
	--request "$T/pat/provider.request" --name "Pat Two" --role gp -o "$T/pat2.cert" \
	--passphrase-file "$T/orgpass" --replace
check "... the new certificate is the one listed" sh -c \
	"provs() { '$B/cahierd' provider list -d '$T/a'; }; provs | grep -q '^Pat Two' && ! provs | grep -q '^Pat One'"

# --- 4. DAEMON-SIDE CHECK (the daemon refuses it; the client passes its
# message on): case add of a card this organization never imported with a
# checked fingerprint is refused, and says what to do.
check "case add of a card never imported: exit 2, says 'peer add' [daemon-side]" \
	fails 2 "peer add" c ann case add "$CASE" "$T/x/org.card" --role gp
check "... nothing written to the case" same "$T/cases.a" cases ann
# A revoked key (a lost laptop) is never certified again, not even with --replace.
KID=$("$B/cahierd" provider list -d "$T/a" | awk -F'\t' '/^Pat Two/ { sub(/^key /, "", $3); print $3 }')
check "the provider's key is revoked" q D provider revoke -d "$T/a" "$KID" --yes
provs a >"$T/provs.r"
check "provider add of a revoked key: exit 2, says revoked" \
	fails 2 "revoked" D provider add -d "$T/a" --request "$T/pat/provider.request" \
	--name "Pat Three" --role gp -o "$T/pat3.cert" --passphrase-file "$T/orgpass" --replace
check "... provider list unchanged" same "$T/provs.r" provs a
check "... no certificate written" [ ! -e "$T/pat3.cert" ]

# --- texts and case ids as people type them
UPPER=$(printf '%s' "$CASE" | cut -c1-8 | tr 'a-f' 'A-F')
check "an upper-case hex case prefix is taken" sh -c \
	"'$B/cahier' --home '$T/ann' --passphrase-file '$T/pp' log '$UPPER' >/dev/null 2>&1"
check "... and the whole id in upper case too" sh -c \
	"'$B/cahier' --home '$T/ann' --passphrase-file '$T/pp' log \"\$(printf '%s' '$CASE' | tr 'a-f' 'A-F')\" >/dev/null 2>&1"
check "a note of only spaces and blank lines is refused" fails 2 "only spaces or blank lines says nothing" \
	c ann note "$CASE" "$(printf '   \n\t  ')"
head -c 65537 /dev/zero | tr '\0' 'a' >"$T/big"
check "a note over 64 KiB is refused, saying the limit" fails 2 "at most 65536 bytes \\(64 KiB\\)" \
	sh -c "'$B/cahier' --home '$T/ann' --passphrase-file '$T/pp' --timeout 20 note '$CASE' - <'$T/big'"
head -c 65536 /dev/zero | tr '\0' 'b' >"$T/big"
check "... one of exactly 64 KiB is posted" sh -c \
	"'$B/cahier' --home '$T/ann' --passphrase-file '$T/pp' --timeout 20 note '$CASE' - <'$T/big' >/dev/null"
check "cahier note --help says the limit" sh -c "'$B/cahier' note --help | grep -q '64 KiB'"

done_testing
