#!/bin/sh
# t91-partition.sh - network partitions: five organizations in one case, each
# daemon in a network namespace of its own that this test makes, joined by a
# full mesh of veth pairs (one link per pair of daemons). Three providers post
# in loops while a bounded loop cuts random links (a two-sided split, or each
# link cut or not at random), waits, and heals them. Then every link is
# healed, the load stops, the daemons converge, and: every acknowledged post
# (its `cahier note` exited 0) is in every daemon's log of the case exactly
# once, the feeds are byte-identical (mdb_dump), no daemon logged a fork.
# Last, a long partition: every link cut while each provider posts
# HEAL_POSTS notes at its own daemon; after the heal the time until every
# daemon holds them all is printed as heal_converge_s.
#
# The network: namespaces cahier<PID>n1..n5; daemon i has the address
# 10.X.0.i/32 (X from the test's PID) on each of its four veths, named v<j>
# for the peer j, with a route 10.X.0.j/32 through v<j>; none of it exists
# outside the namespaces. Cutting the link i-j sets v<j> down in namespace i
# (i < j): i's route to j goes, j's packets to i are lost. The clients stay
# in the first namespace: they reach their daemon through its ipc:// socket,
# a file in its data directory, which network namespaces do not separate.
#
# Needs root and `ip netns`: otherwise the whole file is skipped (TAP
# "1..0 # SKIP"). Not part of `make check` nor `make check-long`: run by
# `make check-netns` (README). It ends by itself: the partition loop within
# PART_SECS, the convergence within PART_CONVERGE (times WAIT_SCALE), about
# 2 minutes in all by default. The EXIT trap deletes the namespaces, on any
# way out.
#
# Environment (besides lib.sh's):
#   PART_ROUNDS    how many partitions at most (default 12)
#   PART_SECS      how long the partition loop runs at most (default 60)
#   PART_SEED      the seed of the random cuts and moments (default: from
#                  the clock; printed, so a run's choices can be made again)
#   PART_CONVERGE  the bound on the wait for convergence (default 60 s)
#   HEAL_POSTS     notes each provider posts at its daemon, cut off from
#                  the others, before the last heal (default 200: 1,000 new
#                  entries in all)
. "$(dirname "$0")/lib.sh"

PART_ROUNDS=${PART_ROUNDS:-12}
PART_SECS=${PART_SECS:-60}
PART_CONVERGE=${PART_CONVERGE:-60}
HEAL_POSTS=${HEAL_POSTS:-200}
SEED=${PART_SEED:-$(($(date +%s) % 100000))}
SEED0=$SEED
# rnd N: a pseudo-random number in 0..N-1 (an LCG: dash has no $RANDOM)
rnd() { SEED=$(((SEED * 1103515245 + 12345) % 2147483648)); RND=$(((SEED / 65536) % $1)); }
# msleep MS: sleep MS milliseconds
msleep() { sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }
# now_ms: the wall clock in milliseconds
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# skip_all REASON: the whole file is skipped, never reported as passed
skip_all() { TAP_PLANNED=1; echo "1..0 # SKIP $1"; exit 0; }

# --- the network ------------------------------------------------------------------
NS=cahier$$n
NET=10.$((16 + $$ % 200)).0
NSMADE=
ns_cleanup() {
	for i in $NSMADE; do ip netns delete "$NS$i" 2>/dev/null; done
	NSMADE=
}
# A daemon still running in a deleted namespace keeps it (and its veths)
# until it exits, which lib.sh's cleanup sees to.
trap 'rc0=$?; stop_load; ns_cleanup; (exit $rc0); cleanup' EXIT
stop_load() { :; }

[ "$(id -u)" = 0 ] || skip_all "not root: network namespaces need root"
command -v ip >/dev/null 2>&1 || skip_all "no ip(8)"
ip netns add "${NS}1" 2>"$T/netns.err" ||
	skip_all "ip netns add failed: $(head -n 1 "$T/netns.err")"
NSMADE=1
for i in 2 3 4 5; do
	ip netns add "$NS$i" || { not_ok "namespace $NS$i made"; exit 1; }
	NSMADE="$NSMADE $i"
