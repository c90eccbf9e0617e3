#!/bin/sh
test_description='the content rule finds merge bases through the commit-graph: the same as git merge-base --all, with and without a graph, criss-cross included, and falls back from a broken one'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

BUNDLE="$ORCH_HOOKS_SRC/../shared/data/cjson.bundle"
MB="$ORCH_HOOKS_BUILD/t/helper/merge-base"
AUTOMERGE="$ORCH_HOOKS_BUILD/t/helper/automerge"

if [ ! -f "$BUNDLE" ]; then
	test_skip 'merge bases on cJSON' "no $BUNDLE here (an unpacked distribution tarball has no ../shared)"
	test_done
fi

# expect_bases REPO: git's answer for each line of ./inputs, as the helper prints it.
expect_bases() {
	while read -r one others; do
		bases=$(git -C "$1" merge-base --all $one $others | sort | tr '\n' ' ')
		echo "${bases:--}" | sed 's/ $//'
	done <inputs
}

test_expect_success 'setup: every merge of cJSON, some three-way inputs, git'"'"'s merge bases' '
	git clone -q --bare "$BUNDLE" cj.git 2>/dev/null &&
	git -C cj.git update-ref refs/heads/main HEAD &&
	git -C cj.git rev-list --merges --parents HEAD | cut -d" " -f2- >inputs &&
	test $(wc -l <inputs) -ge 121 &&
	git -C cj.git rev-list HEAD | awk "NR % 37 == 0" >some &&
	paste -d" " some inputs | head -n 20 | awk "NF == 3" >>inputs &&
	sed -n "1s/.*/& &/p" some >>inputs &&
	expect_bases cj.git >expect &&
	test $(wc -l <expect) = $(wc -l <inputs) &&
	grep -q "^-\$" expect
'

test_expect_success 'without a graph: libgit2 answers, as git does' '
	test_must_fail test -f cj.git/objects/info/commit-graph &&
	(cd cj.git && "$MB" <../inputs >../plain) &&
	test_cmp expect plain &&
	(cd cj.git && "$MB" --graph <../inputs; echo "exit $?" >../graph-exit) &&
	echo "exit 1" >no-graph && test_cmp no-graph graph-exit
'

test_expect_success 'with a graph: the graph answers alone, the same bases' '
	git -C cj.git commit-graph write --reachable &&
	grep -q GDA2 cj.git/objects/info/commit-graph &&
	(cd cj.git && "$MB" --graph <../inputs >../graph) &&
	test_cmp expect graph &&
	(cd cj.git && "$MB" <../inputs >../graph-find) &&
	test_cmp expect graph-find
'

test_expect_success 'a graph older than the history: newer commits from their objects, the same bases' '
	git init -q --bare old.git &&
	echo "$TRASH/cj.git/objects" >old.git/objects/info/alternates &&
	git -C cj.git rev-list --first-parent HEAD | sed -n 300p >old-tip &&
	git -C old.git update-ref refs/heads/main "$(cat old-tip)" &&
	git -C old.git -c commitGraph.generationVersion=1 commit-graph write --reachable &&
	git -C old.git update-ref refs/heads/main "$(git -C cj.git rev-parse HEAD)" &&
	test_must_fail grep -q GDA2 old.git/objects/info/commit-graph &&
	(cd old.git && "$MB" --graph <../inputs >../old) &&
	test_cmp expect old
'

# Proof that the graph is read: with an old commit object gone, the graph
# still knows its parents, and libgit2 alone cannot read it.
test_expect_success 'the graph is read instead of the objects' '
	line=$(awk "NR > 20 && NF == 1 && \$1 != \"-\" { print NR; exit }" expect) &&
	sed -n "${line}p" expect >gone-expect &&
	sed -n "${line}p" inputs >gone-in &&
	base=$(cut -d" " -f1 gone-expect) &&
	git init -q --bare gone.git &&
	git -C cj.git rev-list --objects --all | cut -d" " -f1 | grep -v "^$base\$" |
		git -C cj.git pack-objects -q "$TRASH/gone.git/objects/pack/pack" >/dev/null &&
	cp cj.git/objects/info/commit-graph gone.git/objects/info/ &&
	test_must_fail git -C gone.git cat-file -e "$base" &&
	(cd gone.git && "$MB" --graph <../gone-in >../gone-out) &&
	test_cmp gone-expect gone-out &&
	(cd gone.git && test_must_fail "$MB" --libgit2 <../gone-in)
