# lib.sh - helpers for the end-to-end shell tests: real daemons of several
# organizations on loopback, in a temporary directory removed at exit.
# Source it; it sets B (binaries), T (work dir), and TAP helpers.
#
# Environment:
#   BUILD       the build directory, under the top of the tree (default build);
#               B, a full path to the binaries, overrides it
#   PORT_BASE   the loopback ports of this script are PORT_BASE+1 to
#               PORT_BASE+99 (organization i listens on PORT_BASE+i; a client
#               tcp port is PORT_BASE+5x). Default: from the script's name, one
#               of 120 ranges in 20000-31999, so files may run one after another
#               without waiting for sockets to close, and below the ephemeral
#               ports (32768-60999 on Linux), which an outgoing connection may
#               hold at the moment a daemon wants to listen. A run claims its
#               range (see claim_ports): a default range in use moves to the
#               next free one; a range given by hand is waited for, so two
#               runs at the same time are best given different values:
#                   BUILD=build PORT_BASE=63000 sh tests/t10-flow.sh
#   PORT_WAIT   how long to wait for a PORT_BASE given by hand (default 600 s)
#   KEEP=1      keep the work directory (it is kept anyway when a test fails)
#   TMPDIR      where the work directory is made (default /tmp)
#   SYNC_MS     the daemons' sync interval (default 200)
#   WAIT_SCALE  multiplies every bound on a wait (default 1; e.g. 5 under
#               valgrind). A bound only ends a wait that will fail anyway:
#               every wait is for a condition, never for a time.
#   SYNC_WAIT   the bound on a wait for the daemons to sync (default 30 s)
#   LIB_TAP=0   set by a script that is not a test (demo.sh, bench.sh): no
#               TAP lines, no plan; diagnostics still go to stderr
#
# Every wait that gives up says so on stderr: "# gave up after N s waiting
# for: WHAT". Every way out of a test script prints the plan: done_testing
# at its end, or the EXIT trap, which adds a failed test saying how the
# script ended early; prove never reports "no plan".

B=${B:-$(cd "$(dirname "$0")/.." && pwd)/${BUILD:-build}}
T=$(mktemp -d "${TMPDIR:-/tmp}/cahier-test.XXXXXX") || { echo "Bail out! cannot make a work directory"; exit 1; }
PIDS=""
TAP_N=0
TAP_FAIL=0
TAP_PLANNED=
LIB_TAP=${LIB_TAP:-1}
WAIT_SCALE=${WAIT_SCALE:-1}
# The bound on a wait for the daemons to sync, in seconds (times WAIT_SCALE).
# A daemon asks a peer again only 10 s after a request that got no answer
# (sync.c, busy_until: a message to a peer not connected yet is dropped),
# and runs its housekeeping (scheduled rotations, announced revocations)
# every 10 s: the bound allows for two such delays and the load of a busy
# machine. Passing runs never wait that long; failing ones stop there.
SYNC_WAIT=${SYNC_WAIT:-30}
PORT_CHOSEN=${PORT_BASE:+1}
PORT_BASE=${PORT_BASE:-$((20000 + ($(printf '%s' "$0" | cksum | cut -d' ' -f1) % 120) * 100))}

# diag LINE...: a TAP diagnostic on stderr, seen in prove's output
diag() { for _l in "$@"; do echo "# $_l" >&2; done; }
# diag_tail FILE [N]: the last N (10) lines of FILE as diagnostics
diag_tail() { [ -s "$1" ] && tail -n "${2:-10}" "$1" | sed 's/^/#   /' >&2; return 0; }

ok() { TAP_N=$((TAP_N + 1)); [ "$LIB_TAP" = 0 ] || echo "ok $TAP_N - $*"; }
not_ok() {
	TAP_N=$((TAP_N + 1)); TAP_FAIL=$((TAP_FAIL + 1))
	if [ "$LIB_TAP" = 0 ]; then diag "FAILED: $*"; else echo "not ok $TAP_N - $*"; fi
}
# check DESCRIPTION COMMAND...: passes when the command exits 0. A wait_for
# in the command names DESCRIPTION when it gives up. What the command says
# on stderr is shown when it fails, and kept out of a passing run's output.
check() {
	CHECK_WHAT=$1; shift
	if [ -f /proc/self/fd/2 ]; then
		# the caller sent this check's stderr to a file: it goes there
		if "$@"; then ok "$CHECK_WHAT"; else not_ok "$CHECK_WHAT"; fi
	elif "$@" 2>"$T/check.err"; then
		ok "$CHECK_WHAT"
	else
		not_ok "$CHECK_WHAT"
		diag_tail "$T/check.err" 20
	fi
	CHECK_WHAT=
}

