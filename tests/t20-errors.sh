#!/bin/sh
# t20-errors.sh - bad input gets one line on stderr starting "cahier: " or
# "cahierd: ", a documented exit code (0 ok, 1 negative answer, 2 usage or
# operational error), and changes nothing; the daemons keep serving.
. "$(dirname "$0")/lib.sh"

q() { "$@" >/dev/null; }
cases() { c "$1" --json case list --all --no-names; }
peers() { "$B/cahierd" peer list -d "$T/$1"; }
provs() { "$B/cahierd" provider list -d "$T/$1"; }
D() { "$B/cahierd" "$@"; }
echo "not the passphrase" >"$T/wp"
chmod 600 "$T/wp"

mkorg a "CPAS Schaerbeek" 1
mkorg b "Wit-Gele Kruis Brussel" 2
mkorg x "Solidaris Thuiszorg" 3     # trusts and is trusted, never in the case
mkorg z "Unverified Org" 4          # has a's and b's cards; nobody imported its card
mkorg q "Broken Key Org" 5          # its org key gets damaged
check "a, b, x exchange cards" mesh a b x
check "z imports a's card (one way only)" trust z a
check "z imports b's card (one way only)" trust z b
for p in "a ann Ann gp" "b bob Bob home-nurse" "x xav Xav gp" "z zed Zed gp"; do
	set -- $p; check "provider $2 at $1" mkprov "$1" "$2" "$3 Test" "$4"
done

# --- 1. wrong passphrase for the org key: nothing starts, nothing certified.
check "cahierd run with a wrong passphrase: exit 2" \
	fails 2 'wrong passphrase' timeout 10 "$B/cahierd" run -d "$T/a" --passphrase-file "$T/wp"
c pat init >/dev/null 2>&1
provs a >"$T/provs.a"
check "provider add with a wrong passphrase: exit 2" \
	fails 2 'wrong passphrase' D provider add -d "$T/a" --request "$T/pat/provider.request" \
	--name "Pat" --role gp -o "$T/pat.cert" --passphrase-file "$T/wp"
check "... no certificate written" [ ! -e "$T/pat.cert" ]
check "... provider list unchanged" same "$T/provs.a" provs a

# --- 3a. a wrong fingerprint is refused and nothing is stored.
peers a >"$T/peers.a"
check "peer add with a wrong fingerprint: exit 2" \
	fails 2 'fingerprint' D peer add -d "$T/a" "$T/z/org.card" --fingerprint "$(fpr b)"
check "... peer list unchanged" same "$T/peers.a" peers a
check "... z is not among a's peers" sh -c "! grep -q 'Unverified Org' '$T/now'"
check "... the refusal does not show the card's real fingerprint (to be copied)" sh -c \
	"! '$B/cahierd' peer add -d '$T/a' '$T/z/org.card' --fingerprint '$(fpr b)' 2>&1 | grep -q '$(fpr z)'"
zf=$(fpr z)
check "a fingerprint cut short is called short, not a mismatch" fails 2 "six groups of five digits \\(30 digits\\), you gave 25" \
	D peer add -d "$T/a" "$T/z/org.card" --fingerprint "${zf% *}"
check "... nothing stored" same "$T/peers.a" peers a

# --- 4. malformed card and key files.
card=$T/z/org.card
echo "this is not a card, just some text" >"$T/bad-garbage.card"
{ sed -n '1,2p' "$card"; sed -n '3p' "$card" | cut -c1-30; tail -n 1 "$card"; } >"$T/bad-trunc.card"
sed 's/ORG CARD/PROVIDER CERT/' "$card" >"$T/bad-label.card"
peers x >"$T/peers.x"
for k in garbage trunc label; do
	check "peer add of a $k card: exit 2" \
		fails 2 'card|not valid|malformed|damaged' D peer add -d "$T/x" "$T/bad-$k.card" --yes
done
check "... x's peer list unchanged" same "$T/peers.x" peers x
for k in garbage trunc label; do
	cp -r "$T/ann" "$T/ann-$k"
