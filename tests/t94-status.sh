#!/bin/sh
# t94-status.sh - cahierd status: what an administrator sees of a running
# daemon (its status file, daemon/health.h) and of its store: version,
# uptime, peers connected with when they were last heard and how far their
# clock runs, cases and forks, store size and map use, certificates that
# end within 30 days; --json; exit 1 and what to run when the daemon is
# not running.
. "$(dirname "$0")/lib.sh"

mkorg a "Coordination status A" 1
mkorg b "Thuisverpleging status B" 2
check "cards exchanged" mesh a b
check "coordinator at A" mkprov a ann "Ann Status" coordinator
check "nurse at B" mkprov b bea "Bea Status" home-nurse
check "a provider whose certificate ends in 10 days" sh -c "'$B/cahier' --home '$T/sam' \
	--passphrase-file '$T/pp' init >/dev/null 2>&1 && '$B/cahierd' provider add -d '$T/a' \
	--request '$T/sam/provider.request' --name 'Sam Kort' --role social-worker --days 10 \
	-o '$T/sam.cert' --passphrase-file '$T/orgpass' >/dev/null 2>&1"

check "status before the daemon runs: exit 1, says how to start it" sh -c \
	"'$B/cahierd' status -d '$T/a' >'$T/st0' 2>&1; [ \$? = 1 ] && grep -q 'not running on .*cahierd run -d' '$T/st0'"
start a || exit 1
start b || exit 1
CASE=$(c ann case new "Status case" 2>/dev/null)
check "case created" [ "${#CASE}" = 32 ]
check "B added" c ann case add "$CASE" "$T/b/org.card" --role home-nursing
check "B posts" wait_for "$SYNC_WAIT" sh -c "'$B/cahier' --home '$T/bea' --passphrase-file '$T/pp' \
	note '$CASE' 'Status note' >/dev/null 2>&1"
seen() { c ann log "$CASE" 2>/dev/null | grep -q 'Status note'; }
check "A has B's note" wait_for "$SYNC_WAIT" seen
sleep 6   # the status file is written every 5 s

check "cahierd status: exit 0 while it runs" sh -c "'$B/cahierd' status -d '$T/a' >'$T/st1' 2>&1"
check "... the version it runs, its pid and uptime" sh -c \
	"grep -q \"^cahierd \$('$B/cahierd' --version | cut -d' ' -f2): running, pid [0-9]*, up 0 h 00 min\" '$T/st1'"
check "... its cases, and no fork" grep -q "^cases: *1, no fork" "$T/st1"
check "... its store and map use" grep -q "^store: *organization [0-9.]* MiB (.*% of its 256 MiB map); cases" "$T/st1"
check "... the peer, connected, heard a moment ago, with its clock" \
	grep -q "Thuisverpleging status B .*connected, last heard [0-9]* s ago, clock [0-9.]* s" "$T/st1"
check "... the certificate that ends within 30 days, and what to do" \
	grep -q "^CERTIFICATE: *Sam Kort (social-worker), key [0-9a-f]*, ends .*cahierd provider add --replace" "$T/st1"
check "--json" sh -c "'$B/cahierd' status -d '$T/a' --json >'$T/st.json'"
check "... says the same, as JSON" jq -e '.running == true and .cases == 1 and .forks == 0 and
	(.daemon.peers | length) == 1 and .daemon.peers[0].connected == true and
	(.daemon.peers[0].clock_behind_ms | type) == "number" and
	(.daemon.uptime_s | type) == "number" and .daemon.stopping == false and
	(.certificates_ending | length) == 1 and .store.org_map == 268435456' "$T/st.json"
check "... and holds no case name nor entry" sh -c "! grep -q 'Status case\|Status note' '$T/st.json' '$T/a/status.json'"
check "the status file is the daemon's alone (0600)" sh -c "[ \"\$(stat -c %a '$T/a/status.json')\" = 600 ]"
check "cahierd status takes no other option" fails 2 "does not take --passphrase-file" \
	"$B/cahierd" status -d "$T/a" --passphrase-file "$T/orgpass"
stop a
check "once stopped: exit 1, not running" sh -c \
	"'$B/cahierd' status -d '$T/a' >'$T/st2' 2>&1; [ \$? = 1 ] && grep -q 'not running' '$T/st2'"
check "... its last status file says it stopped" jq -e '.stopping == true' "$T/a/status.json"
stop_all
done_testing