# wait_for [-w WHAT] SECONDS COMMAND...: runs the command every 0.1 s until it
# exits 0, for at most SECONDS (times WAIT_SCALE) of wall-clock time; an
# attempt started in time may end later. On giving up, says what it waited
# for (WHAT, else the check it runs under and the command) and what the last
# attempt printed, and returns 1.
wait_for() {
	wf_what=
	[ "$1" = -w ] && { wf_what=$2; shift 2; }
	wf_secs=$(($1 * WAIT_SCALE)); shift
	[ -n "$wf_what" ] || wf_what="${CHECK_WHAT:+$CHECK_WHAT: }$*"
	wf_end=$(($(date +%s) + wf_secs))
	wf_out=$T/.wait_for.$$
	while :; do
		"$@" >"$wf_out" 2>&1 && return 0
		[ "$(date +%s)" -le "$wf_end" ] || break
		sleep 0.1
	done
	diag "gave up after $wf_secs s waiting for: $wf_what"
	[ -s "$wf_out" ] && { diag "the last attempt printed:"; diag_tail "$wf_out" 5; }
	return 1
}

# alive PID: PID, a child of this shell, has not exited (a zombie, exited
# but not reaped yet, does not count)
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	[ ! -r "/proc/$1/stat" ] || ! sed 's/.*) //' "/proc/$1/stat" | grep -q '^Z'
}
# pids_drop PID: PID leaves PIDS (it was reaped: its number may be reused)
pids_drop() { PIDS=$(echo "$PIDS" | sed "s/ $1\$//; s/ $1 / /"); }

# reap PID WHAT: waits for PID, a child of this shell, to exit; after
# STOP_WAIT (20) s times WAIT_SCALE, says so and kills it. Its exit status
# in REAP_RC; returns 1 if it died of SIGKILL (137).
reap() {
	rp_secs=$((${STOP_WAIT:-20} * WAIT_SCALE))
	# The watchdog holds only stderr (not the port lock). It gets SIGKILL, which no trap it
	# inherits can defer: it must never outlive PID, whose number may be
	# reused. Its sleep, left behind, holds nothing and ends by itself.
	( sleep "$rp_secs" </dev/null >/dev/null 2>&1
	  kill -0 "$1" 2>/dev/null || exit 0
	  echo "# gave up after $rp_secs s waiting for: $2 to exit; killing it" >&2
	  kill -KILL "$1" 2>/dev/null ) >/dev/null 9>&- &
	rp_dog=$!
	wait "$1" 2>/dev/null
	REAP_RC=$?
	kill -KILL "$rp_dog" 2>/dev/null
	wait "$rp_dog" 2>/dev/null
	[ "$REAP_RC" != 137 ]
}

# stop_all: stops every daemon still running, each within STOP_WAIT s
stop_all() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do reap "$p" "the daemon of pid $p (SIGTERM at the end)" || TAP_STUCK="$TAP_STUCK $p"; done
	PIDS=""
}