done
# nsip I ARGS...: ip in namespace I
nsip() { n=$1; shift; ip -n "$NS$n" "$@"; }
# link_up I J: I's end of the link to J up, with its route
link_up() { nsip "$1" link set "v$2" up && nsip "$1" route replace "$NET.$2/32" dev "v$2" src "$NET.$1"; }
net_setup() {
	for i in 1 2 3 4 5; do nsip $i link set lo up || return 1; done
	for i in 1 2 3 4; do
		for j in $(seq $((i + 1)) 5); do
			nsip $i link add "v$j" type veth peer name "v$i" netns "$NS$j" || return 1
			nsip $i addr add "$NET.$i/32" dev "v$j" || return 1
			nsip $j addr add "$NET.$j/32" dev "v$i" || return 1
		done
	done
	for i in 1 2 3 4 5; do
		for j in 1 2 3 4 5; do [ $i = $j ] || link_up $i $j || return 1; done
	done
}
check "five namespaces joined by a full mesh of veth pairs ($NET.1-5, namespaces ${NS}1-5)" net_setup ||
	exit 1
# link_cut I J: the link between I and J cut (I < J); link_heal I J: restored
link_cut() { nsip "$1" link set "v$2" down; }
link_heal() { link_up "$1" "$2" && link_up "$2" "$1"; }
heal_all() {
	for i in 1 2 3 4; do for j in $(seq $((i + 1)) 5); do link_heal $i $j || return 1; done; done
}

# --- the organizations, each daemon in its namespace --------------------------------
ORGS="co nurse gp nurse2 gp2"
IDX_co=1 IDX_nurse=2 IDX_gp=3 IDX_nurse2=4 IDX_gp2=5
# mkorg_ns ORG NAME I: as lib.sh's mkorg, listening on 10.X.0.I
mkorg_ns() {
	"$B/cahierd" init -d "$T/$1" --name "$2" --endpoint "tcp://$NET.$3:$((PORT_BASE + $3))" \
		--passphrase-file "$T/orgpass" --sync-ms "${SYNC_MS:-200}" >/dev/null
}
# start_ns ORG: as lib.sh's start, the daemon run in ORG's namespace (ip
# netns exec execs it: the pid is the daemon's)
start_ns() {
	eval "sn_i=\$IDX_$1"
	st_log=$T/$1.log
	ip netns exec "$NS$sn_i" "$B/cahierd" run -d "$T/$1" >>"$st_log" 2>&1 &
	st_pid=$!
	eval "PID_$1=$st_pid"
	PIDS="$PIDS $st_pid"
	wait_for -w "the daemon of $1 (pid $st_pid, namespace $NS$sn_i) to log that it is ready, in $st_log" \
		"${START_WAIT:-30}" ready_since "$st_log" 0 "$st_pid" &&
		grep -q " ready: " "$st_log" && return 0
	diag "its log says:"; diag_tail "$st_log"
	not_ok "the daemon of $1 starts in namespace $NS$sn_i"
	return 1
}

mkorg_ns co "Coordination partition" 1
mkorg_ns nurse "Thuisverpleging partition" 2
mkorg_ns gp "Huisartsenpraktijk partition" 3
mkorg_ns nurse2 "Wijkverpleging partition" 4
mkorg_ns gp2 "Groepspraktijk partition" 5
check "cards exchanged" mesh $ORGS
check "coordinator at co" mkprov co ines "Inès Partition" coordinator
check "home nurse at nurse" mkprov nurse sophie "Sophie Partition" home-nurse
check "GP at gp" mkprov gp karim "Dr. Karim Partition" gp
check "home nurse at nurse2" mkprov nurse2 noor "Noor Partition" home-nurse
check "GP at gp2" mkprov gp2 geert "Dr. Geert Partition" gp
for o in $ORGS; do start_ns $o || exit 1; done
check "every daemon listens on its namespace's address only" sh -c \
	"grep -q 'tcp://$NET.1:' '$T/co.log' && ! ss -Hltn | grep -q ':$((PORT_BASE + 1)) '"

CASE=$(c ines case new "Partition case" 2>/dev/null)
check "case opened" [ "${#CASE}" = 32 ]
check "nurse added" c ines case add "$CASE" "$T/nurse/org.card" --role home-nursing
check "GP added" c ines case add "$CASE" "$T/gp/org.card" --role gp
check "second nurse added" c ines case add "$CASE" "$T/nurse2/org.card" --role home-nursing
check "second GP added" c ines case add "$CASE" "$T/gp2/org.card" --role gp
for h in sophie karim noor geert; do
	check "the case reaches $h over the namespaces' links" wait_for "$SYNC_WAIT" has_entries $h "$CASE" 5
