#!/bin/sh
# t92-install.sh - make install into a DESTDIR (PREFIX=/usr) with the binaries
# of this build: every file in its place with its mode; the man pages render
# without a warning; the systemd unit passes systemd-analyze verify, and
# systemd-analyze security rates it OK; sysusers.d would make its user; the
# bash completion loads and completes; --version on both programs. Then the
# daemon as systemd runs it: READY=1, RELOADING=1 and READY=1 on SIGHUP
# (which loads a peer added meanwhile), STOPPING=1, through a notify socket
# this script plays; log lines with a priority and no time when stderr is
# the journal's stream (JOURNAL_STREAM), with the time otherwise.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/.." && pwd)
R=$T/root
# The unit's exposure (systemd-analyze security): README.md records 1.4 with
# systemd 252 (Debian 12). Above this, a change to the unit must say why.
MAX_EXPOSURE=1.5

need_tools() {
	command -v systemd-analyze >/dev/null 2>&1 && command -v systemd-sysusers >/dev/null 2>&1 &&
		command -v man >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 &&
		command -v bash >/dev/null 2>&1
}
need_tools || sh "$TOP/scripts/deps.sh" >&2
if ! need_tools; then
	not_ok "systemd-analyze, systemd-sysusers, man, python3 and bash are installed (sh scripts/deps.sh)"
	done_testing
	exit 1
fi

# The binaries of this build, as they are: -o keeps make from building them
# again (it would, without the sanitizer's flags, when the version changed).
check "make install DESTDIR=\$T/root PREFIX=/usr" sh -c "make -C '$TOP' install \
	BUILD='$B' DESTDIR='$R' PREFIX=/usr -o '$B/cahierd' -o '$B/cahier' >'$T/install.out' 2>&1" ||
	diag_tail "$T/install.out"

# mode FILE MODE: FILE is a regular file of mode MODE
mode() { [ -f "$R/$1" ] && [ "$(stat -c %a "$R/$1")" = "$2" ] || { diag "$1: mode $(stat -c %a "$R/$1" 2>&1)"; return 1; }; }
for f in usr/bin/cahierd usr/bin/cahier; do
	check "$f, mode 0755, the build's binary" sh -c "[ -f '$R/$f' ] && [ \$(stat -c %a '$R/$f') = 755 ] &&
		cmp -s '$R/$f' '$B/${f##*/}'"
done
for f in usr/share/man/man1/cahier.1 usr/share/man/man1/cahierd.1 usr/share/man/man5/cahierd.conf.5 \
	usr/share/bash-completion/completions/cahier usr/share/bash-completion/completions/cahierd \
	usr/lib/systemd/system/cahierd.service usr/lib/sysusers.d/cahierd.conf; do
	check "$f, mode 0644" mode "$f" 644
done
U=$R/usr/lib/systemd/system/cahierd.service
check "the unit starts /usr/bin/cahierd (BINDIR, without DESTDIR)" \
	grep -qx 'ExecStart=/usr/bin/cahierd run -d /var/lib/cahierd --passphrase-file ${CREDENTIALS_DIRECTORY}/passphrase' "$U"

