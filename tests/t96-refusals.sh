#!/bin/sh
# t96-refusals.sh - the daemon's refusals, as providers see them: cahierd
# sends an English format and its arguments (proto/refusal.h), and the
# client puts them in the provider's language (LANGUAGE nl, fr, en) with
# its own catalogue, whatever the daemon's locale: real refusals by a real
# daemon, each in the three languages with the same exit code on one line;
# a reason inside a refusal translated too; a name an organization chose,
# with a %s in it, shown inert; and every refusal's
# format extracted and translated, with as many %s as its call gives.
. "$(dirname "$0")/lib.sh"

# An organization whose name holds conversions (names hold no controls:
# test_refusal.c shows an argument's controls escaped): the daemon quotes
# it in its refusals.
mkorg cpas "CPAS %s%n Evere" 1
check "social worker at the CPAS" mkprov cpas ines "Inès Dubois" social-worker
check "home nurse at the CPAS" mkprov cpas sophie "Sophie Lambert" home-nurse
check "a trusted person at the CPAS" mkprov cpas jan "Jan Peeters" trusted-person
# the daemon itself runs in French: the refusals follow the client's language
LANGUAGE=fr LC_ALL=C.UTF-8 start cpas || exit 1

CASE=$(c ines case new "Mevrouw Janssens" 2>/dev/null)
check "case created" [ "${#CASE}" = 32 ]
NOWHERE=0123456789abcdef0123456789abcdef

three 2 "a home nurse asks to be told of the reads (status 2)" \
	"^cahier: your role \\(home-nurse\\) does not receive the person's notification: it goes to the person" \
	"^cahier: uw rol \\(home-nurse\\) krijgt de melding voor de persoon niet: die gaat naar de persoon" \
	"^cahier: votre rôle \\(home-nurse\\) ne reçoit pas la notification de la personne : elle va à la personne" \
	sophie notify "$CASE" on
three 1 "a case this daemon does not hold (status 3)" \
	"^cahier: no such case $NOWHERE at CPAS %s%n Evere \\(is this organization a member of it\\?\\)\$" \
	"^cahier: geen dossier $NOWHERE bij CPAS %s%n Evere \\(is deze organisatie er lid van\\?\\)\$" \
	"^cahier: aucun dossier $NOWHERE chez CPAS %s%n Evere \\(cette organisation en est-elle membre \\?\\)\$" \
	ines log "$NOWHERE"
three 2 "a trusted person closes a case (a role refused an action)" \
	"^cahier: your role \\(trusted-person\\) does not close cases\$" \
	"^cahier: uw rol \\(trusted-person\\) sluit geen dossiers\$" \
	"^cahier: votre rôle \\(trusted-person\\) ne clôture pas de dossiers\$" \
	jan case close "$CASE"
three 2 "a professional reads at the person's own request: the reason is translated too" \
	"^cahier: purpose own-request refused for your role \\(social-worker\\): a professional reads for the person's care, not at their own request\$" \
	"^cahier: doel own-request geweigerd voor uw rol \\(social-worker\\): een professional leest voor de zorg van de persoon, niet op eigen verzoek\$" \
	"^cahier: finalité own-request refusée pour votre rôle \\(social-worker\\) : un professionnel lit pour les soins de la personne, pas à sa propre demande\$" \
	ines log "$CASE" --purpose own-request

# The name the organization chose: its %s and %n stay text, never a
# conversion, in every language.
for l in en nl fr; do
	check "the organization's name is inert ($l)" sh -c "
		env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=$l '$B/cahier' --home '$T/ines' \
			--passphrase-file '$T/pp' --timeout 20 log $NOWHERE 2>'$T/evil.$l'
		[ \$? = 1 ] && grep -q ' CPAS %s%n Evere ' '$T/evil.$l'"
done

stop_all

# Every refusal's format: as many %s as the arguments its call gives (the
# compiler checks that each argument is a string; the count is checked
# here, over the sources), and each translated in both catalogues.
TOP=$(cd "$(dirname "$0")/.." && pwd)
check "every refusal's format has one %s per argument, and no other conversion" \
	python3 - "$TOP"/daemon/*.c <<'EOF'
import re, sys
bad = 0
for path in sys.argv[1:]:
    src = open(path, encoding="utf-8").read()
    for m in re.finditer(r"\b(cahierd_reply_err|why_set)\(", src):
        if src[m.start() - 1] in "_#" or src[:m.start()].rstrip().endswith("define"):
            continue
        # the call's arguments, split at the commas outside (), {} and strings
        i, depth, args, cur = m.end(), 1, [], ""
        while depth:
            ch = src[i]
            if ch == '"':
                j = i + 1
                while src[j] != '"':
                    j += 2 if src[j] == "\\" else 1
                cur += src[i:j + 1]; i = j + 1; continue
            if ch in "({[": depth += 1
            if ch in ")}]": depth -= 1
            if depth == 1 and ch == ",":
                args.append(cur.strip()); cur = ""
            elif depth:
                cur += ch
            i += 1
        args.append(cur.strip())
        fmtpos = 2 if m.group(1) == "cahierd_reply_err" else 1
        if "WHY_LIST" in src[m.start():i] or len(args) <= fmtpos:
            continue
        fmt, rest = args[fmtpos], args[fmtpos + 1:]
        if not fmt.startswith('"'):
            if rest:
                print("%s: %s with a variable format and arguments" % (path, m.group(1))); bad += 1
            continue
        text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', fmt))
        convs = re.findall(r"%(.)", text.replace("%%", ""))
        line = src.count("\n", 0, m.start()) + 1
        if any(c != "s" for c in convs) or len(convs) != len(rest):
            print("%s:%d: %d %%s for %d arguments: %s" % (path, line, convs.count("s"), len(rest), text)); bad += 1
sys.exit(1 if bad else 0)
EOF
# Every marked message translated in both catalogues: tests/t96-complete.sh
# (with the Makefile's one list of keywords).
done_testing
