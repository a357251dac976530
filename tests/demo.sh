#!/bin/sh
# demo.sh - cahier end to end, told for a newcomer: three organizations around
# one person (DOMAIN.md, case 2), three real daemons on 127.0.0.1, a shared
# notebook that syncs by itself, an audit of every read, no plaintext at rest.
# Run by 'make demo'; BUILD names the build directory (default: build).
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case ${BUILD:=build} in /*) B=$BUILD ;; *) B=$ROOT/$BUILD ;; esac
[ -x "$B/cahierd" ] && [ -x "$B/cahier" ] || { echo "demo: no binaries in $B (run 'make BUILD=$BUILD all')" >&2; exit 2; }
LIB_TAP=0                           # a demo, not a test: no TAP lines
. "$ROOT/tests/lib.sh"              # sets T (work dir), PORT_BASE, wait_for, start
SYNC_MS=300

cleanup() {
	trap - EXIT
	stop_all
	if [ -n "$KEEP" ]; then echo "(work directory kept: $T)"; else rm -rf "$T"; fi
}
fail() {
	echo "demo: FAILED: $*" >&2
	for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }; done
	exit 1
}
trap 'exit 130' INT TERM
cd "$T" || exit 2
export PATH="$B:$PATH" CAHIER_PASSPHRASE_FILE="$T/pp"

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
section() { echo; echo "== $1"; echo "$2"; }
ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { if [ "$1" -lt 1000 ]; then echo "$1 ms"; else printf '%d.%d s' $(($1 / 1000)) $(($1 % 1000 / 100)); fi; }
# count ORG: entries of the case in ORG's store, read straight from LMDB
count() { mdb_stat -s entries "$T/$1/cases/$CASE" 2>/dev/null | sed -n 's/ *Entries: //p'; }
at() { [ "$(count "$1")" = "$2" ]; }
all_at() { at cpas "$1" && at nurse "$1" && at gp "$1"; }
# arrive ORG N T0 [WORDS]: wait (at most SYNC_WAIT s from now) until ORG's
# daemon holds N entries
arrive() {
	a_secs=$((SYNC_WAIT * WAIT_SCALE))
	a_end=$(($(ms) + a_secs * 1000))
	while :; do
		at "$1" "$2" && { echo "      → ${4:-arrived at} $(name "$1") after $(secs $(($(ms) - $3)))"; return 0; }
		[ "$(ms)" -le "$a_end" ] || break
		sleep 0.01
	done
	diag "gave up after $a_secs s waiting for: entry $2 to reach $(name "$1") (it holds $(count "$1"))"
	fail "entry $2 did not reach $(name "$1") within $a_secs s"
}
name() { sed -n 's/^name = //p' "$T/$1/cahierd.conf"; }
fpr_of() { cahierd card -d "$1" 2>&1 >/dev/null | sed -n 's/.*fingerprint: //p'; }
# launch ORG: start its daemon (lib.sh's start: waits for the ready line of
# this run, and says why when there is none)
launch() {
	echo "  \$ cahierd run -d $1 &"
	start "$1" || fail "the daemon of $1 did not start"
	echo "      $(sed -n 's/.* info: \(.* ready: .*\)/\1/p' "$T/$1.log" | tail -n 1)"
}

echo "cahier demo: a shared care notebook between three organizations in Brussels"
echo "(work directory $T; every daemon listens on 127.0.0.1 only)"

section "1. Three organizations create their keys" \
"Each organization runs one daemon with its own signing key, sealed with a passphrase."
i=0
for o in "cpas|OCMW/CPAS Anderlecht — sociale dienst" \
	"nurse|Thuisverpleging Zuid / Soins à domicile Sud" "gp|Huisartsenpraktijk Noord"; do
	i=$((i + 1))
	show cahierd init -d "${o%%|*}" --name "${o#*|}" --endpoint "tcp://127.0.0.1:$((PORT_BASE + i))" \
		--sync-ms $SYNC_MS --passphrase-file orgpass || fail "cahierd init ${o%%|*}"
done

section "2. They exchange cards and check each fingerprint by phone" \
"A card is a small signed text file; the digits read over the phone prove whose it is."
show cahierd card -d nurse || fail "cahierd card"
for a in cpas nurse gp; do for b in cpas nurse gp; do
	[ $a = $b ] || show cahierd peer add -d $a $b/org.card --fingerprint "$(fpr_of $b)" || fail "peer add $a $b"
done; done
echo "A card whose fingerprint does not match what was read on the phone is refused:"
show cahierd peer add -d gp cpas/org.card --fingerprint "12345 12345 12345 12345 12345 12345" &&
	fail "a wrong fingerprint was accepted"

section "3. Each organization certifies its providers" \
"A provider makes a key on their own device; the organization signs a certificate for it."
for p in "cpas|ines|Inès Dubois|social-worker" "nurse|sophie|Sophie Lambert|home-nurse" \
	"gp|karim|Dr. Karim El Idrissi|gp"; do
	IFS='|' read -r org home who role <<EOF
$p
EOF
	show -q cahier --home $home init || fail "cahier init $home"
	show cahierd provider add -d $org --request $home/provider.request --name "$who" --role $role -o $home.cert ||
		fail "provider add $home"
	show cahier --home $home enroll --cert $home.cert --card $org/org.card --daemon ipc://$org/client.sock ||
		fail "enroll $home"
done

section "4. The three daemons start" \
"They connect to each other over ZeroMQ with CURVE; only keys from trusted cards get in."
for o in cpas nurse gp; do launch $o; done

section "5. The coordinator (the CPAS) opens the case and adds both organizations" \
"The case name is encrypted; the case id is bound to the coordinator's key."
show cahier --home ines case new "Mevrouw Maria Peeters (°1955), Kuregem" || fail "case new"
CASE=$(head -n 1 "$T/out")
show cahier --home ines case add "$CASE" nurse/org.card --role home-nursing || fail "case add nurse"
show cahier --home ines case add "$CASE" gp/org.card --role gp || fail "case add gp"
wait_for "$SYNC_WAIT" all_at 3 || fail "the case did not reach both members"

N1="Huisbezoek 12/3 met mevrouw Peeters. Huurcontract eindigt 30/11; zij wil in de buurt blijven, aanvraag sociale woning ingediend. Elle refuse encore l'aide familiale pour la toilette: on n'insiste pas, je repasse jeudi."
N2="Passage 8h: vriendelijk maar verward over de datum. Pilulier de la semaine rempli, 2 doses du week-end non prises. Accepte la douche si c'est moi qui viens, pas une nouvelle personne."
N3="Home visit: MMSE 21/30, mood low, no acute somatic problem. Ik verwijs naar het PTZ-team. Please keep the same nurse for the morning visits; continuity matters more than the schedule."
N4="Bloedafname donderdag 8u bij haar thuis (TSH, B12, foliumzuur), nuchter. Could the nurse remind her the evening before?"
N5="Réunion de concertation proposée le 26/3 à 14h chez Mme Peeters, avec sa fille (personne de confiance). Wie kan er komen?"
# post HOME TEXT N ORG...: post, then time the arrival of entry N at each ORG
# from the moment the author's daemon acknowledged the post
post() {
	h=$1 text=$2 n=$3; shift 3
	show cahier --home $h post "$CASE" "$text" || fail "post by $h"
	t0=$(ms)
	for o in "$@"; do arrive $o $n $t0; done
}
section "6. Each organization posts; the others receive it with no command" \
"A post is signed by the provider, encrypted, committed to disk, then pushed to the other daemons."
post ines "$N1" 4 nurse gp
post sophie "$N2" 5 cpas gp
post karim "$N3" 6 cpas nurse

N6="Labo: HbA1c 8,2 %, créatinine normale. Metformine verhoogd naar 2x 850 mg."
section "7. A note for the medical audience only" \
"The GP writes a lab result for medical roles. The CPAS coordinates, so its daemon holds every key, but it
shows the note only to medical roles: its social worker sees that the note exists, not what it says."
show cahier --home karim post --audience medical "$CASE" "$N6" || fail "post --audience medical"
t0=$(ms); arrive nurse 7 "$t0"; arrive cpas 7 "$t0"
show -q cahier --home sophie log "$CASE" || fail "log as the nurse"
grep -qF "HbA1c 8,2" "$T/out" || fail "the nurse does not read the medical note"
echo "      the nurse (home-nurse) reads it: $(grep -F "HbA1c 8,2" "$T/out" | sed 's/^ *//')"
show -q cahier --home ines log "$CASE" || fail "log as the social worker"
grep -qF "HbA1c 8,2" "$T/out" && fail "the social worker reads the medical note"
grep -qF "(an entry for an audience you are not in)" "$T/out" || fail "the social worker's log hides nothing"
echo "      the social worker (social-worker) sees only:"
grep -B1 -F "(an entry for an audience you are not in)" "$T/out" | sed 's/^/      /'
wait_for "$SYNC_WAIT" all_at 9 || fail "the two access records did not reach every daemon"

