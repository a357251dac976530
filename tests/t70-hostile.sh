#!/bin/sh
# t70-hostile.sh - a member organization turned hostile (the GP practice, its
# daemon stopped, its keys in tests/tools/forge) attacks the coordinator's
# peer socket with raw messages: an oversized frame, a message of several
# frames, a non-zero status byte, batches of a case it does not hold
# (counting what it asks back), a flood of SYNCs that each ask for the
# whole case (over one and over many connections, never reading the
# answers), a flood of refused entries; then, removed from the case, its
# next entry. No peer may stop the coordinator from serving, and what each
# attack costs it stays under the bounds that daemon/sync.h and
# daemon/log.h state: memory, log lines. (tests/t71 shows that two honest
# daemons holding entries the other refuses do not send them back and
# forth.)
#
# Environment: NOTES (notes of about 1 KB posted to make the case big,
# default 200), FLOOD (SYNCs in the flood, default 2000), CONNS (connections
# of the last SYNC flood, default 64), FORGE (the forge
# binary, default $B/tests/tools/forge: set it to run this file against the
# daemons of another build whose forge lacks these kinds).
. "$(dirname "$0")/lib.sh"
ASAN_PEAK="AddressSanitizer keeps freed memory in quarantine: the peak is not the daemon's"

FORGE=${FORGE:-$B/tests/tools/forge}
SRC=$(cd "$(dirname "$0")/.." && pwd)
NOTES=${NOTES:-200}
FLOOD=${FLOOD:-2000}
quiet() { "$@" >/dev/null 2>&1; }
diag() { echo "# $*"; }

# --- The bounds, as daemon/sync.h and daemon/log.h state them ------------------
# def FILE NAME: the value of a #define, as a shell arithmetic expression
def() { sed -n "s/^#define $2 //p" "$SRC/daemon/$1" | sed 's/\([0-9]\)u\b/\1/g'; }
BATCH=$(($(def sync.h SYNC_BATCH_BYTES)))
FRAME=$(($(def sync.h SYNC_FRAME_MAX | sed "s/SYNC_BATCH_BYTES/$BATCH/")))
ANSWER=$(($(def sync.h SYNC_ANSWER_BYTES)))
HWM=$(($(def sync.h SYNC_HWM)))
BURST=$(($(def log.h LOG_BURST)))
WINDOW_MS=$(($(def log.h LOG_WINDOW_MS)))
bounds_read() { [ "$BATCH" -gt 0 ] && [ "$FRAME" -gt "$BATCH" ] && [ "$ANSWER" -gt 0 ] &&
	[ "$HWM" -gt 0 ] && [ "$BURST" -gt 0 ] && [ "$WINDOW_MS" -gt 0 ]; }
check "sync.h and log.h state the bounds this test measures against" bounds_read
# What one peer can hold in the daemon's memory (sync.h): the answers of one
# round and one frame in the outbox, the queues of its two connections (both
# ways), one batch being checked.
PEER_KIB=$(((ANSWER + FRAME + 4 * HWM * FRAME + FRAME) / 1024))
diag "bounds: frame $((FRAME / 1024)) KiB, answers $((ANSWER >> 20)) MiB per round," \
	"$HWM messages per connection: one peer holds at most $((PEER_KIB / 1024)) MiB"
diag "log: at most $BURST lines per peer per $((WINDOW_MS / 1000)) s, and one line counting the rest"

mkorg cpas "CPAS d'Anderlecht — service social" 1
mkorg nurse "Thuisverpleging Zuid" 2
mkorg gp "Huisartsenpraktijk Noord" 3
GPNAME="Huisartsenpraktijk Noord"
check "cards exchanged with fingerprints checked" mesh cpas nurse gp
check "provider at the CPAS" mkprov cpas ines "Inès Dubois" social-worker
check "provider at the nursing service" mkprov nurse sophie "Sophie Lambert" home-nurse
check "provider at the GP practice" mkprov gp karim "Dr. Karim El Idrissi" gp
for o in cpas nurse gp; do start_ready $o || exit 1; done

