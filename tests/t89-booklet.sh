#!/bin/sh
# t89-booklet.sh - paper: cahier export CASE --booklet, --yellow-box and
# --missing-person (README, "Paper: the booklet and the yellow box"). Four
# organizations around the three people of DOMAIN.md; the exports rendered to PDF by
# headless chromium and read back with pdfinfo (pages) and pdftotext
# (content): the names (accents, Arabic), the headings in both languages,
# the contact point and a phone number, a hidden entry marked as hidden
# with its text absent, an entry of an audience the reader may not read
# absent, a yellow-box sheet of exactly one page even with a long
# medication list; the missing-person sheet from the same note (description,
# habits, places), one page too, its labels left out of the yellow-box
# sheet; hostile text inert in the HTML; every export recorded
# as a print with exactly the entries it holds; and the refusals that
# come before any read (no chromium, --pdf without --out, no --lang)
# leave no record.
. "$(dirname "$0")/lib.sh"

# The tools this test reads PDFs with, and the renderer: scripts/deps.sh
# installs them (make check runs it first). Missing, the test fails.
for tool in chromium pdftotext pdfinfo jq; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ not_ok "$tool is installed (run scripts/deps.sh)"; done_testing; exit 1; }
done

COORD="Zorgcoördinatie Brussel"
NURSE="Thuisverpleging Brussel-Zuid"
GP="Huisartsenpraktijk Noord"
CPAS="CPAS d'Anderlecht — service social"
mkorg coord "$COORD" 1
mkorg nurse "$NURSE" 2
mkorg gp "$GP" 3
mkorg cpas "$CPAS" 4
check "cards exchanged" mesh coord nurse gp cpas
check "the coordinator" mkprov coord ines "Inès Lefèvre" coordinator
check "a home nurse" mkprov nurse sophie "Sophie Lambert" home-nurse
check "a GP" mkprov gp marc "Dr Marc Janssens" gp
check "a social worker of the CPAS" mkprov cpas karim "Karim Benali" social-worker
check "the person of case 2, certified by the coordination" mkprov coord fatima "Fatima El Amrani" patient
for o in coord nurse gp cpas; do start $o || exit 1; done
# The renderer's private directories go here, to be checked at the end.
TMPDIR=$T/tmp; export TMPDIR
mkdir -p "$TMPDIR"

# newcase NAME ORG:ROLE...: a case of the coordinator with these members
newcase() {
	nc_id=$(c ines case new "$1" 2>/dev/null) || return 1
	shift
	for m in "$@"; do c ines case add "$nc_id" "$T/${m%%:*}/org.card" --role "${m#*:}" >/dev/null 2>&1 || return 1; done
	echo "$nc_id"
}
# sees HOME CASE: HOME's daemon lists the case
sees() { c "$1" case list --no-names 2>/dev/null | grep -q "$(printf '%.8s' "$2")" ||
	c "$1" --json case list --all --no-names 2>/dev/null | grep -q "$2"; }
# flat FILE: FILE's text (pdftotext -raw's, in the order it was drawn) on one line, every run of blanks one
# space, so that a name or a sentence cut at the end of a line is found whole;
# the form feeds between pages stay (as spaces)
flat() { tr '\n\f\t' '   ' <"$1" | tr -s ' ' >"$1.flat" && mv "$1.flat" "$1"; }
# ref JSON: the short reference of a post --json
ref() { printf '%s' "$1" | jq -r .ref; }

# ---- case 2: a woman of 70 at home ------------------------------------------
FATIMA="Fatima El Amrani — فاطمة العمراني"
C2=$(newcase "$FATIMA" nurse:home-nursing gp:gp cpas:social-service)
check "case 2 opened with nursing, the GP practice and the CPAS" [ "${#C2}" = 32 ]
check "the person listed" c ines case person "$C2" --role patient --name "$FATIMA" \
	--key "$T/fatima/provider.request" --basis own-consent
check "her contact point" c ines case person "$C2" --role contact-point --name "Inès Lefèvre"
check "the deputy" c ines case person "$C2" --role deputy-contact-point --name "Sophie Lambert"
check "her trusted person" c ines case person "$C2" --role trusted-person --name "Samira El Amrani" \
	--basis written-mandate
for h in sophie marc karim; do
	check "case 2 reaches $h" wait_for "$SYNC_WAIT" c "$h" --json network "$C2"
done
check "her own goal, for everyone" c ines goal "$C2" "Je veux rester chez moi" --own --audience network
check "a shared goal, with who works on it" c ines goal "$C2" "Hygiène deux fois par semaine" \
	--shared --worker Thuis --worker CPAS