section "8. The nursing service goes offline; the others keep working; it catches up" \
"Stopping its daemon; meanwhile the GP and the CPAS post."
stop nurse
echo "      (daemon of $(name nurse) stopped: it holds $(count nurse) entries)"
post karim "$N4" 10 cpas
post ines "$N5" 11 gp
echo "Restarting it; it asks its peers what it missed:"
t0=$(ms); launch nurse; arrive nurse 11 "$t0" "caught up: 11 entries at"

section "9. The timeline, as the GP sees it" \
"The daemon writes an access record for this read, commits it, and only then answers."
show cahier --home karim log "$CASE" || fail "log as the GP"
cp "$T/out" "$T/screen.gp"
echo "The nurse and the coordinator read the notebook too:"
show -q cahier --home sophie log "$CASE" || fail "log as the nurse"
show -q cahier --home ines log "$CASE" --purpose coordination || fail "log as the coordinator"

section "10. Who read what: the audit, as the coordinator sees it" \
"Access records sync like any entry, so each organization sees every organization's reads."
wait_for "$SYNC_WAIT" all_at 14 || fail "the access records did not reach every daemon"
show cahier --home ines audit "$CASE" || fail "audit"
grep -q "Dr. Karim El Idrissi (gp) · Huisartsenpraktijk Noord  read" "$T/out" || fail "the GP's read is not in the audit"