CASE=$(c ines case new "Mevrouw Peeters" 2>/dev/null)
check "case created" [ "${#CASE}" = 32 ]
check "nursing service added" quiet c ines case add "$CASE" "$T/nurse/org.card" --role home-nursing
check "GP practice added" quiet c ines case add "$CASE" "$T/gp/org.card" --role gp
check "case reaches the GP practice" wait_for "$SYNC_WAIT" has_entries karim "$CASE" 3

# A big case: every answer to "I hold nothing" carries all of it.
LINE="Wondzorg linkervoet, verband vervangen, pijn 3/10, huid rond de wonde rood maar niet warm."
TEXT=""
for _ in 1 2 3 4 5 6 7 8 9 10 11; do TEXT="$TEXT$LINE "; done
posted=0
for i in $(seq 1 "$NOTES"); do
	c ines post "$CASE" "Nota $i: $TEXT" >/dev/null 2>&1 && posted=$((posted + 1))
done
check "the coordinator posted $NOTES notes of ${#TEXT} characters" [ "$posted" = "$NOTES" ]
N0=$((NOTES + 3))
for h in sophie karim; do
	check "every note reaches $h" wait_for 60 has_entries $h "$CASE" $N0
done
CASE_KIB=$(($(du -sk "$T/cpas/cases/$CASE" | cut -f1)))
diag "the case: $N0 entries, $CASE_KIB KiB on disk at the coordinator"
# A case of the GP's own that the coordinator does not hold (section 4).
GPCASE=$(c karim case new "Dossier huisarts" 2>/dev/null)
check "the GP practice made a case of its own" [ "${#GPCASE}" = 32 ]
# Let the last round of sync settle before the GP goes quiet.
sleep 0.5
stop gp

forge() {
	"$FORGE" -d "$T/gp" --passphrase-file "$T/orgpass" --case "$CASE" \
		--to "tcp://127.0.0.1:$((PORT_BASE + 1))" --to-card "$T/cpas/org.card" \
		--provider-key "$T/karim/provider.key" --provider-pass "$T/pp" \
		--provider-cert "$T/karim/provider.cert" --kind "$@"
}
# kib FIELD: VmHWM (peak) or VmRSS of the coordinator's daemon, in KiB
kib() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$PID_cpas/status"; }
# reset_peak: VmHWM back to the current RSS (Linux clear_refs 5)
reset_peak() { echo 5 >"/proc/$PID_cpas/clear_refs" 2>/dev/null; }
nlines() { wc -l <"$T/cpas.log" | tr -d ' '; }
new_lines() { tail -n +"$(($1 + 1))" "$T/cpas.log"; }
has_line() { new_lines "$1" | grep -q "$2"; }
count_lines() { new_lines "$1" | grep -c "$2"; }
POSTS=0
# serves WHAT: the coordinator still runs, answers its provider's status
# within 5 s, and a new post of the nurse reaches it
serves() {
	check "$1: coordinator still running" kill -0 "$PID_cpas"
	check "$1: coordinator answers 'cahier status' within 5 s" quiet \
		"$B/cahier" --home "$T/ines" --passphrase-file "$T/pp" --timeout 5 status
	cnt=$(entries_count ines "$CASE")
	POSTS=$((POSTS + 1))
	check "$1: nurse posts" quiet c sophie post "$CASE" "Na $1: alles rustig ($POSTS)."
	check "$1: the nurse's post reaches the coordinator" \
		wait_for "$SYNC_WAIT" has_entries ines "$CASE" $((cnt + 1))
}

# --- 2. An oversized frame: the connection is dropped before it is read ---------
BIG=$((64 << 20))
reset_peak
hwm0=$(kib VmHWM)
n0=$(nlines)
check "bigframe: forge sends one frame of $((BIG >> 20)) MiB" \
	forge bigframe --bytes "$BIG" --wait 5000 2>"$T/forge.big"
sed 's/^/#   /' "$T/forge.big"
check "bigframe: the coordinator dropped the connection" \
	grep -q "the peer dropped the connection" "$T/forge.big"