done

# A cut separates the daemons: gp2 (5) cut off from the other four misses a
# post that reaches nurse2 (4), and gets it once healed.
for i in 1 2 3 4; do link_cut $i 5; done
N0=$(entries_count noor "$CASE")
check "a post while gp2 is cut off" eval 'c ines note "$CASE" "while gp2 is cut off" >/dev/null'
check "... reaches nurse2" wait_for "$SYNC_WAIT" has_entries noor "$CASE" $((N0 + 1))
sleep 2
check "... not gp2, cut off" [ "$(entries_count geert "$CASE")" = "$N0" ]
for i in 1 2 3 4; do link_heal $i 5; done
check "... and gp2 once its links are restored" wait_for "$SYNC_WAIT" has_entries geert "$CASE" $((N0 + 1))

# --- the load -------------------------------------------------------------------
# post_loop K HOME: posts until load.stop exists; each post's marker goes to
# ack.K if `cahier note` exited 0 (acknowledged), to nak.K if not.
post_loop() {
	pl_i=0
	while [ ! -f "$T/load.stop" ]; do
		pl_i=$((pl_i + 1))
		pl_m="MRKP${1}N${pl_i}X"
		if "$B/cahier" --home "$T/$2" --passphrase-file "$T/pp" --timeout 5 \
			note "$CASE" "partition load $pl_m" >/dev/null 2>>"$T/load.$1.err"; then
			echo "$pl_m" >>"$T/ack.$1"
		else
			echo "$pl_m" >>"$T/nak.$1"
			sleep 0.2
		fi
		sleep 0.1
	done
}
for k in 1 2 3; do : >"$T/ack.$k"; : >"$T/nak.$k"; done
LOAD=
stop_load() { touch "$T/load.stop"; for p in $LOAD; do kill "$p" 2>/dev/null; done; LOAD=; }
post_loop 1 ines 9>&- & LOAD="$LOAD $!"
post_loop 2 sophie 9>&- & LOAD="$LOAD $!"
post_loop 3 karim 9>&- & LOAD="$LOAD $!"
diag "seed $SEED0; partition loop: at most $PART_ROUNDS rounds or $PART_SECS s"

# --- the partition loop -------------------------------------------------------------
ROUNDS=0
CUTS=0
HEAL_FAILED=0
END=$(($(date +%s) + PART_SECS))
while [ "$ROUNDS" -lt "$PART_ROUNDS" ] && [ "$(date +%s)" -lt "$END" ]; do
	rnd 1500; msleep $((500 + RND))    # connected a while, under load
	# the cut: a split in two sides (mode 0), or each link at random (mode 1)
	rnd 2; MODE=$RND
	SIDE=; for i in 1 2 3 4 5; do rnd 2; SIDE="$SIDE$RND"; done
	CUT=
	for i in 1 2 3 4; do
		for j in $(seq $((i + 1)) 5); do
			if [ "$MODE" = 0 ]; then
				[ "$(echo "$SIDE" | cut -c$i)" != "$(echo "$SIDE" | cut -c$j)" ] || continue
			else
				rnd 2; [ "$RND" = 0 ] || continue
			fi
			link_cut $i $j && CUT="$CUT $i-$j"
		done
	done
	ROUNDS=$((ROUNDS + 1))
	CUTS=$((CUTS + $(echo $CUT | wc -w)))
	echo "# round $ROUNDS: cut${CUT:- nothing}" >&2
	rnd 3000; msleep $((1000 + RND))   # partitioned a while: each side posts
	heal_all || HEAL_FAILED=$((HEAL_FAILED + 1))
done
heal_all || HEAL_FAILED=$((HEAL_FAILED + 1))
T_HEAL=$(now_ms)
touch "$T/load.stop"
for p in $LOAD; do wait "$p"; done
LOAD=
check "every link restored after each round ($ROUNDS rounds, $CUTS links cut)" [ "$HEAL_FAILED" = 0 ]
for o in $ORGS; do check "the daemon of $o runs" running $o; done