check "a task for the nurse" c ines task "$C2" "Pilulier chaque lundi" --owner Thuis --due 2031-01-15
check "an appointment at the GP" c ines appointment "$C2" "Consultation mémoire" \
	--at "2031-01-20 10:30" --minutes 30 --org Huisarts
check "a fall, alerted to nursing and the GP" c sophie alert "$C2" "Chute dans la salle de bain" \
	--to Thuis --to Huisarts --priority high
check "a medical note the social worker may not read" c marc note "$C2" --audience medical \
	"Radiographie: fracture du poignet RADIO-SECRET-7731"
J=$(c sophie --json note "$C2" --audience network "Elle a demandé de cacher ceci HIDE-SECRET-4242" 2>/dev/null)
check "a note for everyone, then hidden at her request" c sophie hide "$C2" "$(ref "$J")" --reason asked --yes
printf 'Bonjour <script>alert(1)</script> & "quotes" \033[2J\033]0;title\007 \342\200\256evil\342\200\254 end HOSTILE-9\n' >"$T/hostile.txt"
check "a hostile note (markup, terminal and bidi controls)" c karim note "$C2" --audience network - <"$T/hostile.txt"
cat >"$T/yb2.txt" <<'EOF'
Boîte jaune
Né le: 02/03/1954
Affections: démence débutante, diabète de type 2
Médicaments: metformine 850 mg 2x/jour
  donépézil 10 mg le soir
Allergies: pénicilline
Téléphone: Samira El Amrani (fille) 0470 12 34 56
Carnet: dans le tiroir de la cuisine
EOF
check "her yellow-box note, for the medical audience" c marc note "$C2" --audience medical - <"$T/yb2.txt"
check "everything reached the CPAS" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/karim' --passphrase-file '$T/pp' log '$C2' 2>/dev/null | grep -q 'HOSTILE-9'"
check "... and the nurse" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' log '$C2' 2>/dev/null | grep -q 'metformine'"

# prints HOME CASE: the sum of the entries of HOME's print records of the case
prints() { c "$1" --json audit "$2" --all --action print 2>/dev/null |
	jq '[.records[] | select(.action == "print")] | map(.entries) | add // 0'; }
nprints() { c "$1" --json audit "$2" --all --action print 2>/dev/null | jq '.records | length'; }

# ---- refusals before any read -------------------------------------------------
before=$(nprints karim "$C2")
check "--pdf without --out is refused" fails 2 "pdf needs --out FILE" c karim export "$C2" --booklet --pdf
check "--yellow-box without --lang is refused" fails 2 "needs --lang nl or --lang fr" c karim export "$C2" --yellow-box
check "an unknown --lang is refused" fails 2 "lang takes nl or fr" c karim export "$C2" --yellow-box --lang de
check "no chromium: a clear error" fails 2 "install the chromium package" \
	env CAHIER_CHROMIUM="$T/no-such-chromium" "$B/cahier" --home "$T/karim" --passphrase-file "$T/pp" \
	export "$C2" --booklet --pdf --out "$T/none.pdf"
check "... and none of them read or recorded anything" [ "$(nprints karim "$C2")" = "$before" ]

