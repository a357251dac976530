#!/bin/sh
# t96-complete.sh - the three languages are complete: every message marked
# for translation (the one list of keywords: the Makefile's pot rule) is
# translated in po/nl.po and po/fr.po, none fuzzy, each translation holding
# the printf conversions of its English; po/cahier.pot is what the sources
# mark today; and no words a user reads escape the marking: a string literal
# with words passed straight to a function that prints, or a usage text not
# marked, is named by tests/tools/unmarked.py (what must stay as it is, read
# by scripts or a file's keys, says "not translated" in a comment of its
# paragraph). No daemon runs here.
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/.." && pwd)
check "the sources' marked messages gathered by make pot" \
	make -s -C "$TOP" pot POT="$T/now.pot"
# (the messages, not where in the sources they stand: a line moved does
# not make the template stale)
check "po/cahier.pot holds the messages the sources mark (make pot)" sh -c \
	"msgcat --no-location --sort-output -o - '$T/now.pot' | grep -v '^\"POT-Creation-Date' >'$T/a' &&
	msgcat --no-location --sort-output -o - '$TOP/po/cahier.pot' | grep -v '^\"POT-Creation-Date' >'$T/b' &&
	cmp -s '$T/a' '$T/b'"
for l in nl fr; do
	check "$l: every marked message has a translation" msgcmp "$TOP/po/$l.po" "$T/now.pot"
	check "... none fuzzy, none left empty" sh -c \
		"msgfmt --check --statistics -o /dev/null '$TOP/po/$l.po' 2>'$T/stat.$l' &&
		! grep -q 'fuzzy\\|untranslated' '$T/stat.$l'"
	check "... no message kept that the sources no longer mark" sh -c \
		"! msgattrib --only-obsolete '$TOP/po/$l.po' | grep -q '^#~ msgid'"
done

check "no words a user reads are left out of the catalogues" \
	python3 "$TOP/tests/tools/unmarked.py" "$TOP"/client/*.c "$TOP"/daemon/*.c "$TOP"/keys/*.c

# The check can fail: a message printed without _(), a usage text kept in a
# variable, and the same marked or excused are told apart.
cat >"$T/bad.c" <<'C'
static void f(void) { printf("case %s closed\n", name); }
static const char usage[] = "usage: cahier frob CASE\n";
C
cat >"$T/good.c" <<'C'
static void f(void) { printf(_("case %s closed\n"), name); }
static const char *usage = N_("usage: cahier frob CASE\n");
/* not translated: scripts read it */
static void g(void) { printf("posted %s %s\n", kind, ref); }
C
check "... it names a message printed as it is, and a usage text not marked" sh -c \
	"python3 '$TOP/tests/tools/unmarked.py' '$T/bad.c' >'$T/bad.out';
	[ \$? = 1 ] && grep -q 'bad.c:1: \"case %s closed' '$T/bad.out' &&
	grep -q 'bad.c:2: a usage text not marked' '$T/bad.out'"
check "... and passes what is marked or said not to be translated" \
	python3 "$TOP/tests/tools/unmarked.py" "$T/good.c"
done_testing
