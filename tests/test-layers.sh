#!/bin/sh
# test-layers.sh - tests of tests/layers.sh on small fake trees: a clean one
# passes with its layers shown; each kind of violation is caught, one line
# each, naming the file, the include and the rule. TAP, for prove.

LAYERS=$(cd "$(dirname "$0")" && pwd)/layers.sh
W=$(mktemp -d "${TMPDIR:-/tmp}/cahier-layers.XXXXXX") || { echo "Bail out! no temporary directory"; exit 1; }
N=0 FAIL=0
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM HUP

ok() { N=$((N + 1)); echo "ok $N - $*"; }
not_ok() { N=$((N + 1)); FAIL=$((FAIL + 1)); echo "not ok $N - $*"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

# f TREE PATH [LINE...]: writes the file PATH of TREE, one argument a line
f() { mkdir -p "$W/$1/$(dirname "$2")" && { t=$1 p=$2; shift 2; printf '%s\n' "/* $p */" "$@" >"$W/$t/$p"; }; }
# variant NAME: a copy of the clean tree to break
variant() { rm -rf "${W:?}/$1"; cp -R "$W/clean" "$W/$1"; }
# run TREE: layers.sh on TREE; its exit code in RC, its output in TREE.out/.err
run() { sh "$LAYERS" "$W/$1" >"$W/$1.out" 2>"$W/$1.err"; RC=$?; }
# fails_with TREE PATTERN...: exit 1, one violation line per pattern (in
# order, each matching its ERE), nothing more but the count
fails_with() {
	t=$1; shift
	run "$t"
	[ "$RC" = 1 ] || { echo "# exit $RC, wanted 1"; sed 's/^/#   /' "$W/$t.out" "$W/$t.err"; return 1; }
	grep -v '^layers: [0-9]* violation' "$W/$t.err" >"$W/$t.lines"
	[ "$(wc -l <"$W/$t.lines")" = $# ] || { echo "# wanted $# violation line(s):"; sed 's/^/#   /' "$W/$t.err"; return 1; }
	i=0
	for re in "$@"; do
		i=$((i + 1))
		sed -n "${i}p" "$W/$t.lines" | grep -Eq "$re" ||
			{ echo "# line $i does not match /$re/:"; sed 's/^/#   /' "$W/$t.err"; return 1; }
	done
	sed 's/^/#   /' "$W/$t.err"
}

# The clean tree: the layers as DESIGN.md draws them, with the ways of
# writing an include the checker must follow.
f clean proto/err.h
f clean proto/buf.h '#include "err.h"'
f clean proto/buf.c '#include <string.h>' '#include "buf.h"'
f clean keys/keys.h '#include "../proto/err.h"'
f clean keys/keys.c '#include <sodium.h>' '#include "../proto/buf.h"' '#include "keys.h"'
f clean daemon/log.h
f clean daemon/log.c '#include "log.h"'
f clean daemon/store.h '/* wraps lmdb.h: the only file that includes it is store.c */' '#include "../proto/err.h"'
f clean daemon/store.c '#include <lmdb.h>' '  #  include "store.h"' '#include "log.h"'
f clean daemon/daemon.h '#include <czmq.h>' '#include "../keys/keys.h"' '#include "store.h"'
f clean daemon/sync.c '#include "daemon.h"' '#include "log.h"' '#include "./store.h"'
f clean daemon/main.c '#include "daemon.h"'
f clean client/cli.h '#include "../keys/keys.h"' '#include "../proto/buf.h"'
f clean client/main.c '#include "cli.h"'

run clean
check "a clean tree passes (exit 0)" [ "$RC" = 0 ]
check "... with nothing on stderr" [ ! -s "$W/clean.err" ]
check "... and one line per daemon/ module with its layer" \
	[ "$(grep -c '^layer [0-9]*  daemon/' "$W/clean.out")" = 5 ]
sed 's/^/#   /' "$W/clean.out"
check "... a module that includes no other is layer 0" grep -qx 'layer 0  daemon/log' "$W/clean.out"
check "... the layer is the longest chain below it" grep -Eq '^layer 3  daemon/main  -> daemon$' "$W/clean.out"
check "... a module's own header is no edge" grep -Eq '^layer 1  daemon/store  -> log$' "$W/clean.out"

variant cycle
f cycle daemon/peer.h '#include "case.h"'
f cycle daemon/case.h '#include "../proto/err.h"' '#include "peer.h"'
f cycle daemon/case.c '#include "case.h"'
check "a cycle between two daemon/ modules is caught and printed" fails_with cycle \
	'^layers: daemon/: include cycle case -> peer -> case \(daemon/case.h includes "peer.h"; daemon/peer.h includes "case.h"\)'

variant cycle3
f cycle3 daemon/log.c '#include "log.h"' '#include "daemon.h"'
check "a cycle through three modules, by a .c file, is caught" fails_with cycle3 \
	'include cycle daemon -> store -> log -> daemon \(daemon/daemon.h includes "store.h"; daemon/store.c includes "log.h"; daemon/log.c includes "daemon.h"\)'

variant proto
f proto proto/buf.c '#include "buf.h"' '#include "../daemon/store.h"'
f proto proto/err.h '#include <keys/keys.h>'
check "proto/ including daemon/ or keys/ is caught (quoted and <dir/x.h>)" fails_with proto \
	'^layers: proto/buf.c:3: #include "../daemon/store.h": proto/ includes nothing of keys/, daemon/ or client/$' \
	'^layers: proto/err.h:2: #include <keys/keys.h>: proto/'

variant keys
f keys keys/keys.c '#include "keys.h"' '#include "../client/cli.h"' '#include "../daemon/log.h"'
check "keys/ including client/ or daemon/ is caught" fails_with keys \
	'^layers: keys/keys.c:3: #include "../client/cli.h": keys/ includes nothing of daemon/ or client/$' \
	'^layers: keys/keys.c:4: #include "../daemon/log.h": keys/'

variant client
f client client/main.c '#include "cli.h"' '#include "../daemon/daemon.h"'
check "client/ including daemon/ is caught" fails_with client \
	'^layers: client/main.c:3: #include "../daemon/daemon.h": client/ includes nothing of daemon/$'

variant lmdb
f lmdb daemon/sync.c '#include "daemon.h"' '#include <lmdb.h>'
f lmdb daemon/store.h '#include "../proto/err.h"' '# include <lmdb.h>'
f lmdb client/main.c '#include "cli.h"' '#include "lmdb.h"'
check "lmdb.h outside daemon/store.c is caught (store.h too)" fails_with lmdb \
	'^layers: client/main.c:3: #include "lmdb.h": only daemon/store.c includes lmdb.h$' \
	'^layers: daemon/store.h:3: #include <lmdb.h>: only daemon/store.c' \
	'^layers: daemon/sync.c:3: #include <lmdb.h>: only daemon/store.c'

variant allowed
f allowed daemon/api.c '#include "../client/cli.h"' '#include "../keys/keys.h"'
f allowed client/cmd.c '#include "../proto/buf.h"' '#include "../keys/keys.h"'
run allowed
check "includes downwards pass (daemon/ and client/ of proto/ and keys/)" [ "$RC" = 0 ]

check "a tree with none of the four directories: exit 2" sh -c "sh '$LAYERS' '$W/nothing' 2>/dev/null; [ \$? = 2 ]"
check "two arguments: exit 2" sh -c "sh '$LAYERS' '$W/clean' '$W/clean' 2>/dev/null; [ \$? = 2 ]"

echo "1..$N"
[ "$FAIL" = 0 ]
