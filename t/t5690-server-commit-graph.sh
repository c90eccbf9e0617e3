#!/bin/sh
test_description='the server gate reads git'"'"'s commit-graph for stored history, decides the same without it, and falls back from a broken one'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

BUNDLE="$ORCH_HOOKS_SRC/../shared/data/cjson.bundle"
GRAPH_HELPER="$ORCH_HOOKS_BUILD/t/helper/commit-graph"
ZERO=0000000000000000000000000000000000000000

if [ ! -f "$BUNDLE" ]; then
	test_skip 'the commit-graph on cJSON' "no $BUNDLE here (an unpacked distribution tarball has no ../shared)"
	test_done
fi

# server NAME: a gated bare repository with cJSON's history: main adopted at
# $old, then the whole history pushed to the unprotected branch incoming (as
# a branch pushed earlier); direct commits allowed, as cJSON has many.
server() {
	git init -q --bare "$1" &&
	orch-hooks install --server "$1" 2>/dev/null &&
	printf "[server]\nallow_direct = true\n" >"$1/orch-hooks.ini" &&
	(cd cj && git push -q "file://$TRASH/$1" "$(cat ../old):refs/heads/main" 2>/dev/null) &&
	if [ "$2" = split ]; then git -C "$1" commit-graph write --reachable --split; fi &&
	(cd cj && git push -q "file://$TRASH/$1" main:refs/heads/incoming 2>/dev/null) &&
	case $2 in
	graph) git -C "$1" commit-graph write --reachable ;;
	split) git -C "$1" commit-graph write --reachable --split=no-merge ;;
	esac
}

# judge NAME OUT REFSPEC...: pushes to NAME; OUT gets the exit status and the
# gate's lines, sorted (git's own warnings about a broken graph left out).
judge() {
	name=$1 out=$2
	shift 2
	(cd cj && git push --atomic "file://$TRASH/$name" "$@" 2>"../$name.err"; echo "exit $?" >"../$out") &&
	grep "^remote: orch-hooks:" "$name.err" | sort >>"$out"
}

# git's own view of every commit: "<commit> <tree> <time> [<parent>...]".
git_view() {
	git -C "$1" log --all --format='%H %T %ct %P' | sed 's/ *$//' | sort
}

test_expect_success 'setup: cJSON, and servers without a graph, with one, and with a split chain' '
	git clone -q --no-checkout "$BUNDLE" cj 2>/dev/null &&
	(cd cj && git checkout -q -B main HEAD) &&
	git -C cj rev-list --first-parent --merges main | sed -n 12p >old &&
	test -s old &&
	server plain.git &&
	server graph.git graph &&
	server split.git split &&
	test -f graph.git/objects/info/commit-graph &&
	test_must_fail test -f plain.git/objects/info/commit-graph &&
	test $(wc -l <split.git/objects/info/commit-graphs/commit-graph-chain) = 2 &&
	grep -q GDA2 graph.git/objects/info/commit-graph
'

test_expect_success 'the reader sees every commit as git does: single file and split chain' '
	git_view graph.git >expect &&
	test $(wc -l <expect) = 1108 &&
	"$GRAPH_HELPER" graph.git | sort >actual &&
	test_cmp expect actual &&
	"$GRAPH_HELPER" split.git | sort >actual &&
	test_cmp expect actual &&
	test_must_fail "$GRAPH_HELPER" plain.git
'

test_expect_success 'the reader sees an octopus merge and a generation overflow as git does' '
	git init -q oct && (cd oct &&
	 test_commit base && git branch a && git branch b && git branch c &&
	 for x in a b c; do git checkout -q $x && test_commit $x || return 1; done &&
	 git checkout -q main && git merge -q a b c -m octopus &&
	 echo future >future.t && git add future.t &&
	 GIT_COMMITTER_DATE="4000000000 +0000" git commit -q -m future &&
	 echo past >past.t && git add past.t &&
	 GIT_COMMITTER_DATE="@100 +0000" git commit -q -m past &&
	 git commit-graph write --reachable) &&
	grep -q EDGE oct/.git/objects/info/commit-graph &&
	grep -q GDO2 oct/.git/objects/info/commit-graph &&
	git_view oct >expect &&
	"$GRAPH_HELPER" oct/.git | sort >actual &&
	test_cmp expect actual
'

test_expect_success 'unreviewed merges: the same refusal with and without the graph' '
	for s in plain graph split; do
		judge $s.git $s.out main || return 1
	done &&
	grep "^exit 1" plain.out &&
	grep "merge [0-9a-f]* merges [0-9a-f]*: no verdict" plain.out >merges &&
	test $(wc -l <merges) -ge 5 &&
	test_cmp plain.out graph.out &&
	test_cmp plain.out split.out
'

test_expect_success 'reviewed merges: the same acceptance, counting the same commits' '
	(cd cj && for m in $(git rev-list --first-parent --merges "$(cat ../old)"..main); do
		orch-hooks verdict set PASS "$(git rev-parse "$m^2")" >/dev/null 2>&1 || return 1
	 done &&
	 for m in $(sed -n "s/.*merge \([0-9a-f]\{40\}\) carries changes of its own.*/\1/p" ../plain.out); do
		orch-hooks verdict set PASS "$m" >/dev/null 2>&1 || return 1
	 done) &&
	for s in plain graph split; do
		judge $s.git $s.ok main refs/notes/verdicts || return 1
	done &&
	grep "^exit 0" plain.ok &&
	grep "commits new to protected branches, the verdicts of [0-9]* merges checked: accepted" plain.ok &&
	test_cmp plain.ok graph.ok &&
	test_cmp plain.ok split.ok