# Invariant 4 asks for a clear log line for an oversized input too; ZeroMQ
# drops the connection before the daemon sees the frame.
todo "the daemon logs nothing when ZeroMQ drops an oversized frame" \
	"bigframe: the coordinator's log says it dropped an oversized frame from the GP" \
	has_line "$n0" "$GPNAME"
hwm1=$(kib VmHWM)
diag "bigframe: coordinator's peak memory $hwm0 KiB before, $hwm1 KiB after" \
	"(+$((hwm1 - hwm0)) KiB for a frame of $((BIG / 1024)) KiB; frame limit $((FRAME / 1024)) KiB)"
if sanitized; then
	skip "bigframe: the peak grew by less than the frame limit" "$ASAN_PEAK"
else
	check "bigframe: the peak grew by less than the frame limit, far less than the frame" \
		[ $((hwm1 - hwm0)) -lt $((FRAME / 1024)) ]
fi
serves bigframe

# --- 3. Several frames, a non-zero status byte: one log line each -------------
n0=$(nlines)
check "frames: forge sends a SYNC followed by two extra frames" quiet forge frames
check "frames: the coordinator logs one refusal" \
	wait_for 5 has_line "$n0" "message of several frames from $GPNAME refused"
sleep 0.5
check "frames: exactly one line in the log (got $(count_lines "$n0" "$GPNAME"))" \
	[ "$(count_lines "$n0" "$GPNAME")" = 1 ]
new_lines "$n0" | grep "$GPNAME" | sed 's/^/#   /'
serves frames

n0=$(nlines)
check "status: forge sends a SYNC with status byte 1" quiet forge status
check "status: the coordinator logs one refusal" \
	wait_for 5 has_line "$n0" "malformed message ([0-9]* bytes) from $GPNAME refused"
sleep 0.5
check "status: exactly one line in the log (got $(count_lines "$n0" "$GPNAME"))" \
	[ "$(count_lines "$n0" "$GPNAME")" = 1 ]
new_lines "$n0" | grep "$GPNAME" | sed 's/^/#   /'
serves status

# --- 4. Batches of a case the coordinator does not hold ------------------------
# Each is a whole push of a valid entry of the GP's own case, which the
# coordinator cannot join from it: it asks the GP for the case (a SYNC
# claiming nothing) at most once per SYNC_WAIT_MS, however many batches
# come (daemon/sync.c); it asked once per batch before. forge reads the
# answers. The wait of any earlier request to the GP runs out first (the
# GP is stopped, so nothing starts another), so the first batch is asked
# for: once, and no more.
WAIT_MS=$(($(def sync.h SYNC_WAIT_MS)))
UNHELD=${UNHELD:-20}
sleep $((WAIT_MS / 1000 + 1))
n0=$(nlines)
check "unheld: forge sends $UNHELD batches of a case the coordinator does not hold" \
	forge unheld --case "$GPCASE" --count "$UNHELD" --wait 2000 2>"$T/forge.unheld"
sed 's/^/#   /' "$T/forge.unheld"
asks=$(sed -n 's/^forge: answers: \([0-9]*\) SYNC.*/\1/p' "$T/forge.unheld")
check "unheld: forge read the answers" [ -n "$asks" ]
check "unheld: SYNC_WAIT_MS ($WAIT_MS) is longer than the 2 s forge listens" [ "$WAIT_MS" -gt 2000 ]
check "unheld: the coordinator asked for the case once (asked ${asks:-?} times for $UNHELD batches)" \
	[ "${asks:-99}" = 1 ]
check "unheld: it joined nothing" eval '! new_lines "$n0" | grep -q "joined a case"'
check "unheld: it holds no such case" eval '[ -z "$(ls "$T/cpas/cases" | grep -i "$GPCASE")" ]'
serves unheld