section "11. The care network, as the coordinator sees it" \
"Who is in the case, with which role, which audiences each holds keys for; this read is recorded too."
show cahier --home ines network "$CASE" || fail "network"

section "12. Nothing readable at rest" \
"Search every file of the three daemons (LMDB stores included) for the case name and a phrase of each note."
wait_for "$SYNC_WAIT" all_at 16 || fail "the daemons did not converge"
FILES=$(find "$T/cpas" "$T/nurse" "$T/gp" -type f | sort)
nf=0; for f in $FILES; do nf=$((nf + 1)); done
hits=0; nn=0
for s in "Maria Peeters" "sociale woning" "Pilulier de la semaine" "MMSE 21/30" "foliumzuur" "concertation proposée" "HbA1c 8,2"; do
	nn=$((nn + 1))
	for f in $FILES; do LC_ALL=C grep -qF "$s" "$f" && { echo "      FOUND \"$s\" in $f"; hits=$((hits + 1)); }; done
	grep -qF "$s" "$T/screen.gp" || fail "control: \"$s\" is not on the GP's screen"
done
[ $hits = 0 ] || fail "plaintext found in LMDB"
echo "      searched $nf files ($(echo "$FILES" | grep -c '\.mdb$') of them LMDB) for $nn strings: found nothing"
echo "      (the same strings were all on the GP's screen in step 9: the search works)"
for o in cpas nurse gp; do mdb_dump -s entries "$T/$o/cases/$CASE" >"$T/feed.$o" || fail "mdb_dump $o"; done
cmp -s feed.cpas feed.nurse && cmp -s feed.cpas feed.gp || fail "the feeds differ between daemons"
echo "      the three daemons hold byte-identical feeds ($(count gp) entries, access records included)"

echo
echo "== Done: stopping the three daemons and removing $T"