done
cp "$T/bad-garbage.card" "$T/ann-garbage/provider.key"
{ sed -n '1,2p' "$T/ann/provider.key"; sed -n '3p' "$T/ann/provider.key" | cut -c1-30; tail -n 1 "$T/ann/provider.key"; } \
	>"$T/ann-trunc/provider.key"
sed 's/SECRET KEY/ORG CARD/' "$T/ann/provider.key" >"$T/ann-label/provider.key"
for k in garbage trunc label; do
	check "cahier with a $k provider key: exit 2" fails 2 'provider\.key' c "ann-$k" status
done
sed -n '1,3p' "$T/q/org.key" >"$T/q/org.key.tmp" && tail -n 1 "$T/q/org.key" >>"$T/q/org.key.tmp" &&
	mv "$T/q/org.key.tmp" "$T/q/org.key"
check "cahierd run with a truncated org key: exit 2" fails 2 'org\.key' timeout 10 "$B/cahierd" run -d "$T/q"
echo garbage >"$T/q/org.key"
check "provider add with a garbage org key: exit 2" fails 2 'org\.key' \
	D provider add -d "$T/q" --request "$T/pat/provider.request" --name Pat --role gp -o "$T/pat.cert"

for o in a b x z; do start $o || exit 1; done
CASE=$(c ann case new "Mevrouw Peeters" 2>/dev/null)
check "case created" [ "${#CASE}" = 32 ]
check "b added to the case" q c ann case add "$CASE" "$T/b/org.card" --role home-nursing
# z's card was never imported at a (its fingerprint never checked by phone):
# the coordinator does not add it.
check "z, whose card a never imported, is not added: exit 2, says peer add" \
	fails 2 'peer add' c ann case add "$CASE" "$T/z/org.card" --role gp
check "ann posts" q c ann post "$CASE" "first note"
check "b has the case" wait_for "$SYNC_WAIT" has_entries bob "$CASE" 3

# --- 1b. wrong passphrase for the provider key.
cases ann >"$T/cases.a"
check "cahier post with a wrong passphrase: exit 2" fails 2 'wrong passphrase' \
	"$B/cahier" --home "$T/ann" --passphrase-file "$T/wp" --timeout 5 post "$CASE" "never stored"
check "... nothing posted" same "$T/cases.a" cases ann

# --- 1c. a passphrase file others may read, one that is missing, one that is empty.
cp "$T/pp" "$T/pp.open"
chmod 644 "$T/pp.open"
check "a passphrase file others may read is refused, with the chmod that fixes it" \
	fails 2 "$T/pp.open may be read by others than its owner: chmod go-rwx $T/pp.open" \
	"$B/cahier" --home "$T/ann" --passphrase-file "$T/pp.open" status
check "... the organization's too" fails 2 "chmod go-rwx $T/pp.open" \
	"$B/cahierd" key export -d "$T/a" --passphrase-file "$T/pp.open"
check "a missing passphrase file is named, with why" \
	fails 2 "cannot read $T/nothing: No such file or directory" \
	"$B/cahier" --home "$T/ann" --passphrase-file "$T/nothing" status
: >"$T/pp.empty"
chmod 600 "$T/pp.empty"
check "an empty one too" fails 2 "$T/pp.empty holds no passphrase" \
	"$B/cahier" --home "$T/ann" --passphrase-file "$T/pp.empty" status

# --- 1h. an unknown subcommand is named, not answered with the usage alone.
check "cahier case frobnicate names the unknown command and lists the known ones" \
	fails 2 "unknown case command 'frobnicate' \\(new, add, remove" c ann case frobnicate
check "cahier case new without its name says which arguments are wrong" \
	fails 2 "case new: wrong arguments" c ann case new

# --- 1g. cahier init over a key that exists refuses before asking for a passphrase.
check "cahier init over an existing key refuses at once, asking nothing" \
	fails 2 "provider.key exists: you have a key already" "$B/cahier" --home "$T/ann" init </dev/null