# --- 1. A flood of SYNCs that each claim to hold nothing -------------------------
# ticks: the CPU time the coordinator's daemon used so far (clock ticks)
ticks() { awk '{ print $14 + $15 }' "/proc/$PID_cpas/stat"; }
# idle: it used at most 5 ticks (50 ms at 100 Hz) in the next half second
# (a flood keeps it at 100 %; a nurse's post costs a few ms)
idle() { t=$(ticks); sleep 0.5; [ $(($(ticks) - t)) -le 5 ]; }
# fresh_window: sleep out the log window of lines about the GP
fresh_window() { sleep $((WINDOW_MS / 1000 + 1)); }
# all_passed OK OF: OF probes ran, OK of them passed, all of them
all_passed() { [ "$2" -gt 0 ] && [ "$1" = "$2" ]; }
# flood NAME ARGS...: forge floods (forge ARGS) in the background; while it
# runs and until the coordinator is idle again (at most 120 probes), its
# provider asks for its status and the nurse posts; then the coordinator's
# memory and log are measured.
flood() {
	name=$1; shift
	reset_peak
	hwm0=$(kib VmHWM)
	n0=$(nlines)
	t0=$(date +%s%N)
	forge "$@" 2>"$T/forge.$name" &
	fpid=$!
	probes=0 okp=0 maxms=0
	while [ "$probes" -lt 120 ] && { kill -0 "$fpid" 2>/dev/null || ! idle; }; do
		probes=$((probes + 1))
		a=$(date +%s%N)
		quiet "$B/cahier" --home "$T/ines" --passphrase-file "$T/pp" --timeout 5 status &&
			quiet c sophie post "$CASE" "Tijdens $name: probe $probes." && okp=$((okp + 1))
		ms=$((($(date +%s%N) - a) / 1000000))
		[ "$ms" -gt "$maxms" ] && maxms=$ms
	done
	wait "$fpid"; frc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	sed 's/^/#   /' "$T/forge.$name"
	check "$name: forge sent its flood (exit $frc)" [ "$frc" = 0 ]
	check "$name: the coordinator is idle again after the flood ($ms ms)" idle
	check "$name: during the flood every probe passed: status and a nurse's post ($okp of $probes, slowest $maxms ms)" \
		all_passed "$okp" "$probes"
	hwm1=$(kib VmHWM)
	rss1=$(kib VmRSS)
	diag "$name: coordinator's peak memory $hwm0 KiB before, $hwm1 KiB during and after" \
		"(+$((hwm1 - hwm0)) KiB; now $rss1 KiB); bound for one peer $PEER_KIB KiB"
	if sanitized; then
		skip "$name: the peak grew by less than what sync.h bounds for one peer" "$ASAN_PEAK"
	elif [ -n "$MEM_TODO" ]; then
		todo "$MEM_TODO" "$name: the peak grew by less than what sync.h bounds for one peer ($((PEER_KIB / 1024)) MiB)" \
			[ $((hwm1 - hwm0)) -lt "$PEER_KIB" ]
	else
		check "$name: the peak grew by less than what sync.h bounds for one peer ($((PEER_KIB / 1024)) MiB)" \
			[ $((hwm1 - hwm0)) -lt "$PEER_KIB" ]
	fi
	# The lines a peer can cause: LOG_BURST per window and one counting
	# the rest, for each window the flood spans (and the one after it).
	windows=$((ms / WINDOW_MS + 2))
	bound=$((windows * (BURST + 1)))
	gpl=$(count_lines "$n0" "$GPNAME")
	all=$(new_lines "$n0" | wc -l | tr -d ' ')
	diag "$name: the coordinator's log grew by $all lines, $gpl of them about $GPNAME" \
		"(bound $bound: $windows windows of $((WINDOW_MS / 1000)) s x $((BURST + 1)))"
	new_lines "$n0" | grep "$GPNAME" | head -n 12 | sed 's/^/#   /'
	check "$name: lines about the GP within the bound ($gpl <= $bound)" [ "$gpl" -le "$bound" ]
	# The others: the nurse's probes (at most two lines each: stored, pushed).
	check "$name: every other line comes from the probes ($((all - gpl)) <= $((2 * probes + 2)))" \
		[ $((all - gpl)) -le $((2 * probes + 2)) ]
	serves "$name"
}
fresh_window
flood syncflood syncflood --count "$FLOOD" --wait 1000
flood syncflood-mixed syncflood --count "$FLOOD" --vectors mixed --wait 1000
# The same peer over many connections (its CURVE key admitted by ZAP each
# time): sync.h counts two connections per peer, each holding SYNC_HWM
# messages, but nothing limits a peer to two.
flood syncflood-conns syncflood --count $((2 * FLOOD)) --conns "${CONNS:-64}" --wait 1000
MEM_TODO=

