#!/bin/sh
# t87-audit.sh - what an access record says (../shared/DESIGN.md, "Reads are
# audited"): the purpose a read has when the reader names none, by role and
# by what is read, never a wrong one (the person and their trusted person
# read at their own request, a professional for treatment, the care
# network for coordination, the audit for audit); a stated purpose that
# does not fit the role is refused, and the refusal is recorded too; the
# trusted person's reads are shown as made for the person; and the record
# says what was read: the care network, one entry, the tasks, the audit.
. "$(dirname "$0")/lib.sh"

mkorg cpas "CPAS d'Ixelles — service social" 1
mkorg nurse "Thuisverpleging Elsene" 2
check "cards exchanged" mesh cpas nurse
check "social worker" mkprov cpas ines "Inès Dubois" social-worker
check "home nurse" mkprov nurse sophie "Sophie Lambert" home-nurse
check "the person, certified by the CPAS" mkprov cpas fatima "Fatima El Amrani" patient
check "her trusted person, certified by the CPAS" mkprov cpas youssef "Youssef El Amrani" trusted-person
check "a home help of the nursing service" mkprov nurse lina "Lina Peeters" home-help
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
check "a task" c sophie task "$CASE" "Apotheek bellen" --owner Thuisverpleging
check "the note reaches the CPAS" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' log '$CASE' 2>/dev/null | grep -q 'Bezoek 9u'"

# reads with no purpose named
check "the person reads" sh -c "'$B/cahier' --home '$T/fatima' --passphrase-file '$T/pp' log '$CASE' 2>/dev/null | grep -q 'Bezoek 9u'"
check "her trusted person reads" sh -c "'$B/cahier' --home '$T/youssef' --passphrase-file '$T/pp' log '$CASE' 2>/dev/null | grep -q 'Bezoek 9u'"
check "the social worker reads the care network" c ines network "$CASE"
check "the nurse reads her tasks" c sophie tasks "$CASE"
# purposes that do not fit
check "the trusted person cannot read 'for treatment'" \
	fails 2 "purpose treatment refused for your role \\(trusted-person\\)" c youssef log "$CASE" --purpose treatment
check "a professional cannot read 'at her own request'" \
	fails 2 "purpose own-request refused for your role \\(home-nurse\\)" c sophie log "$CASE" --purpose own-request

# what the records say, read by the social worker (its own daemon's records
# and the nurse's, once synced)
A=$T/audit.json
records() { c ines --json audit "$CASE" --all >"$A" 2>/dev/null; }
# rec JQ: some access record matches the jq condition
rec() { records && jq -e "[.records[] | select(.kind == \"access\") | select($1)] | length > 0" "$A" >/dev/null; }
check "the person's read: own-request, not for someone else" \
	rec '.reader == "Fatima El Amrani" and .purpose == "own-request" and .for_person == false and .scope == "notebook"'
check "the trusted person's read: own-request, for the person" \
	rec '.reader == "Youssef El Amrani" and .purpose == "own-request" and .for_person == true and .outcome == "ok"'
check "the trusted person's refused read is recorded, with its purpose" \
	rec '.reader == "Youssef El Amrani" and .purpose == "treatment" and .outcome == "refused"'
check "the care network read: coordination, scope network" \
	rec '.reader == "Inès Dubois" and .scope == "network" and .purpose == "coordination"'
check "the nurse's tasks: treatment, the kinds it asked for" \
	wait_for "$SYNC_WAIT" rec '.reader == "Sophie Lambert" and .purpose == "treatment" and (.kinds | index("task")) != null'
check "the nurse's refused read reached the CPAS" \
	wait_for "$SYNC_WAIT" rec '.reader == "Sophie Lambert" and .purpose == "own-request" and .outcome == "refused"'
check "reading the audit is recorded for audit" \
	rec '.reader == "Inès Dubois" and .scope == "audit" and .purpose == "audit"'
check "the audit's table says 'for the person'" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' audit '$CASE' --all 2>/dev/null |
	grep 'Youssef El Amrani (trusted-person, for the person)' | grep -q 'read the notebook'"
check "... and 'read the care network'" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' audit '$CASE' --all 2>/dev/null |
	grep -q 'read the care network'"
if python3 -c 'import jsonschema' 2>/dev/null; then
	check "the audit's --json matches docs/schema/audit.json" python3 "$(dirname "$0")/tools/validate-json.py" \
		"$(dirname "$0")/../docs/schema/audit.json" "$A"
fi
# filters
au() { "$B/cahier" --home "$T/ines" --passphrase-file "$T/pp" "$@" 2>/dev/null; }
check "--reader: only that reader's records" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' --json audit '$CASE' --all --reader youssef 2>/dev/null |
	jq -e '(.records | length) >= 2 and all(.records[]; .reader == \"Youssef El Amrani\")' >/dev/null"