# --- 1f. what cannot be undone needs --yes when nobody is at a terminal.
check "provider revoke without --yes and without a terminal is refused" \
	fails 2 "cannot be undone: give --yes" "$B/cahierd" provider revoke -d "$T/a" \
	"$("$B/cahierd" provider list -d "$T/a" | head -1 | sed -n 's/.*key \([0-9a-f]*\).*/\1/p')" </dev/null
check "... nothing revoked" same "$T/provs.a" provs a

# --- 1e. a new passphrase that is easy to guess is refused, nothing written.
printf 'Welkom2026!\n' >"$T/weak"
chmod 600 "$T/weak"
check "cahier init with a weak passphrase is refused" fails 2 "too easy to guess" \
	"$B/cahier" --home "$T/weakprov" --passphrase-file "$T/weak" init
check "... no key written" [ ! -e "$T/weakprov/provider.key" ]
check "cahierd init with a weak passphrase is refused" fails 2 "too easy to guess" \
	"$B/cahierd" init -d "$T/weakorg" --name "Zwak" --endpoint "tcp://127.0.0.1:$((PORT_BASE + 9))" \
	--passphrase-file "$T/weak"
check "... no key, no card, no configuration" sh -c "[ ! -e '$T/weakorg/org.key' ] &&
	[ ! -e '$T/weakorg/org.card' ] && [ ! -e '$T/weakorg/cahierd.conf' ]"

# --- 1d. options a command does not take are refused; each command has its help.
check "cahierd run --client-tcp is refused, not ignored (it belongs to init and cahierd.conf)" \
	fails 2 "cahierd run does not take --client-tcp" "$B/cahierd" run -d "$T/a" --client-tcp tcp://127.0.0.1:1
check "an unknown option is refused, naming it" fails 2 "unknown option '--frobnicate'" \
	"$B/cahierd" card -d "$T/a" --frobnicate
check "an option without its value says so" fails 2 "init: .*name needs a value" "$B/cahierd" init -d "$T/new" --name
check "cahierd backup --help shows backup's help alone" sh -c \
	"'$B/cahierd' backup --help | head -1 | grep -q '^usage: cahierd backup ' &&
	! '$B/cahierd' backup --help | grep -q 'provider add'"
check "cahierd provider --help shows the provider commands and the roles" sh -c \
	"'$B/cahierd' provider --help >'$T/ph' && grep -q 'provider revoke' '$T/ph' &&
	grep -q '^ROLE is one of' '$T/ph' && ! grep -q '  run ' '$T/ph'"

# --- 4b. malformed cards for case add.
for k in garbage trunc label; do
	check "case add of a $k card: exit 2" \
		fails 2 'card|not valid|malformed|damaged' c ann case add "$CASE" "$T/bad-$k.card" --role gp
done
check "... nothing added to the case" same "$T/cases.a" cases ann