# --- (d2) Checkpoints: PULLs that each ask for every case, one answered per
# round; CHANGES nobody asked for, refused before any vector is looked at ---
fresh_window
n1=$(nlines)
flood pullflood pullflood --count "$FLOOD" --wait 1000
check "pullflood: the log says the PULLs beyond one a round wait" \
	has_line "$n1" "asked for our changes twice in one round"
fresh_window
n1=$(nlines)
flood changesflood changesflood --count "$FLOOD" --wait 1000
check "changesflood: the log says the changes were not asked for" \
	has_line "$n1" "changes from $GPNAME that were not asked for refused"
check "changesflood: no made-up case was asked for" \
	eval '! new_lines "$n1" | grep -q "joined a case\|cannot join"'

# --- (e) A flood of refused entries: each costs a check, lines stay bounded -------
fresh_window
n1=$(nlines)
flood entryflood entryflood --count "$FLOOD" --wait 1000
check "entryflood: the refusals are in the log ($(count_lines "$n1" "rejected entry .* from $GPNAME: bad organization signature") lines)" \
	has_line "$n1" "rejected entry .* from $GPNAME: bad organization signature"
# When the window ends the log says how many lines it left out: the loop's
# timer tells it even when the peer has stopped.
fresh_window
n2=$(nlines)
check "after the window: the log counts the lines it left out" \
	wait_for 5 has_line "$n1" "and [0-9]* more lines like the last from $GPNAME"
left=$(new_lines "$n1" | sed -n "s/.*and \([0-9]*\) more lines like the last from $GPNAME.*/\1/p" | head -n 1)
check "after the window: forge sends one more refused message" quiet forge status
diag "entryflood: $FLOOD refused entries: the log left out ${left:-?} lines and said so"
check "after the window: it left out most of the flood (${left:-0} >= $((FLOOD - BURST - 10)))" \
	[ "${left:-0}" -ge $((FLOOD - BURST - 10)) ]
check "after the window: and logged the refusal itself" \
	has_line "$n2" "malformed message ([0-9]* bytes) from $GPNAME refused"

cnt=$(entries_count ines "$CASE")
check "nothing the GP forged was stored: the nurse holds what the coordinator holds" \
	wait_for "$SYNC_WAIT" has_entries sophie "$CASE" "$cnt"

# --- 5. A removed organization's own keys are refused ---------------------------
check "coordinator removes the GP practice" quiet c ines case remove "$CASE" "$T/gp/org.card"
cnt=$((cnt + 1))
check "the nurse's daemon holds the removal" wait_for "$SYNC_WAIT" has_entries sophie "$CASE" "$cnt"
n0=$(nlines)
check "removed: the GP's own keys send its next entry to the coordinator" quiet forge valid
check "removed: the coordinator refuses it: not a member" wait_for 10 \
	has_line "$n0" "refused 1 entry of a case from $GPNAME, which is not a member of it"
sleep 0.5
check "removed: one line in the log (got $(count_lines "$n0" "$GPNAME"))" \
	[ "$(count_lines "$n0" "$GPNAME")" = 1 ]
new_lines "$n0" | grep "$GPNAME" | sed 's/^/#   /'
check "removed: the coordinator's count did not grow" has_entries ines "$CASE" "$cnt"
serves removed
check "no crash or assertion in the coordinator's log" sh -c "! grep -Eiq 'assert|segfault|abort' '$T/cpas.log'"
done_testing