check "--why, --outcome: the refused reads made 'for treatment'" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' --json audit '$CASE' --all --why treatment --outcome refused 2>/dev/null |
	jq -e '(.records | length) == 1 and .records[0].reader == \"Youssef El Amrani\"' >/dev/null"
check "--org: the records of the nursing service's readers only" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' --json audit '$CASE' --all --org Thuisverpleging 2>/dev/null |
	jq -e '(.records | length) >= 2 and all(.records[]; .reader == \"Sophie Lambert\")' >/dev/null"
check "--action list: none here, exit 1" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' audit '$CASE' --all --action export >/dev/null 2>&1; [ \$? = 1 ]"
check "an unknown action is refused" fails 2 "unknown action 'peek'" c ines audit "$CASE" --action peek
check "an unknown outcome is refused" fails 2 "unknown outcome" c ines audit "$CASE" --outcome maybe
check "the person reads the audit of her case, at her own request" sh -c \
	"'$B/cahier' --home '$T/fatima' --passphrase-file '$T/pp' --json audit '$CASE' --all 2>/dev/null |
	jq -e '(.records | length) > 0' >/dev/null"
check "her read of the audit is recorded as own-request, scope audit" \
	rec '.reader == "Fatima El Amrani" and .scope == "audit" and .purpose == "own-request"'
# break the glass: the home help's role does not see the medical audience,
# which her organization holds the key of
check "a medical note" c sophie note "$CASE" --audience medical "Insuline 12 IE om 8u"
logl() { "$B/cahier" --home "$T/lina" --passphrase-file "$T/pp" log "$CASE" "$@" 2>/dev/null; }
check "the home help does not read it" sh -c "! '$B/cahier' --home '$T/lina' --passphrase-file '$T/pp' log '$CASE' 2>/dev/null | grep -q 'Insuline 12 IE'"
check "an emergency read without a reason is refused" \
	fails 2 "an emergency read needs the reason stated first" c lina log "$CASE" --purpose emergency
check "longer than the daemon allows is refused" \
	fails 2 "at most 240 minutes" c lina emergency "$CASE" --reason "Mevrouw gevallen" --for 600
check "the people around the person do not break the glass" \
	fails 2 "do not break the glass" c youssef emergency "$CASE" --reason "test"
check "no reason: the usage" fails 2 "usage: cahier emergency CASE --reason TEXT" c lina emergency "$CASE"
check "she breaks the glass, with a reason, for 30 minutes" sh -c \
	"'$B/cahier' --home '$T/lina' --passphrase-file '$T/pp' emergency '$CASE' \
	--reason 'Mevrouw gevallen, ambulance gebeld' --for 30 2>/dev/null | grep -q 'emergency access open for 30'"
check "she reads the medical note, as an emergency" sh -c \
	"'$B/cahier' --home '$T/lina' --passphrase-file '$T/pp' log '$CASE' --purpose emergency 2>/dev/null | grep -q 'Insuline 12 IE'"
check "the coordinator is alerted, with who and why" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' alerts 2>/dev/null |
	grep -q 'EMERGENCY ACCESS (break the glass) by Lina Peeters (home-help): Mevrouw gevallen, ambulance gebeld'"
check "the person's contact point side sees it too (network audience)" sh -c \
	"'$B/cahier' --home '$T/fatima' --passphrase-file '$T/pp' log '$CASE' 2>/dev/null | grep -q 'EMERGENCY ACCESS'"
check "the read is recorded as an emergency" wait_for "$SYNC_WAIT" \
	rec '.reader == "Lina Peeters" and .purpose == "emergency" and .outcome == "ok"'
check "the refused one too" \
	rec '.reader == "Lina Peeters" and .purpose == "emergency" and .outcome == "refused"'
check "the daemon's log says so" grep -q "EMERGENCY ACCESS: Lina Peeters (home-help) broke the glass in a case for 30 minutes" "$T/nurse.log"

# following who reads: the trusted person watches the access records
W=$T/watch.out
"$B/cahier" --home "$T/youssef" --passphrase-file "$T/pp" watch "$CASE" --access --every 1 --for 8 \
	--last 1 >"$W" 2>"$T/watch.err" &
WPID=$!
sleep 3
check "the nurse reads while he watches" c sophie log "$CASE"
watched() { grep -q "Sophie Lambert (home-nurse) · Thuisverpleging Elsene  read the notebook" "$W"; }
check "the watch reports her read as it arrives" wait_for 10 watched
wait "$WPID"
check "the watch ended by itself (--for), exit 0" [ $? = 0 ]
own_audit_reads() { c ines --json audit "$CASE" --all 2>/dev/null |
	jq '[.records[] | select(.kind == "access" and .reader == "Youssef El Amrani" and .scope == "audit")] | length'; }
