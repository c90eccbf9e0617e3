#!/bin/sh
test_description='notes trees are read as git reads them: server gate and verdict show against git notes show'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-servers.sh"

SRV="$TRASH/srv"
NOTES=refs/notes/verdicts

# tree LINE...: a tree of "MODE TYPE OID<TAB>NAME" lines (printf escapes allowed).
tree() {
	printf "$@" | git -C c mktree
}

# The layouts, each a notes tree holding feat's PASS note (blob $B) somewhere.
layout_tree() {
	F=$(git -C c rev-parse feat) && B=$(cat pass-blob) &&
	a=$(echo "$F" | cut -c1-2) b=$(echo "$F" | cut -c3-4) rest38=$(echo "$F" | cut -c3-) &&
	rest36=$(echo "$F" | cut -c5-) && a3=$(echo "$F" | cut -c1-3) rest37=$(echo "$F" | cut -c4-) &&
	case $1 in
	flat) tree "100644 blob $B\t$F\n" ;;
	executable) tree "100755 blob $B\t$F\n" ;;
	upper-case) tree "100644 blob $B\t$(echo "$F" | tr a-f A-F)\n" ;;
	fanout-2-38) tree "040000 tree $(tree "100644 blob $B\t$rest38\n")\t$a\n" ;;
	fanout-2-2-36)
		tree "040000 tree $(tree "040000 tree $(tree "100644 blob $B\t$rest36\n")\t$b\n")\t$a\n" ;;
	odd-split-3-37) tree "040000 tree $(tree "100644 blob $B\t$rest37\n")\t$a3\n" ;;
	symlink) tree "120000 blob $B\t$F\n" ;;
	non-hex) tree "100644 blob $B\t$(echo "$F" | sed "s/^./g/")\n100644 blob $B\t$F.txt\n" ;;
	flat-and-fanout)
		tree "100644 blob $B\t$F\n040000 tree $(tree "100644 blob $(cat fail-blob)\t$rest38\n")\t$a\n" ;;
	empty) git -C c mktree </dev/null ;;
	esac
}

# What git makes of each layout: shown (the note), none, or joined (twice).
git_reads() {
	case $1 in
	flat | executable | upper-case | fanout-2-38 | fanout-2-2-36) echo shown ;;
	flat-and-fanout) echo joined ;;
	*) echo none ;;
	esac
}

LAYOUTS="flat executable upper-case fanout-2-38 fanout-2-2-36 odd-split-3-37 symlink non-hex flat-and-fanout empty"

test_expect_success 'setup: a client with feat, its PASS note, a merge of it, and a notes commit per layout' '
	mkdir -p "$SRV" && git init -q --bare "$SRV/srv.git" &&
	git init -q c &&
	(cd c && test_commit initial &&
	 git checkout -q -b feat && test_commit feat && git checkout -q main &&
	 orch-hooks verdict set PASS feat 2>/dev/null &&
	 git notes --ref=$NOTES show feat >../pass-note &&
	 git notes --ref=$NOTES list feat >../pass-blob &&
	 sed "s/^Verdict: PASS/Verdict: FAIL/" ../pass-note | git hash-object -w --stdin >../fail-blob &&
	 git checkout -q -b merged main && git merge -q --no-ff -m "Merge branch feat" feat &&
	 git checkout -q main) &&
	for l in $LAYOUTS; do
		t=$(layout_tree $l) &&
		git -C c update-ref refs/notes/layout/$l "$(git -C c commit-tree -m "$l" "$t")" || return 1
	done
'

test_expect_success 'git notes show reads each layout as expected (the premise)' '
	for l in $LAYOUTS; do
		git -C c update-ref $NOTES refs/notes/layout/$l &&
		case $(git_reads $l) in
		shown) git -C c notes --ref=$NOTES show feat >out && test_cmp pass-note out ;;
		joined) git -C c notes --ref=$NOTES show feat >out &&
			test_grep "^Verdict: PASS" out && test_grep "^Verdict: FAIL" out ;;
		none) test_must_fail git -C c notes --ref=$NOTES show feat 2>/dev/null ;;
		esac || { echo "layout $l" >&2; return 1; }
	done
'

test_expect_success 'verdict show agrees with git notes show on every layout' '
	for l in $LAYOUTS; do
		git -C c update-ref $NOTES refs/notes/layout/$l &&
		case $(git_reads $l) in
		shown) (cd c && orch-hooks verdict show feat >../out) && test_grep "feat: PASS" out ;;
		joined) (cd c && test_must_fail orch-hooks verdict show feat >../out) &&
			test_grep "feat: note cannot be read (the notes tree holds two notes for commit $(git -C c rev-parse feat)" out ;;
		none) (cd c && test_must_fail orch-hooks verdict show feat >../out) &&
			test_grep "feat: no verdict" out ;;
		esac || { echo "layout $l" >&2; return 1; }
	done
'

# layout_push T LAYOUT: a fresh gated server, its main imported, then the
# merge of feat pushed with the layout's notes; the outcome must be git's.
layout_push() {
	t=$1 l=$2 repo="$t-$2.git"
	url=$(transport_url "$t" "$repo")
	test_expect_success "$t: the server gate reads the $l layout as git does" '
		git init -q --bare "$SRV/$repo" &&
		orch-hooks install --server "$SRV/$repo" 2>/dev/null &&
		(cd c && git push -q "$url" main 2>/dev/null) &&
		case $(git_reads $l) in
		shown)
			(cd c && git push --atomic "$url" merged:main +refs/notes/layout/$l:$NOTES 2>../err) &&
			test_grep "verdicts of 1 merge checked: accepted" err ;;
		joined)
			(cd c && test_must_fail git push --atomic "$url" merged:main +refs/notes/layout/$l:$NOTES 2>../err) &&
			test_grep "note cannot be read: the notes tree holds two notes for commit $(git -C c rev-parse feat)" err ;;
		none)
			(cd c && test_must_fail git push --atomic "$url" merged:main +refs/notes/layout/$l:$NOTES 2>../err) &&
			test_grep "merges $(git -C c rev-parse feat): no verdict" err &&
			test_grep ! "cannot decide" err ;;
		esac &&
		git -C c rev-parse merged >expect &&
		git -C "$SRV/$repo" rev-parse main >actual &&
		if [ $(git_reads $l) = shown ]; then test_cmp expect actual; else ! test_cmp expect actual; fi
	'
}

start_transports "$SRV"
for t in $TRANSPORTS; do
	for l in $LAYOUTS; do
		layout_push "$t" "$l"
	done
done

test_expect_success 'an empty notes tree is simply no notes: pushed alone it is accepted' '
	git init -q --bare "$SRV/empty.git" &&
	orch-hooks install --server "$SRV/empty.git" 2>/dev/null &&
	(cd c && git push -q "file://$SRV/empty.git" main 2>/dev/null &&
	 git push "file://$SRV/empty.git" refs/notes/layout/empty:$NOTES 2>../err) &&
	test_grep ! "cannot decide" err &&
	git -C c rev-parse refs/notes/layout/empty >expect &&
	git -C "$SRV/empty.git" rev-parse $NOTES >actual &&
	test_cmp expect actual
'

test_done