'

# cdat_offset FILE: where the CDAT chunk of a graph file starts.
cdat_offset() {
	at=$(grep -obUa CDAT "$1" | head -n 1 | cut -d: -f1) &&
	printf "%d\n" "0x$(od -An -tx1 -j$((at + 4)) -N8 "$1" | tr -d " \n")"
}

test_expect_success 'a graph that lies about a generation is left for libgit2: the same bases' '
	mkdir lying.git && (cd cj.git && tar cf - .) | (cd lying.git && tar xf -) &&
	f=lying.git/objects/info/commit-graph && chmod u+w "$f" && rm "$f" &&
	git -C lying.git -c commitGraph.generationVersion=1 commit-graph write --reachable &&
	chmod u+w "$f" &&
	cdat=$(cdat_offset "$f") &&
	head -n 1 inputs >lie-in &&
	one=$(cut -d" " -f1 lie-in) &&
	row=$(git -C cj.git rev-list --all | sort | grep -n "$one" | cut -d: -f1) &&
	printf "\000\000\000\004" | dd of="$f" bs=1 seek=$((cdat + (row - 1) * 36 + 28)) conv=notrunc 2>/dev/null &&
	(cd lying.git && "$MB" --graph <../lie-in; echo "exit $?" >../lie-exit) &&
	echo "exit 2" >undecided && test_cmp undecided lie-exit &&
	(cd lying.git && "$MB" <../inputs >../lying) &&
	test_cmp expect lying
'

test_expect_success 'the content rule decides every cJSON merge the same with and without the graph' '
	git -C cj.git rev-list --merges HEAD >merges &&
	(cd cj.git && "$AUTOMERGE" --libgit2 <../merges >../with-graph) &&
	git -C cj.git config core.commitGraph false &&
	(cd cj.git && "$AUTOMERGE" --libgit2 <../merges >../without-graph) &&
	git -C cj.git config --unset core.commitGraph &&
	test_cmp without-graph with-graph &&
	grep "^merges: $(wc -l <merges) " with-graph
'

test_expect_success 'criss-cross: two merge bases, found through the graph; the merge is still automatic' '
	git init -q cross && cd cross &&
	test_commit A &&
	git checkout -q -b x && test_commit X1 x.t &&
	git checkout -q -b y main && test_commit Y1 y.t &&
	git checkout -q x && test_tick && git merge -q --no-ff -m M1 y &&
	git checkout -q y && test_tick && git merge -q --no-ff -m M2 x~1 &&
	git checkout -q x && test_commit X2 x.t x2 &&
	git checkout -q y && test_commit Y2 y.t y2 &&
	git checkout -q x && test_tick && git merge -q --no-ff -m M3 y &&
	git rev-parse HEAD^1 HEAD^2 | tr "\n" " " | sed "s/ $//" >../cross-in && echo >>../cross-in &&
	git merge-base --all HEAD^1 HEAD^2 | sort | tr "\n" " " | sed "s/ $//" >../cross-expect &&
	echo >>../cross-expect &&
	test $(wc -w <../cross-expect) = 2 &&
	"$MB" --libgit2 <../cross-in >../cross-plain &&
	git commit-graph write --reachable &&
	"$MB" --graph <../cross-in >../cross-graph &&
	test_cmp ../cross-expect ../cross-plain &&
	test_cmp ../cross-expect ../cross-graph &&
	"$AUTOMERGE" --libgit2 HEAD >../cross-check &&
	test_grep "^$(git rev-parse HEAD) same libgit2" ../cross-check
'

test_done
