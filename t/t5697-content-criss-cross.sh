#!/bin/sh
test_description='the content rule on criss-cross merges: the in-process virtual base against git merge-tree, clean and with conflicts inside the virtual base'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

AUTOMERGE="$ORCH_HOOKS_BUILD/t/helper/automerge"

# lines FIRST...: a ten-line file whose first lines are the arguments.
lines() {
	n=0
	for l in "$@"; do echo "$l"; n=$((n + 1)); done
	while [ $n -lt 10 ]; do n=$((n + 1)); echo "line $n"; done
}

# put FILE MESSAGE LINE...: FILE becomes `lines LINE...`, committed.
put() {
	f=$1 m=$2
	shift 2
	lines "$@" >"$f" && git add "$f" && test_tick && git commit -q -m "$m"
}

# criss_cross KEEP WHAT: branches a and b off main, each merged into the
# other (both merges made from the tips before either), so that any later
# merge of a and b has two merge bases. WHAT says what the bases conflict on:
# f (line 5 changed on both), g (deleted on a, changed on b), or fg, both.
# The criss-cross merges are resolved by KEEP: "own" keeps each branch's
# version, "same" the same version (ab5 in f, g deleted).
criss_cross() {
	keep=$1 what=$2
	git checkout -q -b a main &&
	case $what in *f*) put f "a: line 5" "line 1" "line 2" "line 3" "line 4" "a5" ;; esac &&
	case $what in *g*) git rm -q g && test_tick && git commit -q -m "a: g deleted" ;; esac &&
	git checkout -q -b b main &&
	case $what in *f*) put f "b: line 5" "line 1" "line 2" "line 3" "line 4" "b5" ;; esac &&
	case $what in *g*) echo "g changed" >>g && git add g && test_tick && git commit -q -m "b: g changed" ;; esac &&
	git checkout -q a && git branch a0 && git checkout -q b && git branch b0 &&
	for side in a b; do
		other=b0 && if [ $side = b ]; then other=a0; fi &&
		git checkout -q $side && test_must_fail git merge -q --no-edit $other >/dev/null 2>&1 &&
		case $what in *f*)
			if [ "$keep" = own ]; then git checkout -q --ours f; else lines "line 1" "line 2" "line 3" "line 4" "ab5" >f; fi &&
			git add f ;;
		esac &&
		case $what in *g*)
			if [ "$keep" = own ] && [ $side = b ]; then git add g; else git rm -q g; fi ;;
		esac &&
		test_tick && git commit -q --no-edit || return 1
	done &&
	test $(git merge-base --all a b | wc -l) = 2
}

# repo DIR: a new repository with f (ten lines) and g on main.
repo() {
	git init -q "$1" && cd "$1" &&
	put f root "line 1" "line 2" "line 3" "line 4" "line 5" &&
	echo g >g && git add g && test_tick && git commit -q -m g &&
	git branch -M main
}

# decided REPO MERGE: the in-process decision ("same" or "conflict"), which must be made in process.
decided() {
	(cd "$TRASH/$1" && "$AUTOMERGE" --libgit2 --write "$2") >out &&
	grep -q " libgit2" out && head -n 1 out | cut -d" " -f2
}

test_expect_success 'setup: a criss-cross whose bases conflict on f (line 5) and g (deleted on one side, changed on the other)' '
	repo r && criss_cross same fg
'

test_expect_success 'a clean merge over a virtual base with conflicts in it (both sides resolved them alike): reproduced in process, as git merge-tree' '
	cd r && git checkout -q a && put f "a: line 1" "a1" "line 2" "line 3" "line 4" "ab5" &&
	git checkout -q b && put f "b: line 9" "line 1" "line 2" "line 3" "line 4" "ab5" "line 6" "line 7" "line 8" "b9" &&
	git checkout -q a && git merge -q --no-edit b &&
	git merge-tree --write-tree a^1 a^2 >expect &&
	test "$(head -n 1 expect)" = "$(git rev-parse a^{tree})" &&
	test "$(decided r a)" = same &&
	grep -q "tree=$(git rev-parse a^{tree})" out
'

test_expect_success 'setup: two criss-crosses whose merges each kept their own side, of f and of g' '
	repo rf && criss_cross own f && cd .. && repo rg && criss_cross own g
'

# The virtual base of a and b holds f with conflict markers between a5 and
# b5 (in rf), and g as it was before either (in rg: git keeps the base's
# version of a modify/delete conflict there), so their merge conflicts. A
# virtual base that took a's side of the conflict would make ma below the
# clean merge; one that took b's side, mb.
for r in rf rg; do
	test_expect_success "over a virtual base with a conflict ($r): the merges git refuses are refused in process, and by the gate" '
		cd '$r' &&
		test_must_fail git merge-tree --write-tree a b >mt &&
		git checkout -q -b ma a && test_must_fail git merge -q --no-edit b >/dev/null 2>&1 &&
		if [ '$r' = rf ]; then git checkout -q --theirs f && git add f; else git add g; fi &&
		test_tick && git commit -q --no-edit &&
		git checkout -q -b mb a && test_must_fail git merge -q --no-edit b >/dev/null 2>&1 &&
		if [ '$r' = rf ]; then git checkout -q --ours f && git add f; else git rm -q g; fi &&
		test_tick && git commit -q --no-edit &&
		test "$(decided '$r' ma)" = conflict &&
		test "$(decided '$r' mb)" = conflict &&
		"$AUTOMERGE" ma mb >gate &&
		test $(grep -c " conflict git merge-tree" gate) = 2
	'
done

test_done
