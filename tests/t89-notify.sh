#!/bin/sh
# t89-notify.sh - the person's notification of reads (daemon/notify.h): when
# the person asks for it, their trusted person turns it on, and the daemon
# of the trusted person's organization runs its access_hook for each new
# access record of the case, from any organization: the reader, role,
# organization, action, purpose and outcome in the environment, refused
# reads too, the trusted person's own reads not; a professional cannot
# turn it on; a hook that hangs is killed and the next report still goes;
# turning it off stops the reports; on and off are in the journal. The
# hook holds none of the daemon's files or sockets. cahierd refuses a hook
# that is not an absolute path or that others may change.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/.." && pwd)
V="python3 $TOP/tests/tools/validate-json.py"

mkorg cpas "CPAS d'Ixelles — service social" 1
mkorg nurse "Thuisverpleging Elsene" 2
check "cards exchanged" mesh cpas nurse
check "social worker" mkprov cpas ines "Inès Dubois" social-worker
check "home nurse" mkprov nurse sophie "Sophie Lambert" home-nurse
check "the person, certified by the CPAS" mkprov cpas fatima "Fatima El Amrani" patient
check "her trusted person, certified by the CPAS" mkprov cpas youssef "Youssef El Amrani" trusted-person

# The hook: one line per report; it hangs while $T/hang exists.
HOOK=$T/hook/report.sh
mkdir -p "$T/hook"
cat >"$HOOK" <<EOF
#!/bin/sh
[ -e '$T/hang' ] && sleep 60
fds=\$(ls -l /proc/\$\$/fd 2>/dev/null | grep -c -e '\.mdb' -e 'socket:')
printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|fds=%s\n' "\$CAHIER_EVENT" "\$CAHIER_READER" \
	"\$CAHIER_READER_ROLE" "\$CAHIER_READER_ORG" "\$CAHIER_ACTION" "\$CAHIER_PURPOSE" \
	"\$CAHIER_OUTCOME" "\$CAHIER_TO" "\$CAHIER_TO_ROLE" "\$CAHIER_CASE_NAME" \
	"\$CAHIER_MISSED" "\$fds" >>'$T/hook.out'
EOF
chmod 755 "$HOOK"
chmod 755 "$T/hook"
cp "$T/cpas/cahierd.conf" "$T/cpas.conf"

# a hook cahierd must refuse
echo "access_hook = hook/report.sh" >>"$T/cpas/cahierd.conf"
check "a relative access_hook is refused at start" fails 2 "access_hook must be an absolute path" \
	"$B/cahierd" run -d "$T/cpas"
cp "$T/cpas.conf" "$T/cpas/cahierd.conf"
echo "access_hook = $HOOK" >>"$T/cpas/cahierd.conf"
chmod 757 "$HOOK"
check "an access_hook others may change is refused, with the chmod" fails 2 "chmod go-w" \
	"$B/cahierd" run -d "$T/cpas"
chmod 755 "$HOOK"
chmod 777 "$T/hook"
check "... and one in a directory others may change" fails 2 "directory of access_hook" \
	"$B/cahierd" run -d "$T/cpas"
chmod 755 "$T/hook"
for o in cpas nurse; do start $o || exit 1; done

CASE=$(c ines case new "Mevrouw El Amrani" 2>/dev/null)
check "case created" [ "${#CASE}" = 32 ]
check "nursing service added" c ines case add "$CASE" "$T/nurse/org.card" --role home-nursing
check "the person listed" c ines case person "$CASE" --role patient --name "Fatima El Amrani" \
	--key "$T/fatima/provider.request" --basis own-consent
check "her trusted person listed" c ines case person "$CASE" --role trusted-person \
	--name "Youssef El Amrani" --key "$T/youssef/provider.request" --basis written-mandate
check "the nurse sees the case" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' case list 2>/dev/null | grep -q 'El Amrani'"
check "a note for everyone" c sophie note "$CASE" --audience network "Bezoek 9u, alles goed"

check "off at first" sh -c "'$B/cahier' --home '$T/youssef' --passphrase-file '$T/pp' notify '$CASE' |
	grep -q 'not reported to you'"
check "a professional cannot turn it on" fails 2 "does not receive the person's notification" \
	c sophie notify "$CASE" on
check "nor the social worker" fails 2 "does not receive the person's notification" \
	c ines notify "$CASE" on
check "the person herself may turn it on" sh -c "'$B/cahier' --home '$T/fatima' \
	--passphrase-file '$T/pp' notify '$CASE' on | grep -q 'Each read of this case is reported to you'"
check "... and off again (her trusted person will be told instead)" sh -c "'$B/cahier' \
	--home '$T/fatima' --passphrase-file '$T/pp' notify '$CASE' off | grep -q 'not reported to you any more'"
check "her trusted person turns it on for her" sh -c "'$B/cahier' --home '$T/youssef' \
	--passphrase-file '$T/pp' notify '$CASE' on | grep -q 'Each read of this case is reported to you'"