ACKED=$(cat "$T/ack.1" "$T/ack.2" "$T/ack.3" | wc -l | tr -d ' ')
NAKED=$(cat "$T/nak.1" "$T/nak.2" "$T/nak.3" | wc -l | tr -d ' ')
cat "$T/ack.1" "$T/ack.2" "$T/ack.3" | sort >"$T/acked"
check "posts were acknowledged during the partitions ($ACKED)" [ "$ACKED" -gt 0 ]

# --- convergence ------------------------------------------------------------------
count() { entries_count "$1" "$CASE"; }
same_counts() {
	n0=$(count ines); [ -n "$n0" ] || return 1
	for h in sophie karim noor geert; do [ "$n0" = "$(count $h)" ] || return 1; done
}
same_feeds() {
	for o in $ORGS; do feed_dump $o "$CASE" >"$T/f.$o" || return 1; done
	for o in nurse gp nurse2 gp2; do cmp -s "$T/f.co" "$T/f.$o" || return 1; done
}
converged() { same_counts && same_feeds; }
check "the daemons converge after the final heal (counts equal, feeds identical)" \
	wait_for "$PART_CONVERGE" converged
HEAL_CONVERGE_MS=$(($(now_ms) - T_HEAL))
HEAL_CONVERGE=$((HEAL_CONVERGE_MS / 1000)).$(printf '%03d' $((HEAL_CONVERGE_MS % 1000)))

# markers HOME: the markers in HOME's log of the case, one a line, sorted
# (each read writes an access record, which the feeds converge on again)
markers() {
	c "$1" --json log "$CASE" --all 2>/dev/null | jq -r '.entries[].content.text // empty' |
		grep -o 'MRKP[0-9]*N[0-9]*X' | sort
}
LOST=0
for h in ines sophie karim noor geert; do
	markers $h >"$T/m.$h"
	missing=$(comm -23 "$T/acked" "$T/m.$h" | wc -l | tr -d ' ')
	twice=$(uniq -d "$T/m.$h" | wc -l | tr -d ' ')
	[ "$missing" -gt "$LOST" ] && LOST=$missing
	check "every acknowledged post is in $h's log ($(wc -l <"$T/m.$h" | tr -d ' ') markers there)" [ "$missing" = 0 ]
	[ "$missing" = 0 ] || { diag "missing at $h:"; comm -23 "$T/acked" "$T/m.$h" | head -n 10 | sed 's/^/#   /' >&2; }
	check "no post twice in $h's log" [ "$twice" = 0 ]
done
cat "$T/acked" "$T/nak.1" "$T/nak.2" "$T/nak.3" | sort >"$T/made"
check "every post a daemon holds was made by a loop" \
	[ "$(sort -u "$T"/m.* | comm -23 - "$T/made" | wc -l | tr -d ' ')" = 0 ]

# The reads wrote access records: the feeds converge again.
wait_for -w "the feeds to be byte-identical after the reads" "$PART_CONVERGE" converged