'

# broken NAME HOW: a copy of graph.git (before the accepted push) with its graph broken HOW.
broken() {
	rm -rf "$1" && mkdir "$1" && (cd graph-copy.git && tar cf - .) | (cd "$1" && tar xf -) &&
	f="$1/objects/info/commit-graph" && chmod u+w "$f" &&
	case $2 in
	truncated) head -c 1000 "$f" >"$f.tmp" && mv "$f.tmp" "$f" ;;
	sha256) printf "\002" | dd of="$f" bs=1 seek=5 conv=notrunc 2>/dev/null ;;
	offsets) printf "\377\377\377\377" | dd of="$f" bs=1 seek=12 conv=notrunc 2>/dev/null ;;
	zeroed) dd if=/dev/zero of="$f" bs=1 seek=100 count=30000 conv=notrunc 2>/dev/null ;;
	garbage) head -c 4096 /dev/urandom >"$f" ;;
	chain) rm -f "$f" && mkdir -p "$1/objects/info/commit-graphs" &&
	       echo 1234567890123456789012345678901234567890 >"$1/objects/info/commit-graphs/commit-graph-chain" ;;
	esac
}

test_expect_success 'a broken graph is no graph: the same decisions as without one' '
	server graph-copy.git graph &&
	for how in truncated sha256 offsets zeroed garbage chain; do
		broken bad-$how.git $how &&
		judge bad-$how.git bad-$how.out main &&
		test_cmp plain.out bad-$how.out || return 1
	done &&
	for how in offsets chain; do
		judge bad-$how.git bad-$how.ok main refs/notes/verdicts &&
		test_cmp plain.ok bad-$how.ok || return 1
	done
'

test_expect_success 'a split chain with a layer replaced is no graph' '
	server split-copy.git split &&
	f=$(ls split-copy.git/objects/info/commit-graphs/graph-*.graph | head -n 1) &&
	chmod u+w "$f" && cp graph-copy.git/objects/info/commit-graph "$f" &&
	test_must_fail "$GRAPH_HELPER" split-copy.git &&
	judge split-copy.git split-copy.out main &&
	test_cmp plain.out split-copy.out
'

# chunk_offset FILE ID: where chunk ID (4 letters) of a graph file starts.
chunk_offset() {
	want=$(printf %s "$2" | od -An -tx1 | tr -d " \n") &&
	od -An -v -tx1 -j8 -N240 "$1" | tr -s " \n" "  " |
		awk -v want="$want" '{ for (i = 1; i + 11 <= NF; i += 12)
			if ($i $(i + 1) $(i + 2) $(i + 3) == want) {
				print $(i + 4) $(i + 5) $(i + 6) $(i + 7) $(i + 8) $(i + 9) $(i + 10) $(i + 11); exit } }' >hex &&
	test -s hex && printf "%d\n" "0x$(cat hex)"
}

test_expect_success 'a graph that lies about generations is dropped halfway: the same decisions, and a note' '
	server lying.git &&
	git -C lying.git -c commitGraph.generationVersion=1 commit-graph write --reachable &&
	f=lying.git/objects/info/commit-graph && chmod u+w "$f" &&
	test_must_fail grep -q GDA2 "$f" &&
	cdat=$(chunk_offset "$f" CDAT) &&
	tip=$(git -C cj rev-parse main) &&
	row=$(git -C lying.git rev-list --all | sort | grep -n "$tip" | cut -d: -f1) &&
	printf "\000\000\000\004" |
		dd of="$f" bs=1 seek=$((cdat + (row - 1) * 36 + 28)) conv=notrunc 2>/dev/null &&
	{ "$GRAPH_HELPER" lying.git >/dev/null; test $? = 2; } &&
	judge lying.git lying.out main &&
	grep "the commit-graph of this repository is inconsistent" lying.out &&
	grep -v "commit-graph of this repository is inconsistent" lying.out >lying.rest &&
	test_cmp plain.out lying.rest
'

# Proof that the graph is read: with an old commit object gone, the walk
# through the graph never misses it; without the graph it must fail closed.
test_expect_success 'stored history is read from the graph, not the objects; core.commitGraph=false turns it off' '
	git init -q --bare stored.git &&
	orch-hooks install --server stored.git 2>/dev/null &&
	git -C stored.git config receive.unpackLimit 1000000 &&
	(cd cj && git push -q "file://$TRASH/stored.git" main:refs/heads/incoming 2>/dev/null) &&
	git -C stored.git commit-graph write --reachable &&
	victim=$(git -C cj rev-list main | sed -n 500p) &&
	rest=${victim#??} && rm "stored.git/objects/${victim%$rest}/$rest" &&
	printf "%s %s refs/heads/main\n" $ZERO "$(git -C cj rev-parse main)" >in &&
	(cd stored.git && GIT_DIR=. ./hooks/pre-receive <../in 2>../err) &&
	test_grep "adopted: the 1108 commits of its history are the baseline" err &&
	git -C stored.git config core.commitGraph false &&
	(cd stored.git && test_must_fail env GIT_DIR=. ./hooks/pre-receive <../in 2>../err) &&
	test_grep "cannot read commit $(echo $victim | cut -c1-7)" err
'

test_done
