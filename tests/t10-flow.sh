#!/bin/sh
# t10-flow.sh - the whole path: three organizations, a case, posts from each,
# sync with no command, catch-up after a stop, log and audit everywhere.
. "$(dirname "$0")/lib.sh"

mkorg cpas "CPAS d'Anderlecht — service social" 1
mkorg nurse "Thuisverpleging Zuid" 2 --client-tcp "tcp://127.0.0.1:$((PORT_BASE + 52))"
mkorg gp "Huisartsenpraktijk Noord" 3
check "cards exchanged with fingerprints checked" mesh cpas nurse gp
check "provider at the CPAS" mkprov cpas ines "Inès Dubois" social-worker
check "provider at the nursing service" mkprov nurse sophie "Sophie Lambert" home-nurse
check "provider at the GP practice" mkprov gp karim "Dr. Karim El Idrissi" gp
for o in cpas nurse gp; do start $o || exit 1; done

# A second nurse on a laptop: tcp with CURVE instead of the local socket.
c lotte init >/dev/null 2>&1
"$B/cahierd" provider add -d "$T/nurse" --request "$T/lotte/provider.request" \
	--name "Lotte Maes" --role home-nurse -o "$T/lotte.cert" --passphrase-file "$T/orgpass" 2>/dev/null
check "laptop provider enrolled over tcp" c lotte enroll --cert "$T/lotte.cert" \
	--card "$T/nurse/org.card" --daemon "tcp://127.0.0.1:$((PORT_BASE + 52))"
check "laptop provider reaches its daemon over tcp+CURVE" wait_for "$SYNC_WAIT" c lotte status

CASE=$(c ines case new "Mevrouw Janssens — MARKERCASE4417" 2>/dev/null)
check "case created" [ "${#CASE}" = 32 ]
check "nursing service added" c ines case add "$CASE" "$T/nurse/org.card" --role home-nursing
# The GP practice is offline when it is added: the pushes to it are lost,
# and it must still join the case from the periodic rounds alone.
stop gp
check "GP practice added" c ines case add "$CASE" "$T/gp/org.card" --role gp
check "coordinator posts" c ines post "$CASE" "Huisbezoek maandag. MARKERNOTE1"
check "case reaches the nursing service with no command" wait_for "$SYNC_WAIT" has_entries sophie "$CASE" 4
start gp
check "a member offline when added joins the case when it comes back" wait_for "$SYNC_WAIT" has_entries karim "$CASE" 4
check "nurse posts" c sophie post "$CASE" "Wondzorg linkervoet; pijn 3/10. MARKERNOTE2"
check "GP posts" c karim post "$CASE" "Insuline aangepast — ask about meals. MARKERNOTE3"
for h in ines sophie karim; do
	check "every entry reaches $h" wait_for "$SYNC_WAIT" has_entries $h "$CASE" 6
done
check "laptop provider posts over tcp" c lotte post "$CASE" "Avondronde: alles rustig. MARKERNOTE6"
for h in ines karim; do
	check "laptop post reaches $h" wait_for "$SYNC_WAIT" has_entries $h "$CASE" 7
done
c karim log "$CASE" >"$T/log.gp" 2>/dev/null
check "log shows the nurse's note with author, role, organization" \
	grep -q "Sophie Lambert (home-nurse) · Thuisverpleging Zuid" "$T/log.gp"
check "log shows the note text" grep -q "Wondzorg linkervoet; pijn 3/10. MARKERNOTE2" "$T/log.gp"
check "log shows the case name" grep -q "MARKERCASE4417" "$T/log.gp"

# A stopped daemon catches up when it comes back.
stop nurse
c karim post "$CASE" "Afspraak endocrinoloog 12/12. MARKERNOTE4" >/dev/null 2>&1
c ines post "$CASE" "Aide ménagère: mardi et jeudi. MARKERNOTE5" >/dev/null 2>&1
start nurse
check "stopped daemon caught up after restart" wait_for "$SYNC_WAIT" sh -c \
	"c() { \"$B/cahier\" --home \"$T/\$1\" --passphrase-file \"$T/pp\" \"\$@\"; }; \
	 $B/cahier --home $T/sophie --passphrase-file $T/pp log $CASE 2>/dev/null | grep -q MARKERNOTE5"

# Audit: the GP's read shows up at the coordinator.
check "GP's read recorded and synced to the coordinator" wait_for "$SYNC_WAIT" sh -c \
	"$B/cahier --home $T/ines --passphrase-file $T/pp audit $CASE 2>/dev/null | grep -q 'Dr. Karim El Idrissi (gp) · Huisartsenpraktijk Noord  read'"
c ines --json audit "$CASE" >"$T/audit.json" 2>/dev/null
check "audit --json lists readers" grep -q '"reader":"Sophie Lambert"' "$T/audit.json"

# Invariant: no plaintext of a note or a case name in any LMDB file.
check "no note or case name in any data directory" sh -c "! grep -rl MARKER $T/cpas $T/nurse $T/gp"

# Invariant: after sync, feeds are byte-identical everywhere.
same_feeds() {
	feed_dump cpas "$CASE" >"$T/f.cpas" && feed_dump nurse "$CASE" >"$T/f.nurse" &&
	feed_dump gp "$CASE" >"$T/f.gp" && cmp -s "$T/f.cpas" "$T/f.nurse" && cmp -s "$T/f.cpas" "$T/f.gp"
}
wait_for "$SYNC_WAIT" same_feeds
for o in cpas nurse gp; do stop $o; done
feed_dump cpas "$CASE" >"$T/f.cpas"; feed_dump nurse "$CASE" >"$T/f.nurse"; feed_dump gp "$CASE" >"$T/f.gp"
check "feeds hold entries" [ "$(grep -c '^ ' "$T/f.cpas")" -gt 10 ]
check "feeds byte-identical at CPAS and nursing service" cmp -s "$T/f.cpas" "$T/f.nurse"
check "feeds byte-identical at CPAS and GP practice" cmp -s "$T/f.cpas" "$T/f.gp"
done_testing