n=$(own_audit_reads)
check "it did not record its own records over and over ($n reads of the audit recorded, 8 polls)" \
	sh -c "[ -n '$n' ] && [ '$n' -ge 1 ] && [ '$n' -le 3 ]"

# the person's report
R=$T/report
check "the person's report" sh -c "'$B/cahier' --home '$T/fatima' --passphrase-file '$T/pp' \
	audit '$CASE' --for-person >'$R.txt' 2>/dev/null"
check "... names the case and says what each record means, in words" sh -c \
	"grep -q '^Who read the notebook of Mevrouw El Amrani' '$R.txt' &&
	grep -q 'Sophie Lambert, home nurse at Thuisverpleging Elsene,' '$R.txt' &&
	grep -q 'entries of your notebook, for your care\\.' '$R.txt' &&
	grep -q 'looked at who is in your care network, to coordinate your care\\.' '$R.txt'"
check "... the trusted person's reads as made on her behalf" sh -c \
	"grep -A1 'Youssef El Amrani, trusted person' '$R.txt' | grep -q 'for you, on your behalf\\.'"
check "... a refused read as refused, with what was claimed" grep -q "tried to read your notebook, for your care, and was refused\\.$" "$R.txt"
check "... counts the records" grep -q "times in all\\.$" "$R.txt"
check "... the emergency read, in words" sh -c "grep -A1 'Lina Peeters, home help' '$R.txt' | grep -q 'entries of your notebook, in an emergency\\.'"
check "her trusted person runs it for her, as a page to print" sh -c "'$B/cahier' --home '$T/youssef' \
	--passphrase-file '$T/pp' audit '$CASE' --for-person --html >'$R.html' 2>/dev/null"
check "... HTML with print CSS for A4, names isolated" sh -c \
	"grep -q '^<!DOCTYPE html>' '$R.html' && grep -q '@page { size: A4' '$R.html' &&
	grep -q '<bdi>Sophie Lambert</bdi>, home nurse at <bdi>Thuisverpleging Elsene</bdi>' '$R.html' &&
	grep -q '</html>' '$R.html'"
check "... an apostrophe in a name is escaped" grep -q "CPAS d&#39;Ixelles" "$R.html"
check "--html alone is refused" fails 2 "html goes with --for-person" c fatima audit "$CASE" --html

# the person's report in the person's language: the locale, or --lang
check "in Dutch, as the locale says (LANGUAGE=nl)" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 \
	LANGUAGE=nl '$B/cahier' --home '$T/fatima' \
	--passphrase-file '$T/pp' audit '$CASE' --for-person >'$R.nl' 2>/dev/null"
check "... every sentence in Dutch" sh -c \
	"grep -q '^Wie las het zorgschrift van Mevrouw El Amrani' '$R.nl' &&
	grep -q 'Sophie Lambert, thuisverpleegkundige bij Thuisverpleging Elsene,' '$R.nl' &&
	grep -q 'items van uw zorgschrift, voor uw zorg\\.' '$R.nl' &&
	grep -q 'bekeek wie er in uw zorgnetwerk zit, om uw zorg te coördineren\\.' '$R.nl' &&
	grep -q 'keer in totaal\\.\$' '$R.nl' && ! grep -q 'your notebook' '$R.nl'"
check "in French with --lang fr, a page to print" sh -c "'$B/cahier' --home '$T/youssef' \
	--passphrase-file '$T/pp' audit '$CASE' --for-person --html --lang fr >'$R.fr.html' 2>/dev/null"
check "... every sentence in French, the page marked French" sh -c \
	"grep -q '<html lang=\"fr\">' '$R.fr.html' &&
	grep -q '<h1>Qui a lu le cahier de <bdi>Mevrouw El Amrani</bdi></h1>' '$R.fr.html' &&
	grep -q '<bdi>Sophie Lambert</bdi>, infirmier·ère à domicile chez <bdi>Thuisverpleging Elsene</bdi>' '$R.fr.html' &&
	grep -q 'pour vos soins' '$R.fr.html' && grep -q '<th>Pourquoi</th>' '$R.fr.html' &&
	! grep -q 'your notebook' '$R.fr.html'"
check "--lang en wins over the locale" sh -c "env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 \
	LANGUAGE=fr '$B/cahier' --home '$T/fatima' \
	--passphrase-file '$T/pp' audit '$CASE' --for-person --lang en 2>/dev/null | grep -q '^Who read the notebook of'"
check "another language is refused" fails 2 "lang takes nl, fr or en" c fatima audit "$CASE" --for-person --lang de
# Every marked message translated in both catalogues: tests/t96-complete.sh
# (with the Makefile's one list of keywords).
stop_all
done_testing