# --- a long partition, then the heal: HEAL_POSTS posts at each daemon -----------------
# heads ORG: "FEED SEQ" for each feed of the case in ORG's store (its heads
# table: the feed's key, its head seq in decimal), read with mdb_dump beside
# the running daemon (LMDB readers do not wait for its writer): committed
# entries only, and no request to the daemon that would slow it while it
# catches up.
heads() {
	mdb_dump -s heads "$T/$1/cases/$CASE" 2>/dev/null | awk '/^HEADER=END/ { d = 1; next }
		/^DATA=END/ { d = 0 } d && /^ / { if (++k % 2) f = $1; else print f, substr($1, 1, 16) }' |
		while read -r f h; do echo "$f $((0x$h))"; done
}
# held ORG: the entries ORG's store holds of the case (the sum of its feeds'
# head seqs)
held() { heads "$1" | awk '{ n += $2 } END { print n + 0 }'; }
# union: the entries the five stores hold between them (each feed at the
# highest head any of them holds)
union() {
	for o in $ORGS; do heads "$o"; done |
		awk '{ if (!($1 in m) || $2 > m[$1]) m[$1] = $2 } END { for (f in m) n += m[f]; print n + 0 }'
}
# all_hold N: every store holds N entries of the case
all_hold() { for o in $ORGS; do [ "$(held $o)" = "$1" ] || return 1; done; }
# Every link cut; each of the five providers posts HEAL_POSTS notes at its
# own daemon, which nobody else can reach; every link restored at once; the
# time until each of the five stores holds every entry that any of them
# held at the heal (`union`: every feed at its highest head) is the
# heal_converge figure (polled every 0.1 s: `held`). The same number in
# each store would not do: each daemon holds the shared entries and its
# own 200 notes, as many in each.
cut_all() {
	for i in 1 2 3 4; do for j in $(seq $((i + 1)) 5); do link_cut $i $j || return 1; done; done
}
check "every link cut" cut_all
# Pushes and answers under way when the links went down may still land:
# the daemons are left to settle before the posts.
sleep 1
N0=$(count ines)
# posts_alone HOME: HEAL_POSTS notes through the client code, one process
# (tests/tools/bench_post: no wait for the others to hold each one)
posts_alone() {
	"$B/tests/tools/bench_post" post "$T/$1" "$T/pp" "$CASE" "$HEAL_POSTS" >/dev/null 2>>"$T/alone.$1.err"
}
ALONE=
for h in ines sophie karim noor geert; do posts_alone $h 9>&- & ALONE="$ALONE $!"; done
AFAIL=0
for p in $ALONE; do wait "$p" || AFAIL=$((AFAIL + 1)); done
check "every link cut, each provider posted $HEAL_POSTS notes at its own daemon" [ "$AFAIL" = 0 ]
check "... which kept them to itself" [ "$(count sophie)" -lt "$((N0 + 2 * HEAL_POSTS))" ]
MAXH=0
for o in $ORGS; do h=$(held $o); [ "$h" -gt "$MAXH" ] && MAXH=$h; eval "H_$o=$h"; done
UNION=$(union)
diag "before the heal, entries held: $(for o in $ORGS; do eval "printf '%s %s ' $o \$H_$o"; done)(all of them: $UNION)"
heal_all
T_HEAL=$(now_ms)
check "after the heal the five daemons converge on the $((5 * HEAL_POSTS)) new entries" \
	wait_for "$PART_CONVERGE" all_hold "$UNION"
HEAL2_MS=$(($(now_ms) - T_HEAL))
diag "converged; entries held: $(for o in $ORGS; do printf '%s %s ' $o "$(held $o)"; done)"
HEAL_NEW=$((5 * HEAL_POSTS))
HEAL2=$((HEAL2_MS / 1000)).$(printf '%03d' $((HEAL2_MS % 1000)))
# Each daemon held its own HEAL_POSTS notes at the heal: the sum of what
# the five held beyond what they shared before is at least 1,000.
check "... each held its own notes before the heal" \
	[ "$(( H_co + H_nurse + H_gp + H_nurse2 + H_gp2 - 5 * N0 ))" -ge "$HEAL_NEW" ]
check "... and none held all of them at the heal" [ "$MAXH" -lt "$UNION" ]
check "... which are at least the $((5 * HEAL_POSTS)) new entries beyond what was shared" \
	[ "$UNION" -ge "$((N0 + HEAL_NEW))" ]
# The heads are read from the stores beside the running daemons; what each
# daemon answers (its case list's count) may come a moment later.
check "... as the daemons say too" wait_for "$SYNC_WAIT" same_counts ||
	diag "counts: $(for h in ines sophie karim noor geert; do printf '%s %s ' $h "$(count $h)"; done)"
wait_for -w "the feeds to be byte-identical after the heal" "$PART_CONVERGE" converged
for o in $ORGS; do stop $o; done
for o in $ORGS; do feed_dump $o "$CASE" >"$T/f.$o"; done
for o in nurse gp nurse2 gp2; do check "feeds byte-identical at co and $o" cmp -s "$T/f.co" "$T/f.$o"; done
check "no fork in any log" sh -c "! grep -i fork $(for o in $ORGS; do printf "'%s' " "$T/$o.log"; done)"

echo "# rounds: $ROUNDS, links cut: $CUTS (PART_SEED=$SEED0)"
echo "# posts acknowledged: $ACKED"
echo "# posts refused or failed: $NAKED"
echo "# lost: $LOST"
echo "# converge_after_load_s: $HEAL_CONVERGE"
echo "# heal_converge_s: $HEAL2 ($HEAL_NEW new entries, $HEAL_POSTS at each daemon)"
check "lost: $LOST acknowledged posts (must be 0)" [ "$LOST" = 0 ]
done_testing