# --- 2. unknown case ids.
first=$(printf %.1s "$CASE"); case $first in 0) other=1 ;; *) other=0 ;; esac
NOCASE=$other${CASE#?}
NOPFX=$(printf %.8s "$NOCASE")
check "log of an unknown case id: exit 1" fails 1 'no (such )?case' c ann log "$NOCASE"
check "post to an unknown case id: exit 1" fails 1 'no (such )?case' c ann post "$NOCASE" "lost"
check "log of a prefix matching nothing: exit 1" fails 1 'no (such )?case' c ann log "$NOPFX"
check "post to a prefix matching nothing: exit 1" fails 1 'no (such )?case' c ann post "$NOPFX" "lost"
check "... nothing created or posted" same "$T/cases.a" cases ann

# --- 7. a provider of an org outside the case cannot post.
check "post from an org not in the case: exit 1, says not a member" \
	fails 1 'member|no (such )?case' c xav post "$CASE" "intruder note MARKERINTRUDER"
check "... x holds no case" sh -c "[ \"\$(ls '$T/x/cases' 2>/dev/null)\" = '' ]"
check "... a's case unchanged" same "$T/cases.a" cases ann

# --- 3b. an org whose card nobody imported gets nothing; the others still work.
check "ann posts after z was refused" q c ann post "$CASE" "second note"
check "... b still gets it" wait_for "$SYNC_WAIT" has_entries bob "$CASE" 4
# Nothing can be waited for here: z getting nothing leaves no trace. The
# same checks run again at the end, many sync rounds later.
z_has_nothing() { [ "$(ls "$T/z/cases" 2>/dev/null)" = '' ]; }
check "z's daemon holds no case" z_has_nothing
check "z's provider sees no case" sh -c "[ \"\$($B/cahier --home $T/zed --passphrase-file $T/pp --json case list)\" = '[]' ]"
check "z's provider cannot read the case: exit 1" fails 1 'member|no (such )?case' c zed log "$CASE"

# --- 6. a second daemon on the same directory.
check "second cahierd on a's directory: exit 2" \
	fails 2 'another cahierd is already running' timeout 10 "$B/cahierd" run -d "$T/a"
check "... the first keeps serving" q c ann status

# --- 10. accents and non-Latin scripts round-trip byte for byte.
printf '%s' "Huisbezoek ma. — één patiënt; été, garçon, Œuvre; e$(printf '\314\201') (NFD); مرحبا، الضغط ١٢/٨; Привет, давление в норме; 日本語 ✓" >"$T/text"
check "post of a multilingual note" q c ann post "$CASE" "$(cat "$T/text")"
LAST='[.entries[] | select(.kind == "note")][-1].text'
c ann --json log "$CASE" 2>/dev/null | jq -j "$LAST" >"$T/got.a"
check "log at the same org returns the exact bytes" cmp -s "$T/text" "$T/got.a"
check "log at another org returns the exact bytes" wait_for "$SYNC_WAIT" sh -c \
	"$B/cahier --home $T/bob --passphrase-file $T/pp --json log $CASE | jq -j '$LAST' | cmp -s '$T/text' -"
c ann log "$CASE" >"$T/log.a" 2>/dev/null
check "human log shows the exact text" grep -qF "$(cat "$T/text")" "$T/log.a"

# --- 8. no plaintext without its access record committed first.
c ann --json log "$CASE" >"$T/log.json" 2>/dev/null
AR=$(jq -r '.access_record' <"$T/log.json")
stop a KILL
check "access record id returned with the log" sh -c "echo '$AR' | grep -Eq '^[0-9a-f]{64}$'"
start a || exit 1
c ann --json audit "$CASE" >"$T/audit.json" 2>/dev/null
check "the access record survived kill -9" q jq -e --arg id "$AR" \
	'[.records[] | select(.entry == $id and .reader == "Ann Test")] | length == 1' "$T/audit.json"

# --- 5. daemon not running.
stop x
check "status with the daemon stopped: exit 2, mentions the daemon" \
	fails 2 'daemon' "$B/cahier" --home "$T/xav" --passphrase-file "$T/pp" --timeout 2 status
check "... said at once (no waiting out the timeout), with the command that starts it" \
	fails 2 "daemon is not running: nothing listens on .*client.sock \\(start it with: cahierd run -d $T/x\\)" \
	"$B/cahier" --home "$T/xav" --passphrase-file "$T/pp" status

check "z's daemon still holds no case, many sync rounds later" z_has_nothing
check "... and its provider still sees none" \
	sh -c "[ \"\$($B/cahier --home $T/zed --passphrase-file $T/pp --json case list)\" = '[]' ]"

# --- 9. --help everywhere: exit 0, usage on stdout.
helps() { "$@" >"$T/out" 2>"$T/err" && grep -q '^usage: ' "$T/out" && [ ! -s "$T/err" ]; }
check "cahierd --help" helps "$B/cahierd" --help
for s in init peer provider run; do check "cahierd $s --help" helps "$B/cahierd" $s --help; done
check "cahier --help" helps "$B/cahier" --help
for s in init enroll status case post log audit peers; do
	check "cahier $s --help" helps "$B/cahier" --home "$T/nohome" $s --help
done
noargs() { "$B/cahier" >/dev/null 2>"$T/err"; [ $? = 2 ] && grep -q '^usage: ' "$T/err"; }
check "cahier with no command: exit 2, usage on stderr" noargs
done_testing
