#!/bin/sh
# layers.sh - checks that the sources keep their layers, from their
# #include lines alone (DESIGN.md "Layout"; STYLE.md "Naming and module
# boundaries").
#
# usage: sh tests/layers.sh [ROOT]     (ROOT: the tree to check; default the
#                                        one this script belongs to)
#
# Rules, over every .c and .h file under proto/, keys/, daemon/, client/:
#   1. proto/ includes nothing of keys/, daemon/ or client/;
#   2. keys/ includes nothing of daemon/ or client/;
#   3. client/ includes nothing of daemon/;
#   4. only daemon/store.c includes lmdb.h;
#   5. the modules of daemon/ include each other without a cycle. A module is
#      a basename, daemon/x.c with daemon/x.h; x depends on y when x.c or x.h
#      includes "y.h".
# A quoted include is looked for next to the file that includes it, then from
# ROOT (as with -I.); an include in angle brackets counts when it names a file
# of one of the four directories (<daemon/store.h>) or is lmdb.h.
#
# On a violation: one line per violation on stderr, "layers: FILE:LINE:
# #include ...: RULE" (a cycle: the modules in order and the include behind
# each edge), then a count, and exit 1. On success: one line per daemon/ module on stdout,
# its layer (the longest chain of daemon/ includes below it; 0 for a module
# that includes no other) and what it includes, then a summary; exit 0.
# Exit 2 on a usage error. POSIX sh, find, sort and awk only.

case $# in
0) ROOT=$(cd "$(dirname "$0")/.." && pwd) ;;
1) ROOT=$1 ;;
*) echo "usage: sh tests/layers.sh [ROOT]" >&2; exit 2 ;;
esac
cd "$ROOT" 2>/dev/null || { echo "layers: cannot enter $ROOT" >&2; exit 2; }
DIRS=
for d in proto keys daemon client; do [ -d "$d" ] && DIRS="$DIRS $d"; done
[ -n "$DIRS" ] || { echo "layers: no proto/, keys/, daemon/ or client/ in $ROOT" >&2; exit 2; }
# shellcheck disable=SC2086
FILES=$(find $DIRS -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort)
[ -n "$FILES" ] || { echo "layers: no source files under$DIRS in $ROOT" >&2; exit 2; }

# Paths with a space would split here; the tree has none.
# shellcheck disable=SC2086
PICTURE=$(LC_ALL=C awk '
function norm(p,    n, a, i, k, s, st) {
	n = split(p, a, "/"); k = 0
	for (i = 1; i <= n; i++) {
		if (a[i] == "" || a[i] == ".") continue
		if (a[i] == ".." && k > 0 && st[k] != "..") { k--; continue }
		st[++k] = a[i]
	}
	s = ""
	for (i = 1; i <= k; i++) s = s (i > 1 ? "/" : "") st[i]
	return s
}
function exists(p,    r, line) {
	if (p in known) return known[p]
	r = (getline line < p) >= 0
	if (r) close(p)
	return known[p] = r
}
function dirof(p) { return p ~ /\// ? substr(p, 1, match(p, /\/[^\/]*$/) - 1) : "." }
function top(p) { return p ~ /\// ? substr(p, 1, index(p, "/") - 1) : "" }
# module of a daemon/ file: its path under daemon/ without the extension
function module(p) { sub(/^daemon\//, "", p); sub(/\.[ch]$/, "", p); return p }
function violation(rule) {
	printf "layers: %s:%d: %s: %s\n", FILENAME, FNR, inc, rule > "/dev/stderr"
	bad++
}
function addnode(m) { if (!(m in isnode)) { isnode[m] = 1; nodes[++nn] = m } }

FNR == 1 && FILENAME ~ /^daemon\// { addnode(module(FILENAME)) }

/^[ \t]*#[ \t]*include[ \t]*["<]/ {
	line = $0
	sub(/^[ \t]*#[ \t]*include[ \t]*/, "", line)
	q = substr(line, 1, 1)
	close_q = q == "<" ? ">" : "\""
	name = substr(line, 2)
	if (!index(name, close_q)) next
	name = substr(name, 1, index(name, close_q) - 1)
	inc = "#include " q name close_q
	from = top(FILENAME)

	base = name; sub(/.*\//, "", base)
	if (base == "lmdb.h" && FILENAME != "daemon/store.c")
		violation("only daemon/store.c includes lmdb.h")

	if (q == "\"") {
		path = norm(dirof(FILENAME) "/" name)
		if (!exists(path) && exists(norm(name))) path = norm(name)
	} else {
		path = norm(name)
		if (top(path) !~ /^(proto|keys|daemon|client)$/ || !exists(path)) next
	}
	to = top(path)

	if (from == "proto" && to ~ /^(keys|daemon|client)$/)
		violation("proto/ includes nothing of keys/, daemon/ or client/")
	else if (from == "keys" && to ~ /^(daemon|client)$/)
		violation("keys/ includes nothing of daemon/ or client/")
	else if (from == "client" && to == "daemon")
		violation("client/ includes nothing of daemon/")

	if (from == "daemon" && to == "daemon" && path ~ /\.h$/) {
		x = module(FILENAME); y = module(path)
		addnode(y)
		if (x != y && !((x, y) in edge)) {
			edge[x, y] = FILENAME " includes \"" name "\""
			adj[x, ++nadj[x]] = y
		}
	}
}

# Depth-first search; a grey node met again closes a cycle, printed with the
# include behind each of its edges.
function dfs(u,    i, v, j, s, why) {
	color[u] = 1; stack[++sp] = u
	for (i = 1; i <= nadj[u]; i++) {
		v = adj[u, i]
		if (color[v] == 1) {
			for (j = sp; stack[j] != v; j--) ;
			s = ""; why = ""
			for (; j <= sp; j++) {
				s = s stack[j] " -> "
				why = why (why == "" ? "" : "; ") edge[stack[j], j < sp ? stack[j + 1] : v]
			}
			printf "layers: daemon/: include cycle %s%s (%s): the modules of daemon/ include each other without a cycle\n", s, v, why > "/dev/stderr"
			bad++
		} else if (!color[v])
			dfs(v)
	}
	sp--; color[u] = 2
}
function depth(u,    i, d, best) {
	if (u in dep) return dep[u]
	best = 0
	for (i = 1; i <= nadj[u]; i++) { d = depth(adj[u, i]) + 1; if (d > best) best = d }
	return dep[u] = best
}

END {
	for (i = 1; i <= nn; i++) if (!color[nodes[i]]) dfs(nodes[i])
	if (bad) {
		printf "layers: %d violation(s) in %d files\n", bad, nfiles > "/dev/stderr"
		exit 1
	}
	for (i = 1; i <= nn; i++) {
		u = nodes[i]; s = ""
		for (j = 1; j <= nadj[u]; j++) s = s " " adj[u, j]
		printf "layer %d  daemon/%s%s\n", depth(u), u, s == "" ? "" : "  ->" s
	}
}
' nfiles="$(echo "$FILES" | wc -l | tr -d ' ')" $FILES)
case $? in
0) ;;
1) exit 1 ;;
*) echo "layers: awk failed" >&2; exit 2 ;;
esac
printf '%s\n' "$PICTURE" | LC_ALL=C sort -k2,2n -k3,3
echo "layers: ok: $(echo "$FILES" | wc -l | tr -d ' ') files under$DIRS keep their layers; no cycle among the $(echo "$PICTURE" | grep -c '^layer ') modules of daemon/"