cleanup() {
	rc=$?
	trap - EXIT
	TAP_STUCK=
	stop_all
	if [ -z "$TAP_PLANNED" ] && [ "$LIB_TAP" != 0 ]; then
		not_ok "the script ran to done_testing (it ended early, exit status $rc)"
		[ -z "$TAP_STUCK" ] || not_ok "every daemon stopped on SIGTERM (killed:$TAP_STUCK)"
		echo "1..$TAP_N"
	fi
	if [ "$TAP_FAIL" != 0 ] || [ -n "$KEEP" ] || [ -n "$TAP_STUCK" ]; then
		echo "# work directory kept: $T"
		for f in "$T"/*.log; do [ -f "$f" ] && { echo "# --- $f"; tail -n 20 "$f" | sed 's/^/# /'; }; done
	else
		rm -rf "$T"
	fi
	[ "$TAP_FAIL" = 0 ] || [ "$rc" != 0 ] || rc=1
	exit "$rc"
}
trap cleanup EXIT
# A signal ends the script through the EXIT trap, which prints the plan.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# done_testing: stops the daemons, fails if one does not stop or a sanitizer
# reported anything in their logs, prints the plan.
done_testing() {
	TAP_STUCK=
	stop_all
	[ -z "$TAP_STUCK" ] || not_ok "every daemon stopped on SIGTERM within $((${STOP_WAIT:-20} * WAIT_SCALE)) s (killed:$TAP_STUCK)"
	if grep -l "Sanitizer\|runtime error:" "$T"/*.log >/dev/null 2>&1; then
		not_ok "no sanitizer report in the daemons' logs"
		grep -h -A30 "Sanitizer\|runtime error:" "$T"/*.log | head -n 60 | sed 's/^/# /'
	fi
	TAP_PLANNED=1
	[ "$LIB_TAP" = 0 ] || echo "1..$TAP_N"
	[ "$TAP_FAIL" = 0 ]
}

# The port range is claimed for as long as this script and its daemons run:
# a lock (flock(1), where there is one) on /tmp/cahier-ports.PORT_BASE.lock,
# held by descriptor 9, which the daemons inherit. Two runs on one machine
# (two engineers' make check, a rerun beside a run) then never share ports:
# a default range that is locked, or has a port listening, gives way to the
# next one; a PORT_BASE given by hand is waited for (PORT_WAIT, 600 s), until
# its lock is free and nothing listens there.
# ports_free BASE: no socket listens on BASE+1..BASE+99 (unknown without ss)
ports_free() { command -v ss >/dev/null 2>&1 || return 0; [ -z "$(ports_listening "$1")" ]; }
# ports_listening BASE: the addresses listening on BASE+1..BASE+99
ports_listening() {
	ss -Hltn "( sport >= :$(($1 + 1)) and sport <= :$(($1 + 99)) )" 2>/dev/null | awk '{ printf " %s", $4 }'
}
claim_ports() {
	command -v flock >/dev/null 2>&1 || return 0
	cp_n=0
	while [ -z "$PORT_CHOSEN" ] && [ "$cp_n" -lt 120 ]; do
		# (a redirection that fails on exec would end the shell: try it first)
		true 2>/dev/null >>"/tmp/cahier-ports.$PORT_BASE.lock" || return 0
		exec 9>>"/tmp/cahier-ports.$PORT_BASE.lock"
		flock -n 9 && ports_free "$PORT_BASE" && return 0
		exec 9>&-
		PORT_BASE=$((20000 + (PORT_BASE - 20000 + 100) % 12000))
		cp_n=$((cp_n + 1))
	done
	true 2>/dev/null >>"/tmp/cahier-ports.$PORT_BASE.lock" || return 0
	exec 9>>"/tmp/cahier-ports.$PORT_BASE.lock"
	cp_secs=$((${PORT_WAIT:-600} * WAIT_SCALE))
	if ! flock -n 9; then
		diag "another run on this machine holds the ports of PORT_BASE $PORT_BASE; waiting for it (at most $cp_secs s)"
		flock -w "$cp_secs" 9 ||
			{ diag "gave up after $cp_secs s waiting for: the ports of PORT_BASE $PORT_BASE (/tmp/cahier-ports.$PORT_BASE.lock)"; exit 1; }
	fi
	# A run that takes no lock (an older lib.sh, another program) may
	# listen there all the same: wait for it too.
	ports_free "$PORT_BASE" && return 0
	diag "a socket listens in PORT_BASE $PORT_BASE+1..+99 already:$(ports_listening "$PORT_BASE"); waiting for it to close (at most $cp_secs s)"
	wait_for -w "the ports of PORT_BASE $PORT_BASE to be free" "${PORT_WAIT:-600}" ports_free "$PORT_BASE" || exit 1
}
claim_ports
# (read whole: a sysctl file read a byte at a time ends after one byte)
_r=$(cat /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
case $_r in
[0-9]*[!0-9][0-9]*)
	_lo=${_r%%[!0-9]*}; _hi=${_r##*[!0-9]}
	[ "$((PORT_BASE + 99))" -lt "$_lo" ] || [ "$PORT_BASE" -gt "$_hi" ] ||
		diag "PORT_BASE $PORT_BASE overlaps the ephemeral ports $_lo-$_hi: a daemon may find its port taken"
	;;
esac

echo "org passphrase for tests" > "$T/orgpass"
echo "provider passphrase for tests" > "$T/pp"
chmod 600 "$T/orgpass" "$T/pp"

# cahier as provider HOME: c HOME args...
# the client's catalogues (client/i18n.h) as this build made them
export CAHIER_LOCALEDIR="$B/locale"
# English whatever the caller's locale: the tests read the client's messages
# in English; a test of another language sets LANGUAGE for one command
unset LANGUAGE LC_ALL
export LC_MESSAGES=C.UTF-8

c() { h=$1; shift; "$B/cahier" --home "$T/$h" --passphrase-file "$T/pp" --timeout 20 "$@"; }

# fingerprint ORG
fpr() { "$B/cahierd" card -d "$T/$1" 2>&1 >/dev/null | sed -n 's/.*fingerprint: //p'; }

# mkorg ORG NAME INDEX [OPTIONS]: an organization whose peer port is
# PORT_BASE+INDEX; extra options go to cahierd init
mkorg() {
	o=$1; n=$2; i=$3; shift 3
	"$B/cahierd" init -d "$T/$o" --name "$n" --endpoint "tcp://127.0.0.1:$((PORT_BASE + i))" \
		--passphrase-file "$T/orgpass" --sync-ms "${SYNC_MS:-200}" "$@" >/dev/null
}

# trust A B: A imports B's card, checking its fingerprint
trust() { "$B/cahierd" peer add -d "$T/$1" "$T/$2/org.card" --fingerprint "$(fpr "$2")" >/dev/null; }

# mesh ORG...: every org trusts every other
mesh() { for a in "$@"; do for b in "$@"; do [ "$a" = "$b" ] || trust "$a" "$b" || return 1; done; done; }

# mkprov ORG HOME NAME ROLE: a provider with a key, a certificate, enrolled
mkprov() {
	c "$2" init >/dev/null 2>&1 &&
	"$B/cahierd" provider add -d "$T/$1" --request "$T/$2/provider.request" \
		--name "$3" --role "$4" -o "$T/$2.cert" --passphrase-file "$T/orgpass" 2>/dev/null &&
	c "$2" enroll --cert "$T/$2.cert" --card "$T/$1/org.card" --daemon "ipc://$T/$1/client.sock" >/dev/null
}

# running ORG: ORG's daemon is running
running() { eval "rn_p=\$PID_$1"; [ -n "$rn_p" ] && alive "$rn_p"; }

# ready_since LOG N PID [DIR]: LOG has a " ready: " line after its first N
# lines, or DIR/status.json, which the daemon writes once its sockets are
# bound (daemon/health.h), names PID (a daemon that logs in another
# language than English), or PID has exited (start tells which)
ready_since() {
	tail -n +"$(($2 + 1))" "$1" 2>/dev/null | grep -q " ready: " ||
		{ [ -n "${4:-}" ] && grep -q "\"pid\": *$3[,}]" "$4/status.json" 2>/dev/null; } ||
		! alive "$3"
}

# start ORG: runs ORG's daemon in the background and waits until it logs,
# in this run (a restart appends to the same log), that it is ready: its
# sockets are bound. On failure (it exits first, or START_WAIT (30) s times
# WAIT_SCALE pass) it says why with the end of its log, records a failed
# test, and returns 1.
start() {
	st_log=$T/$1.log
	st_n=0
	[ -f "$st_log" ] && st_n=$(wc -l <"$st_log" | tr -d ' ')
	"$B/cahierd" run -d "$T/$1" >>"$st_log" 2>&1 &
	st_pid=$!
	eval "PID_$1=$st_pid"
	PIDS="$PIDS $st_pid"
	if wait_for -w "the daemon of $1 (pid $st_pid) to log that it is ready, in $st_log" \
		"${START_WAIT:-30}" ready_since "$st_log" "$st_n" "$st_pid" "$T/$1"; then
		alive "$st_pid" && return 0
		reap "$st_pid" "the daemon of $1"
		pids_drop "$st_pid"
		eval "PID_$1="
		diag "the daemon of $1 exited with status $REAP_RC before it was ready; its log says:"
	else
		diag "its log says:"
	fi
	tail -n +"$((st_n + 1))" "$st_log" | tail -n 10 | sed 's/^/#   /' >&2
	not_ok "the daemon of $1 starts"
	return 1
}

# stop ORG [SIGNAL]: sends SIGNAL (TERM) to ORG's daemon and waits for it to
# exit (STOP_WAIT (20) s at most, then kills it and records a failed test)
stop() {
	eval "sp_p=\$PID_$1"
	[ -n "$sp_p" ] || return 0
	kill "-${2:-TERM}" "$sp_p" 2>/dev/null
	reap "$sp_p" "the daemon of $1 (pid $sp_p, SIG${2:-TERM})" ||
		[ "${2:-TERM}" = KILL ] || not_ok "the daemon of $1 stops on SIG${2:-TERM}"
	pids_drop "$sp_p"
	eval "PID_$1="
	return 0
}

# entries_count HOME CASE: the number of entries HOME's daemon holds
entries_count() { c "$1" --json case list --all --no-names | sed -n "s/.*\"case\":\"$2\"[^}]*\"entries\":\([0-9]*\).*/\1/p"; }
has_entries() { [ "$(entries_count "$1" "$2")" = "$3" ]; }

# feed_dump ORG CASE: every feed of the case as stored (keys and values, hex)
feed_dump() { mdb_dump -s entries "$T/$1/cases/$2"; }

# todo REASON DESCRIPTION COMMAND...: a check that pins a known, reported
# bug (TAP "# TODO"): printed with its outcome, never counted as a failure
todo() {
	r=$1 d=$2; shift 2
	TAP_N=$((TAP_N + 1))
	if "$@"; then echo "ok $TAP_N - $d # TODO $r"; else echo "not ok $TAP_N - $d # TODO $r"; fi
}

# fails CODE REGEX COMMAND...: the command exits CODE, prints nothing on stdout,
# and one line on stderr starting "cahier: " or "cahierd: " matching REGEX (ERE, any case)
fails() {
	f_want=$1 f_re=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"; f_rc=$?
	[ "$f_rc" = "$f_want" ] || { echo "# exit $f_rc, wanted $f_want: $(head -c 300 "$T/err")"; return 1; }
	[ "$(wc -l <"$T/err")" = 1 ] || { echo "# stderr is not one line:"; sed 's/^/#   /' "$T/err"; return 1; }
	grep -Eq '^cahierd?: ' "$T/err" || { echo "# stderr lacks the prefix: $(cat "$T/err")"; return 1; }
	grep -Eqi "$f_re" "$T/err" || { echo "# stderr does not match /$f_re/: $(cat "$T/err")"; return 1; }
	[ ! -s "$T/out" ] || { echo "# stdout not empty:"; sed 's/^/#   /' "$T/out"; return 1; }
	echo "# $(cat "$T/err")"
}
# in_lang L HOME ARGS...: cahier in the language L (nl, fr, en), as a
# provider sets it, for the provider whose home is $T/HOME, with the
# passphrase file PP (default $T/pp). en has no catalogue: the English
# source text. Under the C locale gettext reads no LANGUAGE, hence C.UTF-8.
# A test of cahierd defines its own in_lang.
in_lang() {
	il_l=$1 il_h=$2; shift 2
	env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE="$il_l" "$B/cahier" --home "$T/$il_h" \
		--passphrase-file "${PP:-$T/pp}" --timeout 20 "$@"
}
# three CODE WHAT EN NL FR ARGS...: in_lang ARGS fails (see fails) in each
# language with the same exit code, one line, and the phrase of that language
three() {
	t_code=$1 t_what=$2 t_en=$3 t_nl=$4 t_fr=$5; shift 5
	check "$t_what, in English" fails "$t_code" "$t_en" in_lang en "$@"
	check "... in Dutch" fails "$t_code" "$t_nl" in_lang nl "$@"
	check "... in French" fails "$t_code" "$t_fr" in_lang fr "$@"
}
# same FILE COMMAND...: the command's output equals FILE (state unchanged)
same() { f=$1; shift; "$@" >"$T/now" 2>/dev/null && cmp -s "$f" "$T/now"; }

# skip DESCRIPTION REASON: a check that cannot be made in this build, reported
# as skipped (TAP SKIP), never as passed.
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }

# sanitized: the daemon is built with AddressSanitizer, whose quarantine keeps
# freed memory: its peak memory is not the daemon's own.
sanitized() { grep -qa __asan_init "$B/cahierd"; }

# start_ready ORG [SECONDS]: run its daemon in the background and wait (at
# most SECONDS, default 30: an Argon2 unlock on a loaded machine) for a new
# "ready" line; unlike start, also right when the daemon ran before (start
# finds the earlier daemon's line at once)
start_ready() {
	r0=$(grep -c " ready: " "$T/$1.log" 2>/dev/null)
	"$B/cahierd" run -d "$T/$1" >>"$T/$1.log" 2>&1 &
	eval "PID_$1=$!"
	PIDS="$PIDS $!"
	for _ in $(seq 1 $((${2:-30} * 10))); do
		r1=$(grep -c " ready: " "$T/$1.log" 2>/dev/null)
		[ "${r1:-0}" -gt "${r0:-0}" ] && return 0
		sleep 0.1
	done
	echo "# $1 did not start" >&2
	return 1
}