# A stand-in for chromium that says how it was run, then fails: the flags
# that keep it off the network and out of the user's profile, the page a
# private file in a private directory, and the failure reported.
cat >"$T/fake-chromium" <<'EOF2'
#!/bin/sh
out=${0%/*}/fake-chromium.args
for a in "$@"; do echo "$a"; done >"$out"
page=$(for a in "$@"; do case $a in file://*) echo "${a#file://}";; esac; done)
echo "page-mode $(stat -c %a "$page") dir-mode $(stat -c %a "${page%/*}") home $HOME" >>"$out"
exit 3
EOF2
chmod 755 "$T/fake-chromium"
check "a renderer that fails: a clear error" fails 2 "chromium failed to render the PDF \\(exit status 3\\)" \
	env CAHIER_CHROMIUM="$T/fake-chromium" "$B/cahier" --home "$T/karim" --passphrase-file "$T/pp" \
	export "$C2" --yellow-box --lang nl --pdf --out "$T/none.pdf"
A=$T/fake-chromium.args
check "... it ran headless, with no network: a proxy that is not there, loopback included, no name resolving" sh -c \
	"grep -qx -- --headless '$A' && grep -qx -- --proxy-server=127.0.0.1:9 '$A' &&
	grep -qxF -- '--proxy-bypass-list=<-loopback>' '$A' && grep -qxF -- '--host-resolver-rules=MAP * ~NOTFOUND' '$A'"
check "... with a profile and a home of its own, in the private directory" sh -c \
	"grep -q -- '^--user-data-dir=$TMPDIR/cahier-print\\.' '$A' && grep -q 'home $TMPDIR/cahier-print\\.' '$A'"
check "... the page mode 0600 in a directory of mode 0700" grep -q "^page-mode 600 dir-mode 700 " "$A"
if [ "$(id -u)" = 0 ]; then
	check "... as root, without chromium's sandbox (it refuses root)" grep -qx -- --no-sandbox "$A"
else
	check "... not as root: with chromium's sandbox" sh -c "! grep -qx -- --no-sandbox '$A'"
fi
check "... and the page, the directory and the profile are gone" [ -z "$(ls -A "$TMPDIR")" ]

# ---- the booklet, as the CPAS's social worker ---------------------------------
H=$T/booklet2.html
check "booklet as HTML on stdout" sh -c "'$B/cahier' --home '$T/karim' --passphrase-file '$T/pp' \
	export '$C2' --booklet >'$H' 2>'$T/booklet.err'"
check "... a whole page, with print CSS for A4 and a running header" sh -c \
	"grep -q '^<!DOCTYPE html>' '$H' && grep -q '@page { size: A4' '$H' && grep -q '@top-left' '$H' && grep -q '</html>' '$H'"
check "... nothing from outside: no URL, a policy that forbids loading" sh -c \
	"! grep -Eqi '(src|href)=|url\\(|@import|https?:' '$H' && grep -q \"default-src 'none'\" '$H'"
check "... the hostile markup is inert" sh -c \
	"grep -q 'Bonjour &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;' '$H' && ! grep -qi '<script' '$H'"
check "... no terminal or bidi control gets through, as visible escapes instead" sh -c \
	"! LC_ALL=C grep -q \"\$(printf '\\033')\" '$H' && ! grep -q \"\$(printf '\\342\\200\\256')\" '$H' &&
	grep -q '\\\\x1b\\[2J' '$H' && grep -q '\\\\u202eevil' '$H'"
check "... the hidden note is marked, its text absent" sh -c \
	"grep -q 'Hidden by' '$H' && ! grep -q 'HIDE-SECRET' '$H'"
check "... the medical note: its text absent, said to be for the medical audience" sh -c \
	"! grep -q 'RADIO-SECRET' '$H' && ! grep -q 'metformine' '$H' && grep -q 'for the medical audience' '$H'"
check "... the running header escapes the name for CSS" sh -c \
	"grep -q 'content: \"Fatima El Amrani ' '$H' && ! grep -q 'content: \"[^\"]*فاطمة' '$H'"

P=$T/booklet2.pdf
before=$(prints karim "$C2")
check "booklet as PDF" c karim export "$C2" --booklet --pdf --out "$P"
check "... a PDF of A4 pages, mode 0600" sh -c "pdfinfo '$P' | grep -q 'Page size:.*(A4)' &&
	[ \"\$(stat -c %a '$P')\" = 600 ]"
pdftotext -raw "$P" "$T/b2.txt" && flat "$T/b2.txt"
check "... the person's name, accents and Arabic" sh -c "grep -q 'Fatima El Amrani' '$T/b2.txt' && grep -q 'فاطمة' '$T/b2.txt'"
check "... her own goal first, then the network with contact point, deputy and trusted person" sh -c \
	"grep -q 'Je veux rester chez moi' '$T/b2.txt' && grep -q 'contact point *Inès Lefèvre' '$T/b2.txt' &&
	grep -q 'deputy contact point *Sophie Lambert' '$T/b2.txt' && grep -q 'trusted person *Samira El Amrani' '$T/b2.txt'"
check "... the open task, the appointment and the unacknowledged alert" sh -c \
	"grep -q 'Pilulier chaque lundi' '$T/b2.txt' && grep -q 'Consultation mémoire' '$T/b2.txt' &&
	grep -q 'Chute dans la salle de bain' '$T/b2.txt' && grep -q 'Not yet acknowledged by' '$T/b2.txt'"
check "... each entry with author, role and organization" grep -q 'Sophie Lambert (home nurse) · Thuisverpleging Brussel-Zuid' "$T/b2.txt"
check "... the running header on every page: name and print date" sh -c \
	"n=\$(pdfinfo '$P' | sed -n 's/^Pages: *//p'); [ \"\$(grep -o 'printed 20' '$T/b2.txt' | wc -l)\" -ge \"\$n\" ]"
check "... the hidden note marked as hidden, its text absent" sh -c \
	"grep -q 'Hidden by' '$T/b2.txt' && ! grep -q 'HIDE-SECRET' '$T/b2.txt'"
check "... the medical notes absent" sh -c "! grep -q 'RADIO-SECRET' '$T/b2.txt' && ! grep -q 'metformine' '$T/b2.txt'"
held=$(sed -n 's/.*This booklet holds \([0-9]*\) entr.*/\1/p' "$T/b2.txt" | head -n 1)
after=$(prints karim "$C2")
check "the export is recorded as prints, with exactly the entries it holds ($held)" \
	sh -c "[ -n '$held' ] && [ '$held' -gt 10 ] && [ \$(($after - $before)) = '$held' ]"
c karim audit "$C2" --all --action print >"$T/audit-print.txt" 2>/dev/null
check "cahier audit --action print shows it" grep -qF "Karim Benali (social-worker) · $CPAS  print the notebook" "$T/audit-print.txt"
check "the coordinator sees the social worker's print too" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/ines' --passphrase-file '$T/pp' --json audit '$C2' --all --action print 2>/dev/null |
	jq -e '[.records[] | select(.reader == \"Karim Benali\" and .action == \"print\")] | length > 0' >/dev/null"
check "the person's report says it was printed" sh -c \
	"'$B/cahier' --home '$T/fatima' --passphrase-file '$T/pp' audit '$C2' --for-person 2>/dev/null |
	grep -q 'printed [0-9]* entries of your notebook'"

# ---- the yellow box, as the home nurse (she reads the medical audience) -------
Y=$T/yb2.pdf
check "yellow-box sheet in French, as PDF" c sophie export "$C2" --yellow-box --lang fr --pdf --out "$Y"
check "... exactly one A4 page" sh -c "pdfinfo '$Y' | grep -q '^Pages: *1$' && pdfinfo '$Y' | grep -q 'Page size:.*(A4)'"
pdftotext -raw "$Y" "$T/y2.txt" && flat "$T/y2.txt"
check "... the title and headings in French, with the Dutch beside" sh -c \
	"grep -q 'BOÎTE JAUNE' '$T/y2.txt' && grep -q 'GELE DOOS' '$T/y2.txt' &&
	grep -q 'Médicaments' '$T/y2.txt' && grep -q 'Medicatie' '$T/y2.txt' &&
	grep -q 'Qui appeler' '$T/y2.txt' && grep -q 'Wie bellen' '$T/y2.txt'"
check "... identity, conditions, medication, allergies from her yellow-box note" sh -c \
	"grep -q 'Fatima El Amrani' '$T/y2.txt' && grep -q '02/03/1954' '$T/y2.txt' &&
	grep -q 'démence débutante' '$T/y2.txt' && grep -q 'metformine 850 mg' '$T/y2.txt' &&
	grep -q 'donépézil 10 mg' '$T/y2.txt' && grep -q 'pénicilline' '$T/y2.txt'"
check "... who to call: the contact point, the trusted person, the GP, with a phone number" sh -c \
	"grep -q 'Personne de contact.*Inès Lefèvre' '$T/y2.txt' && grep -q 'Samira El Amrani' '$T/y2.txt' &&
	grep -q 'Médecin généraliste.*Huisartsenpraktijk Noord' '$T/y2.txt' && grep -q '0470 12 34 56' '$T/y2.txt'"
check "... where the notebook and the booklet are, and the date it was printed" sh -c \
	"grep -q 'Zorgcoördinatie Brussel' '$T/y2.txt' && grep -q 'tiroir de la cuisine' '$T/y2.txt' &&
	grep -q 'Imprimé le 20' '$T/y2.txt'"
check "the nurse's yellow box is recorded as a print" sh -c \
	"'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' --json audit '$C2' --all --action print 2>/dev/null |
	jq -e '[.records[] | select(.reader == \"Sophie Lambert\")] | map(.entries) | add >= 2' >/dev/null"

# the social worker's sheet: the medical note is not for her role
YH=$T/yb2-cpas.html
: >"$YH"; chmod 644 "$YH"
check "the social worker's yellow box (HTML, Dutch)" sh -c "'$B/cahier' --home '$T/karim' --passphrase-file '$T/pp' \
	export '$C2' --yellow-box --lang nl --out '$YH' 2>/dev/null"
check "... no medication she may not read: 'niet vermeld' instead" sh -c \
	"! grep -q 'metformine' '$YH' && ! grep -q 'pénicilline' '$YH' && grep -q 'niet vermeld' '$YH' &&
	grep -q 'Alleen wat de afdrukker mag lezen' '$YH'"
check "... and its file, there before as 0644, is now private (0600)" [ "$(stat -c %a "$YH")" = 600 ]

# the person prints her own booklet: no care network list (not hers to read)
check "the person prints her booklet" sh -c "'$B/cahier' --home '$T/fatima' --passphrase-file '$T/pp' \
	export '$C2' --booklet --out '$T/own.html' 2>/dev/null"
check "... her network: the organizations, the people list left to the professionals" sh -c \
	"grep -q 'Organizations named in the notebook: <bdi>Zorgcoördinatie Brussel</bdi>, ' '$T/own.html' && grep -q 'read by the professionals' '$T/own.html' &&
	! grep -q 'RADIO-SECRET' '$T/own.html' && grep -q 'Je veux rester chez moi' '$T/own.html'"

# ---- the missing-person sheet: she has dementia and may wander -------------
# The nurse keeps the yellow-box note current: a newer note, with the labels
# of the missing-person sheet (and no date of birth, to see "not stated").
cat >"$T/yb2m.txt" <<'EOF'
Boîte jaune
Affections: démence débutante, diabète de type 2
Médicaments: metformine 850 mg 2x/jour
Allergies: pénicilline
Signalement: 1,58 m, mince, cheveux gris courts, lunettes <script>alert(2)</script> & manteau bleu marine
Habitudes: marche chaque matin jusqu'au marché de Cureghem; parle arabe et français
Lieux: la mosquée de la rue Brogniez,
  son ancien logement rue de Fiennes
Photo: dans la boîte jaune, avec la carte d'identité
Téléphone: Samira El Amrani (fille) 0470 12 34 56
Carnet: dans le tiroir de la cuisine
EOF
check "a newer yellow-box note, with the missing-person labels" c sophie note "$C2" --audience medical - <"$T/yb2m.txt"
# sophie_prints: the number of the nurse's print records of case 2, and the
# entries they list (her own daemon writes them: no sync to wait for)
sophie_prints() { c sophie --json audit "$C2" --all --action print 2>/dev/null |
	jq -r '[.records[] | select(.reader == "Sophie Lambert" and .action == "print")] |
	"\(length) \(map(.entries) | add // 0)"'; }
before=$(sophie_prints)
check "--missing-person without --lang is refused" fails 2 "export --missing-person needs --lang nl or --lang fr" \
	c sophie export "$C2" --missing-person
check "... and with --pdf but no --out" fails 2 "missing-person --pdf needs --out FILE" \
	c sophie export "$C2" --missing-person --lang nl --pdf
check "... an unknown --lang too" fails 2 "lang takes nl or fr" c sophie export "$C2" --missing-person --lang en
check "... and none of them read or recorded anything" [ "$(sophie_prints)" = "$before" ]

M=$T/mp2.pdf
check "missing-person sheet in Dutch, as PDF" sh -c "'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' \
	export '$C2' --missing-person --lang nl --pdf --out '$M' 2>'$T/mp2.err'"
after=$(sophie_prints)
check "... exactly one A4 page, mode 0600" sh -c "pdfinfo '$M' | grep -q '^Pages: *1$' &&
	pdfinfo '$M' | grep -q 'Page size:.*(A4)' && [ \"\$(stat -c %a '$M')\" = 600 ]"
pdftotext -raw "$M" "$T/mp2.txt" && flat "$T/mp2.txt"
check "... the title and headings in Dutch, with the French beside" sh -c \
	"grep -q 'VERMISTE PERSOON · PERSONNE DISPARUE' '$T/mp2.txt' &&
	grep -q 'Persoonsbeschrijving Signalement' '$T/mp2.txt' && grep -q 'Gewoonten Habitudes' '$T/mp2.txt' &&
	grep -q 'Waar de persoon heen kan gaan Où la personne peut aller' '$T/mp2.txt' &&
	grep -q 'Recente foto Photo récente' '$T/mp2.txt' && grep -q 'Wie bellen Qui appeler' '$T/mp2.txt'"
check "... her name, description, habits, places (over two lines) and photo from the note" sh -c \
	"grep -q 'Fatima El Amrani' '$T/mp2.txt' && grep -q '1,58 m, mince, cheveux gris courts' '$T/mp2.txt' &&
	grep -q 'manteau bleu marine' '$T/mp2.txt' && grep -q 'marché de Cureghem' '$T/mp2.txt' &&
	grep -q 'mosquée de la rue Brogniez, son ancien logement rue de Fiennes' '$T/mp2.txt' &&
	grep -q 'avec la carte d.identité' '$T/mp2.txt'"
check "... no date of birth in the note: 'niet vermeld'" grep -q 'Geboren Né(e) le niet vermeld' "$T/mp2.txt"
check "... who to call, the phone number, where the notebook is, the print date" sh -c \
	"grep -q 'Aanspreekpunt: Inès Lefèvre' '$T/mp2.txt' && grep -q 'Vertrouwenspersoon: Samira El Amrani' '$T/mp2.txt' &&
	grep -q 'Huisarts: Huisartsenpraktijk Noord' '$T/mp2.txt' && grep -q '0470 12 34 56' '$T/mp2.txt' &&
	grep -q 'Zorgcoördinatie Brussel' '$T/mp2.txt' && grep -q 'tiroir de la cuisine' '$T/mp2.txt' &&
	grep -q 'Afgedrukt op 20[0-9-]* [0-9:]* door Sophie Lambert' '$T/mp2.txt'"
check "... which note it comes from: the newest (date, author, organization)" sh -c \
	"grep -q 'Cahier: 20[0-9-]* [0-9:]*, Sophie Lambert (Thuisverpleging Brussel-Zuid)' '$T/mp2.txt' &&
	! grep -q 'Dr Marc Janssens' '$T/mp2.txt'"
check "... and not the emergency sheet's fields" sh -c \
	"! grep -q 'metformine' '$T/mp2.txt' && ! grep -q 'pénicilline' '$T/mp2.txt' && ! grep -q 'Medicatie' '$T/mp2.txt'"
held=$(sed -n 's/.*missing-person sheet printed (\([0-9]*\) entr.*/\1/p' "$T/mp2.err")
# (the network, one search per header; the read of the newest handover
# found none here, and a read that shows nothing and searches nothing
# leaves no record)
check "its reads are recorded as prints, four, with the 2 entries it holds" sh -c \
	"[ '$held' = 2 ] && set -- $before $after && [ \$((\$3 - \$1)) = 4 ] && [ \$((\$4 - \$2)) = 2 ]"
c sophie audit "$C2" --action print >"$T/mp-audit.txt" 2>/dev/null
check "cahier audit --action print shows them: the care network, the note found" sh -c \
	"tail -n 6 '$T/mp-audit.txt' | grep -qF 'Sophie Lambert (home-nurse) · $NURSE  print the care network (1 entry)' &&
	tail -n 6 '$T/mp-audit.txt' | grep -qF 'Sophie Lambert (home-nurse) · $NURSE  print the notebook: note (1 entry)'"

MF=$T/mp2-fr.pdf
check "missing-person sheet in French, as PDF" c sophie export "$C2" --missing-person --lang fr --pdf --out "$MF"
pdftotext -raw "$MF" "$T/mp2f.txt" && flat "$T/mp2f.txt"
check "... one page; French headings with the Dutch beside; 'non mentionné'" sh -c \
	"pdfinfo '$MF' | grep -q '^Pages: *1$' && grep -q 'PERSONNE DISPARUE · VERMISTE PERSOON' '$T/mp2f.txt' &&
	grep -q 'Signalement Persoonsbeschrijving 1,58 m' '$T/mp2f.txt' && grep -q 'Habitudes Gewoonten marche' '$T/mp2f.txt' &&
	grep -q 'Où la personne peut aller Waar de persoon heen kan gaan la mosquée' '$T/mp2f.txt' &&
	grep -q 'Né(e) le Geboren non mentionné' '$T/mp2f.txt' && grep -q 'Qui appeler Wie bellen' '$T/mp2f.txt' &&
	grep -q 'Imprimé le 20' '$T/mp2f.txt'"
check "... the description's markup drawn as text" grep -qF '<script>alert(2)</script> & manteau' "$T/mp2f.txt"
MH=$T/mp2.html
check "missing-person sheet as HTML on stdout" sh -c "'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' \
	export '$C2' --missing-person --lang fr >'$MH' 2>/dev/null"
check "... the description's markup escaped, never raw" sh -c \
	"grep -qF 'lunettes &lt;script&gt;alert(2)&lt;/script&gt; &amp; manteau bleu marine' '$MH' && ! grep -qi '<script' '$MH' &&
	grep -q '<html lang=\"fr\">' '$MH' && ! grep -Eqi '(src|href)=|url\\(' '$MH'"
# the social worker may not read the medical notes: every field 'niet vermeld'
check "the social worker's missing-person sheet: nothing she may not read" sh -c \
	"'$B/cahier' --home '$T/karim' --passphrase-file '$T/pp' export '$C2' --missing-person --lang nl 2>/dev/null |
	tee '$T/mp2-cpas.html' | grep -q 'Alleen wat de afdrukker mag lezen' &&
	! grep -q 'mosquée' '$T/mp2-cpas.html' && [ \"\$(grep -o 'niet vermeld' '$T/mp2-cpas.html' | wc -l)\" -ge 4 ]"

# the emergency sheet from the same newer note: the new labels left out
check "the yellow box from the newer note: still one page, without the missing-person fields" sh -c \
	"'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' export '$C2' --yellow-box --lang fr --pdf \
	--out '$T/yb2m.pdf' 2>/dev/null && pdfinfo '$T/yb2m.pdf' | grep -q '^Pages: *1$' &&
	pdftotext -raw '$T/yb2m.pdf' - | tr '\\n' ' ' | tr -s ' ' >'$T/yb2m.txt' &&
	grep -q 'metformine 850 mg' '$T/yb2m.txt' && grep -q '0470 12 34 56' '$T/yb2m.txt' &&
	! grep -q 'manteau' '$T/yb2m.txt' && ! grep -q 'Cureghem' '$T/yb2m.txt' && ! grep -q 'Brogniez' '$T/yb2m.txt' &&
	! grep -q 'Autres informations' '$T/yb2m.txt'"

# ---- case 1: a man of 40, just out of hospital ------------------------------
C1=$(newcase "Pieter de Vries" nurse:home-nursing gp:gp)
check "case 1 opened" [ "${#C1}" = 32 ]
check "case 1 reaches the nurse" wait_for "$SYNC_WAIT" c sophie --json network "$C1"
check "a handover to the contact point, who to call there" c ines handover "$C1" "Sortie de Saint-Pierre" \
	--from "Hôpital Saint-Pierre" --to Domicile --contact Zorg --deputy Huisarts \
	--contact-person "Inès Lefèvre, 02 555 01 23" --isolation isolated
check "his own goal" c ines goal "$C1" "Ik wil begrepen worden" --own
check "case 1 entries reached the nurse" wait_for "$SYNC_WAIT" sh -c \
	"'$B/cahier' --home '$T/sophie' --passphrase-file '$T/pp' log '$C1' 2>/dev/null | grep -q 'begrepen'"
check "his booklet, from a date on, as PDF" c sophie export "$C1" --booklet --since 2020-01-01 --pdf --out "$T/b1.pdf"
pdftotext -raw "$T/b1.pdf" "$T/b1.txt" && flat "$T/b1.txt"
check "... his name, goal and handover" sh -c "grep -q 'Pieter de Vries' '$T/b1.txt' &&
	grep -q 'Ik wil begrepen worden' '$T/b1.txt' && grep -q 'Sortie de Saint-Pierre' '$T/b1.txt' &&
	grep -q 'The notebook since 2020-01-01' '$T/b1.txt'"
check "his yellow box, Dutch, as PDF" c sophie export "$C1" --yellow-box --lang nl --pdf --out "$T/y1.pdf"
pdftotext -raw "$T/y1.pdf" "$T/y1.txt" && flat "$T/y1.txt"
check "... one page; no yellow-box note, so 'niet vermeld'; the handover's contact and phone" sh -c \
	"pdfinfo '$T/y1.pdf' | grep -q '^Pages: *1$' && grep -q 'Medicatie Médicaments niet vermeld' '$T/y1.txt' &&
	grep -q 'Aanspreekpunt (overdracht): 20[0-9-]*, Zorgcoördinatie Brussel — vraag naar Inès Lefèvre, 02 555 01 23' '$T/y1.txt'"

# ---- case 3: a man with diabetes, living on the street --------------------
# His sheet is the worst case for one page: every field, long, and many
# people to call.
YOUSSEF="Youssef B. — يوسف"
C3=$(newcase "$YOUSSEF" nurse:home-nursing gp:gp)
check "case 3 opened" [ "${#C3}" = 32 ]
for r in contact-point deputy-contact-point trusted-person representative; do
	check "case 3: a $r with a long name" c ines case person "$C3" --role "$r" \
		--name "Jean-Baptiste Van den Heuvel-Lefèvre de la Rue des Tanneurs ($r) 0470 99 88 77"
done
check "case 3 reaches the nurse" wait_for "$SYNC_WAIT" c sophie --json network "$C3"
check "a handover with who to ask for" c ines handover "$C3" "Sortie de Saint-Luc" \
	--from "Cliniques Saint-Luc" --to "Rue" --contact Thuis \
	--contact-person "Straathoekwerker Brussel, permanence 02 555 77 88, demander Mohammed"
long() { i=1; while [ $i -le "$2" ]; do printf '%s-%d ' "$1" $i; i=$((i + 1)); done; }
{
	echo "Gele doos"
	echo "Geboren: 1981 (ongeveer)"
	echo "Aandoeningen: diabetes type 2, insuline aangewezen maar niet gestart; $(long aandoening 30)"
	printf 'Medicatie: '
	i=1; while [ $i -le 40 ]; do printf 'geneesmiddel-%d 10 mg 2x/dag; ' $i; i=$((i + 1)); done
	echo
	i=1; while [ $i -le 30 ]; do echo "  extra regel $i met nog een geneesmiddel en een lange uitleg"; i=$((i + 1)); done
	echo "Allergieën: geen gekend $(long allergie 30)"
	echo "Bloedgroep: O+ $(long bloed 20)"
	echo "Wilsverklaring: geen reanimatie gewenst, zie huisarts $(long wil 30)"
	echo "Telefoon: Straathoekwerker Brussel 02 555 77 88"
	echo "Telefoon: $(long nummer 40)"
	echo "Boekje: bij de straathoekwerker $(long boekje 20)"
	echo "Persoonsbeschrijving: ongeveer 1,80 m, baard, grijze rugzak $(long kenmerk 40)"
	echo "Gewoonten: loopt 's nachts rond het station $(long gewoonte 40)"
	echo "Plaatsen: Zuidstation, Anneessenstraat $(long plek 40)"
	i=1; while [ $i -le 20 ]; do echo "  nog een plaats $i waar hij soms slaapt"; i=$((i + 1)); done
	echo "Foto: bij de straathoekwerker $(long foto 20)"
	echo
	echo "Slaapt meestal aan het Zuidstation. $(long plaats 40)"
} >"$T/yb3.txt"
check "his yellow-box note, every field and very long" c sophie note "$C3" - <"$T/yb3.txt"
check "his yellow box, Dutch, as PDF" c sophie export "$C3" --yellow-box --lang nl --pdf --out "$T/y3.pdf"
pdftotext -raw "$T/y3.pdf" "$T/y3.txt" && flat "$T/y3.txt"
check "... still exactly one page" sh -c "pdfinfo '$T/y3.pdf' | grep -q '^Pages: *1$'"
check "... each long field cut, saying where the rest is; the name in Arabic" sh -c \
	"grep -q 'geneesmiddel-1 10 mg' '$T/y3.txt' && ! grep -q 'geneesmiddel-40 ' '$T/y3.txt' &&
	[ \"\$(grep -o 'vervolg in het zorgschrift' '$T/y3.txt' | wc -l)\" -ge 5 ] && grep -q 'يوسف' '$T/y3.txt'"
check "... nothing lost off the page: the last row and the footer are there" sh -c \
	"grep -q 'Slaapt meestal aan het Zuidstation' '$T/y3.txt' && grep -q 'Alleen wat de afdrukker mag lezen staat op deze fiche' '$T/y3.txt' &&
	grep -q 'Aanspreekpunt (overdracht)' '$T/y3.txt' && grep -q '02 555 77 88' '$T/y3.txt' &&
	grep -q 'Vertegenwoordiger: Jean-Baptiste Van den Heuvel-Lefèvre de la Rue des Tanneurs (representative) 0470 99 88 77' '$T/y3.txt'"
check "... the missing-person labels left out of it" sh -c \
	"! grep -q 'kenmerk-1 ' '$T/y3.txt' && ! grep -q 'gewoonte-1 ' '$T/y3.txt' && ! grep -q 'nog een plaats' '$T/y3.txt'"
check "his missing-person sheet, Dutch, as PDF" c sophie export "$C3" --missing-person --lang nl --pdf --out "$T/m3.pdf"
pdftotext -raw "$T/m3.pdf" "$T/m3.txt" && flat "$T/m3.txt"
check "... still exactly one page" sh -c "pdfinfo '$T/m3.pdf' | grep -q '^Pages: *1$'"
check "... each long field cut, saying where the rest is" sh -c \
	"grep -q 'ongeveer 1,80 m, baard' '$T/m3.txt' && ! grep -q 'kenmerk-40 ' '$T/m3.txt' &&
	grep -q 'Zuidstation, Anneessenstraat' '$T/m3.txt' && ! grep -q 'nog een plaats 20 ' '$T/m3.txt' &&
	[ \"\$(grep -o 'vervolg in het zorgschrift' '$T/m3.txt' | wc -l)\" -ge 4 ] && grep -q 'يوسف' '$T/m3.txt'"
check "... nothing lost off the page: every contact and the footer are there" sh -c \
	"grep -q 'Alleen wat de afdrukker mag lezen staat op deze fiche' '$T/m3.txt' &&
	grep -q 'Aanspreekpunt (overdracht)' '$T/m3.txt' && grep -q 'bij de straathoekwerker' '$T/m3.txt' &&
	grep -q 'Vertegenwoordiger: Jean-Baptiste Van den Heuvel-Lefèvre de la Rue des Tanneurs (representative) 0470 99 88 77' '$T/m3.txt'"
check "no file of the renderer is left behind" [ -z "$(ls -A "$TMPDIR")" ]

stop_all
done_testing
