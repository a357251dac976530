#!/bin/sh
# version.sh - the version both programs print with --version, on stdout.
# In a git checkout of this tree: `git describe --tags --always --dirty`
# (v0.4.0-12-gabc1234 gives 0.4.0-12-gabc1234); before the first tag, the
# number in VERSION and the commit (0.1.0-gabc1234, -dirty with changes not
# committed). Out of a checkout (a release tarball): VERSION alone. Only
# letters, digits and . _ + - are kept, so the result is safe in a C string.
cd "$(dirname "$0")/.." || exit 1
base=$(sed -n 1p VERSION 2>/dev/null)
v=
# (not the describe of a repository this tree merely sits in)
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ]; then
	if t=$(git describe --tags --dirty 2>/dev/null); then
		v=${t#v}
	elif h=$(git describe --always --dirty 2>/dev/null); then
		v=${base:-0}-g$h
	fi
fi
[ -n "$v" ] || v=${base:-unknown}
printf '%s\n' "$v" | tr -cd 'A-Za-z0-9._+\n-'