# man --warnings: groff's warnings (an unknown macro, a bad font) on stderr
for f in man1/cahier.1 man1/cahierd.1 man5/cahierd.conf.5; do
	check "man -l $f renders without a warning" sh -c "
		w=\$(MANWIDTH=80 man --warnings -l '$R/usr/share/man/$f' 2>&1 >'$T/man.out')
		[ -z \"\$w\" ] || { echo \"# \$w\"; exit 1; }
		grep -q '^NAME' '$T/man.out'"
done
check "cahierd.conf(5) names every key config.c reads" sh -c "
	for k in \$(sed -n 's/.*strcmp(k, \"\\([a-z_]*\\)\").*/\\1/p' '$TOP/daemon/config.c'); do
		grep -q \"^\\.B \$k\$\" '$R/usr/share/man/man5/cahierd.conf.5' || { echo \"# missing: \$k\"; exit 1; }
	done"

# systemd-analyze verify needs the unit's ExecStart to exist on this
# machine, where /usr/bin/cahierd is not installed. With --root=\$T/root it
# would look in the DESTDIR, but then finds none of the system's own units
# (sysinit.target, which every service is ordered after) nor kill, and
# fails. So it checks a copy of the installed unit whose ExecStart names the
# DESTDIR's binary, the rest byte for byte the same; MANPATH makes its
# Documentation= (man:cahierd(1), man:cahierd.conf(5)) the installed pages.
# It exits 0 after some warnings (an unknown Type=): nothing may be printed.
mkdir -p "$T/verify"
sed "s|^ExecStart=/usr/bin/cahierd |ExecStart=$R/usr/bin/cahierd |" "$U" >"$T/verify/cahierd.service"
check "the copy differs from the installed unit in ExecStart only" sh -c \
	"[ \$(diff '$U' '$T/verify/cahierd.service' | grep -c '^[<>]') = 2 ]"
check "systemd-analyze verify passes, silent" sh -c "
	MANPATH='$R/usr/share/man' systemd-analyze verify '$T/verify/cahierd.service' >'$T/verify.out' 2>&1 &&
		[ ! -s '$T/verify.out' ] || { sed 's/^/# /' '$T/verify.out'; exit 1; }"
systemd-analyze security --offline=true "$U" >"$T/security.out" 2>&1
LEVEL=$(sed -n 's/.*Overall exposure level for cahierd.service: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p' "$T/security.out")
diag "systemd-analyze security --offline=true: ${LEVEL:-no level}"
check "systemd-analyze security rates the unit OK, at most $MAX_EXPOSURE" sh -c "
	[ -n '$LEVEL' ] && [ '${LEVEL#* }' = OK ] &&
	awk 'BEGIN { exit !(${LEVEL%% *} <= $MAX_EXPOSURE) }'"
check "the README records this level" grep -q "exposure level ${LEVEL%% *} OK" "$TOP/README.md"
check "systemd-sysusers would make the user cahierd" sh -c "
	systemd-sysusers --root='$R' --dry-run >'$T/sysusers.out' 2>&1 &&
	grep -q \"Creating user 'cahierd'\" '$T/sysusers.out'"

# bash completion, from the programs' usage texts (the installed ones)
C=$R/usr/share/bash-completion/completions/cahier
check "the completion loads for both programs" bash -c ". '$C' && complete -p cahier >/dev/null && complete -p cahierd >/dev/null"
# comp WORDS...: what the completion offers for the last word
comp() {
	PATH="$R/usr/bin:$PATH" bash -c ". '$C'; COMP_WORDS=(\"\$@\"); COMP_CWORD=\$((\$# - 1));
		_\$1 \$1; echo \"\${COMPREPLY[*]}\"" comp "$@"
}
check "cahier lo<TAB>: lock log" [ "$(comp cahier lo)" = "lock log" ]
check "cahier --json log CASE --la<TAB>: --last" [ "$(comp cahier --json log 3f2a --la)" = "--last" ]
check "cahier case <TAB>: its sub-commands" sh -c "[ \"$(comp cahier case '')\" = 'new add remove rotate handover grant person list close reopen' ]"
check "cahier --v<TAB>: --version" [ "$(comp cahier --v)" = "--version" ]
check "cahier export CASE --m<TAB>: --missing-person" [ "$(comp cahier export 3f2a --m)" = "--missing-person" ]
check "cahier export CASE --missing-person --la<TAB>: the sheet's own --lang" \
	[ "$(comp cahier export 3f2a --missing-person --la)" = "--lang" ]
check "cahierd <TAB>: its commands" sh -c "comp_out='$(comp cahierd '')'; for w in init card peer provider journal run; do
	case \" \$comp_out \" in *\" \$w \"*) ;; *) echo \"# missing \$w: \$comp_out\"; exit 1;; esac; done"
check "cahierd provider <TAB>: add list revoke" [ "$(comp cahierd provider '')" = "add list revoke" ]
check "cahierd peer add CARD --<TAB>: --fingerprint --yes" [ "$(comp cahierd peer add x.card --)" = "--fingerprint --yes" ]

# --version, from the build's stamp of git describe
V1=$("$R/usr/bin/cahier" --version); rc1=$?
V2=$("$R/usr/bin/cahierd" --version); rc2=$?
diag "cahier --version: $V1" "cahierd --version: $V2"
check "cahier --version: 'cahier VERSION', exit 0" sh -c "[ $rc1 = 0 ] && echo '$V1' | grep -Eqx 'cahier [A-Za-z0-9._+-]+'"
check "cahierd --version: 'cahierd VERSION', exit 0" sh -c "[ $rc2 = 0 ] && echo '$V2' | grep -Eqx 'cahierd [A-Za-z0-9._+-]+'"
check "the same version" [ "${V1#cahier }" = "${V2#cahierd }" ]
check "-V is --version" sh -c "[ \"\$('$B/cahier' -V)\" = '$V1' ] && [ \"\$('$B/cahierd' -V)\" = '$V2' ]"
check "the usage texts name --version" sh -c "'$B/cahier' --help | grep -q -- --version && '$B/cahierd' --help | grep -q -- --version"

# The daemon as systemd runs it. A listener stands for systemd's notify
# socket (a datagram socket): one line per message, its fields joined by |.
cat >"$T/listen.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode("utf-8", "replace").replace("\n", "|") + "\n")
EOF
N=$T/notify.log
: >"$N"
python3 "$T/listen.py" "$T/notify.sock" "$N" </dev/null >/dev/null 2>"$T/listen.err" &
PIDS="$PIDS $!"
check "the notify socket is there" wait_for 10 test -S "$T/notify.sock"
mkorg home "Thuisverpleging Zuid" 1 --sync-ms 60000
mkorg gp "Huisartsenpraktijk Noord" 2
: >"$T/home.log"
# stderr is the journal's stream: systemd sets JOURNAL_STREAM to its
# device and inode; here the log file's
JOURNAL_STREAM=$(stat -c %d:%i "$T/home.log") NOTIFY_SOCKET=$T/notify.sock
export JOURNAL_STREAM NOTIFY_SOCKET
start home || exit 1
unset JOURNAL_STREAM NOTIFY_SOCKET
check "READY=1 once ready, after a status line" wait_for 10 sh -c "grep -q '^STATUS=0 peers, 0 providers\$' '$N' && grep -qx 'READY=1' '$N'"
check "journal lines: a priority, no time, no ident" sh -c "
	grep -q '^<6>Thuisverpleging Zuid ready: clients on ipc://' '$T/home.log' &&
	! grep -v '^<[3467]>' '$T/home.log' | grep -q ."
# a peer added while it runs; the sync interval (60 s) is far: SIGHUP loads it
trust home gp
kill -HUP "$PID_home"
check "SIGHUP: the log says it reloads, and the peer is loaded" wait_for 10 sh -c "
	grep -q '^<6>SIGHUP: reloading peers and providers' '$T/home.log' &&
	grep -q '^<6>loaded 1 peers and 0 providers' '$T/home.log'"
check "RELOADING=1 (with MONOTONIC_USEC), a new status, READY=1 again" wait_for 10 sh -c "
	grep -A2 '^RELOADING=1|MONOTONIC_USEC=[0-9]*\$' '$N' | tr '\n' ' ' |
	grep -q 'STATUS=1 peers, 0 providers READY=1'"
check "the daemon still runs after SIGHUP" running home
stop home
check "STOPPING=1 on SIGTERM" grep -q '^STOPPING=1|STATUS=stopping$' "$N"
check "it exited 0" [ "$REAP_RC" = 0 ]

# JOURNAL_STREAM naming another stream (a child of a service whose stderr
# went to a file): the usual lines, with the time
JOURNAL_STREAM=1:1
export JOURNAL_STREAM
start gp || exit 1
unset JOURNAL_STREAM
check "another stream: lines with the time and the level" \
	grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z cahierd info: Huisartsenpraktijk Noord ready: ' "$T/gp.log"
check "nothing sent without NOTIFY_SOCKET" [ "$(grep -c 'READY=1' "$N")" = 2 ]
done_testing