c youssef --json notify "$CASE" >"$T/notify.json" 2>/dev/null
check "--json notify matches docs/schema/notify.json" $V "$TOP/docs/schema/notify.json" "$T/notify.json"
check "... and says on, with a hook" jq -e '.on == true and .hook == true and (.since | type) == "string"' "$T/notify.json"
check "the journal records it" sh -c "'$B/cahierd' journal -d '$T/cpas' | grep 'notify-on' |
	grep -q 'Youssef El Amrani (trusted-person): to be told of each read of case ${CASE%????????????????}'"

reports() { if [ -f "$T/hook.out" ]; then grep -c "$1" "$T/hook.out"; else echo 0; fi; }
# every report goes to the trusted person, the one who asked now
check "the nurse reads the notebook" c sophie log "$CASE"
check "... and it is reported to the trusted person, through the CPAS's hook" wait_for 20 \
	grep -q "^access|Sophie Lambert|home-nurse|Thuisverpleging Elsene|read|treatment|ok|Youssef El Amrani|trusted-person|Mevrouw El Amrani||fds=0$" "$T/hook.out"
check "the social worker reads the care network" c ines network "$CASE"
check "... reported, for coordination" wait_for 20 \
	grep -q "^access|Inès Dubois|social-worker|CPAS d'Ixelles — service social|read|coordination|ok|" "$T/hook.out"
check "a read the nurse may not make is refused" fails 2 "" c sophie log "$CASE" --purpose own-request
check "... and reported as refused" wait_for 20 \
	grep -q "^access|Sophie Lambert|home-nurse|Thuisverpleging Elsene|read|own-request|refused|" "$T/hook.out"
check "the trusted person reads" c youssef log "$CASE"
check "the nurse reads again" c sophie log "$CASE" --last 1
check "... reported" wait_for 20 sh -c "[ \$(grep -c '^access|Sophie Lambert|.*|ok|' '$T/hook.out') -ge 2 ]"
check "the trusted person's own read is not reported to him" [ "$(reports '^access|Youssef')" = 0 ]
check "no hook holds a file or socket of the daemon" sh -c "! grep -v 'fds=0$' '$T/hook.out'"
check "every report went to him" sh -c "! grep -v '^access|[^|]*|[^|]*|[^|]*|[^|]*|[^|]*|[^|]*|Youssef El Amrani|trusted-person|' '$T/hook.out'"

# a hook that hangs is killed, and the next report still goes
touch "$T/hang"
check "a read while the hook hangs" c sophie log "$CASE" --last 1
check "... the hook is killed after its time, and the log says so" wait_for 30 \
	grep -q "access_hook was killed after 10 s" "$T/cpas.log"
rm -f "$T/hang"
n=$(reports '^access|Sophie')
check "the next read" c sophie log "$CASE" --last 2
check "... is reported" wait_for 20 sh -c "[ \$(grep -c '^access|Sophie' '$T/hook.out') -gt $n ]"

# A member turned hostile floods the case with 400 valid access records
# (one batch) while the hook hangs: 256 reports wait, the rest are counted,
# and the hook is told how many it missed once there is room.
stop nurse
touch "$T/hang"
check "a hostile member sends 400 valid access records in one batch" \
	"$B/tests/tools/forge" -d "$T/nurse" --passphrase-file "$T/orgpass" --case "$CASE" \
	--to "tcp://127.0.0.1:$((PORT_BASE + 1))" --to-card "$T/cpas/org.card" \
	--provider-key "$T/sophie/provider.key" --provider-pass "$T/pp" \
	--provider-cert "$T/sophie/provider.cert" --kind access --count 400 2>"$T/forge.err"
check "... the CPAS stores them (they pass every rule)" wait_for 20 \
	grep -q "stored 400 entries from Thuisverpleging Elsene" "$T/cpas.log"
sleep 1   # the first report's hook has started, and hangs
rm -f "$T/hang"
check "... the hanging hook is killed" wait_for 30 sh -c \
	"[ \$(grep -c 'access_hook was killed after 10 s' '$T/cpas.log') -ge 2 ]"
check "... at most 256 reports waited, the hook is told of the 144 it missed" wait_for 60 \
	grep -q "^missed|||||||Youssef El Amrani|trusted-person|Mevrouw El Amrani|144|fds=0$" "$T/hook.out"
listed() { grep -c '^access|Sophie Lambert|home-nurse|Thuisverpleging Elsene|list|coordination|ok|' "$T/hook.out"; }
check "... and every report that waited went out: 400 - 144 missed - 1 killed" wait_for 30 \
	sh -c "[ \$(grep -c '^access|Sophie Lambert|home-nurse|Thuisverpleging Elsene|list|' '$T/hook.out') = 255 ]"
sleep 1
check "... and no more" [ "$(listed)" = 255 ]
start nurse || exit 1

# off
check "the trusted person turns it off" sh -c "'$B/cahier' --home '$T/youssef' --passphrase-file '$T/pp' \
	notify '$CASE' off | grep -q 'not reported to you any more'"
check "the journal records that too" sh -c "'$B/cahierd' journal -d '$T/cpas' | grep -q 'notify-off'"
n=$(reports '^access')
check "a read after" c sophie log "$CASE" --last 1
sleep 3
check "... is not reported" [ "$(reports '^access')" = "$n" ]
check "unknown words are refused" fails 2 "on or off" c youssef notify "$CASE" maybe

stop_all
done_testing
