#!/bin/sh
# t80-agent.sh - cahier unlock and lock: the key unlocked once serves the
# commands after it with no passphrase source at all; lock, a time that
# runs out and SIGTERM each end the agent and remove its socket; a wrong
# passphrase starts none; the socket is 0600.
. "$(dirname "$0")/lib.sh"

# np HOME args...: cahier with no passphrase source at all: no option, no
# $CAHIER_PASSPHRASE_FILE, no terminal (setsid: no controlling tty, so a
# prompt cannot open /dev/tty and fails instead of waiting).
np() { h=$1; shift; env -u CAHIER_PASSPHRASE_FILE setsid -w "$B/cahier" --home "$T/$h" --timeout 20 "$@" </dev/null; }
quiet() { "$@" >/dev/null; }
SOCK=$T/ines/agent.sock
AGENTS=
# agent_pid OUTFILE: P, the pid 'cahier unlock' printed; the agent is
# stopped at the end of the script if it still runs (PIDS)
agent_pid() {
	P=$(sed -n 's/.*agent pid \([0-9][0-9]*\).*/\1/p' "$1")
	[ -z "$P" ] || PIDS="$PIDS $P"
}
# gone PID: the agent of pid PID has exited (it leaves PIDS: its number may
# be reused) and its socket is removed
gone() { ! alive "$1" && [ ! -e "$SOCK" ] && pids_drop "$1"; }
socket_mode() { [ "$(stat -c %a "$SOCK")" = 600 ] && [ -S "$SOCK" ]; }
echo "not the passphrase" >"$T/wp"
chmod 600 "$T/wp"

mkorg cpas "CPAS Anderlecht" 1
check "provider at the CPAS" mkprov cpas ines "Inès Dubois" social-worker
start cpas || exit 1
CASE=$(c ines case new "Mevrouw Peeters — MARKERAGENT" 2>/dev/null)
check "case created with the passphrase" [ "${#CASE}" = 32 ]

check "unlock --help" sh -c "'$B/cahier' unlock --help | grep -q 'usage: cahier unlock'"
check "lock --help" sh -c "'$B/cahier' lock --help | grep -q 'usage: cahier lock'"
check "without an agent, a command with no passphrase source fails" \
	fails 2 'passphrase' np ines post "$CASE" "nothing"
check "a bare number is no duration" fails 2 'bad duration' c ines unlock --for 8
check "more than 24 h is refused" fails 2 'bad duration' c ines unlock --for 25h
check "... and starts no agent" [ ! -e "$SOCK" ]

# --- a wrong passphrase leaves no agent
check "unlock with a wrong passphrase fails" \
	fails 2 'wrong passphrase' "$B/cahier" --home "$T/ines" --passphrase-file "$T/wp" unlock
check "... no socket" [ ! -e "$SOCK" ]
check "... and the next command still needs the passphrase" \
	fails 2 'passphrase' np ines post "$CASE" "nothing"

# --- unlock once, then commands with no passphrase
check "unlock with the passphrase file" sh -c "'$B/cahier' --home '$T/ines' \
	--passphrase-file '$T/pp' unlock --for 10m >'$T/unlock.out' 2>'$T/unlock.err'"
diag "$(cat "$T/unlock.out")"
agent_pid "$T/unlock.out"
check "unlock names the agent's pid and its end" grep -q "^unlocked until .*agent pid" "$T/unlock.out"
check "the agent runs" alive "$P"
check "the agent's socket is 0600" socket_mode
check "post with no passphrase source" quiet np ines post "$CASE" "Bezoek dinsdag. MARKERAGENTNOTE"
np ines log "$CASE" >"$T/log" 2>"$T/log.err"
check "log with no passphrase source shows the note" grep -q MARKERAGENTNOTE "$T/log"
np ines status >"$T/status" 2>&1
check "status says the key is unlocked, until when" grep -q "^key: *unlocked until " "$T/status"
check "a second unlock says one runs" sh -c "'$B/cahier' --home '$T/ines' unlock </dev/null | grep -q 'already unlocked'"
check "the core dumps of the agent are off" sh -c "grep -q '^Max core file size *0 *0' /proc/$P/limits"

# --- lock: the agent ends, the socket goes, the passphrase is needed again
check "lock" sh -c "'$B/cahier' --home '$T/ines' lock | grep -q '^locked: the agent'"
check "after lock the agent is gone and its socket removed" wait_for 5 gone "$P"
check "after lock a command needs the passphrase again" \
	fails 2 'passphrase' np ines post "$CASE" "nothing"
check "status says locked" sh -c "'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' status | grep -q '^key: *locked'"
check "lock with no agent is fine" sh -c "'$B/cahier' --home '$T/ines' lock | grep -q 'no agent'"

# --- a time that runs out
c ines unlock --for 2s >"$T/unlock2.out" 2>&1
agent_pid "$T/unlock2.out"
check "an agent for 2s starts" alive "$P"
check "an agent whose time ran out is gone, its socket removed" wait_for 10 gone "$P"
check "... and the passphrase is needed again" fails 2 'passphrase' np ines post "$CASE" "nothing"

# --- SIGTERM, SIGHUP end it the same way
for sig in TERM HUP INT; do
	c ines unlock >"$T/unlock3.out" 2>&1
	agent_pid "$T/unlock3.out"
	kill -"$sig" "$P"
	check "SIG$sig ends the agent and removes its socket" wait_for 5 gone "$P"
done

# --- an agent killed outright leaves its socket: lock and unlock clear it
c ines unlock >"$T/unlock4.out" 2>&1
agent_pid "$T/unlock4.out"
kill -KILL "$P"
wait_for 5 sh -c "! kill -0 $P 2>/dev/null || grep -q '^State:.*Z' /proc/$P/status"
check "a killed agent leaves a stale socket" [ -S "$SOCK" ]
check "lock removes a stale socket" sh -c "'$B/cahier' --home '$T/ines' lock | grep -q 'no longer answers'"
check "... gone" [ ! -e "$SOCK" ]
c ines unlock >"$T/unlock5.out" 2>&1
agent_pid "$T/unlock5.out"
kill -KILL "$P"
wait_for 5 sh -c "! kill -0 $P 2>/dev/null || grep -q '^State:.*Z' /proc/$P/status"
check "unlock over a stale socket starts a new agent" sh -c "'$B/cahier' --home '$T/ines' \
	--passphrase-file '$T/pp' unlock >'$T/unlock6.out'"
agent_pid "$T/unlock6.out"
check "... which serves" quiet np ines post "$CASE" "na de herstart"
check "... and lock ends it" sh -c "'$B/cahier' --home '$T/ines' lock >/dev/null"
check "... gone" wait_for 5 gone "$P"

done_testing
