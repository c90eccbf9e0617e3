#!/bin/sh
test_description='the server gate over real transports: file://, git daemon and ssh on loopback'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-servers.sh"

SRV="$TRASH/srv"

srv_refs() {
	git -C "$SRV/srv.git" for-each-ref --format='%(objectname) %(refname)' >"$1"
}

# The checks every transport must pass, against the server at URL.
transport_tests() {
	name=$1 url=$2

	test_expect_success "$name: a reviewed merge pushed with its notes is accepted" '
		(cd c && git reset -q --hard "$(git -C "$SRV/srv.git" rev-parse main)" &&
		 git checkout -q -b "$name-ok" main && test_commit "$name-ok" && git checkout -q main &&
		 orch-hooks verdict set PASS "$name-ok" 2>/dev/null &&
		 git merge -q --no-ff -m "Merge branch '\''$name-ok'\''" "$name-ok" &&
		 git push --atomic "$url" main refs/notes/verdicts 2>../err) &&
		test_grep "remote: orch-hooks: .main.: 2 commits new to protected branches, the verdicts of 1 merge checked: accepted" err &&
		git -C c rev-parse main refs/notes/verdicts >expect &&
		git -C "$SRV/srv.git" rev-parse main refs/notes/verdicts >actual &&
		test_cmp expect actual
	'

	test_expect_success "$name: a push big enough to arrive as a pack, notes included, is accepted" '
		(cd c && git checkout -q -b "$name-big" main &&
		 i=0 && while [ $i -lt 60 ]; do
			echo "$i" >"$name-big-$i.t" && git add "$name-big-$i.t" && git commit -q -m "big $i" || exit 1
			i=$((i + 1))
		 done &&
		 git checkout -q main && orch-hooks verdict set PASS "$name-big" 2>/dev/null &&
		 git merge -q --no-ff -m "Merge branch '\''$name-big'\''" "$name-big" &&
		 git push --atomic "$url" main refs/notes/verdicts 2>../err) &&
		test_grep "61 commits new to protected branches, the verdicts of 1 merge checked: accepted" err &&
		git -C c rev-parse main >expect && git -C "$SRV/srv.git" rev-parse main >actual &&
		test_cmp expect actual
	'

	test_expect_success "$name: an unreviewed merge is refused and no server ref changes" '
		(cd c && git checkout -q -b "$name-bad" main && test_commit "$name-bad" && git checkout -q main &&
		 git merge -q --no-ff -m "Merge branch '\''$name-bad'\''" "$name-bad" &&
		 git checkout -q -b "$name-side" && git checkout -q main) &&
		srv_refs before &&
		(cd c && test_must_fail git push "$url" main "$name-side" refs/notes/verdicts 2>../err) &&
		srv_refs after &&
		test_cmp before after &&
		test_grep "remote: orch-hooks: push to .refs/heads/main. refused" err &&
		test_grep "merges $(git -C c rev-parse "$name-bad") (.$name-bad.): no verdict" err &&
		test_grep "\[remote rejected\] main -> main (pre-receive hook declined)" err
	'

	test_expect_success "$name: deleting the branch or rewinding the notes is refused, nothing changes" '
		(cd c && git reset -q --hard HEAD^ &&
		 git update-ref refs/notes/verdicts refs/notes/verdicts^) &&
		srv_refs before &&
		(cd c && test_must_fail git push --force "$url" :main refs/notes/verdicts 2>../err) &&
		srv_refs after &&
		test_cmp before after &&
		test_grep "deleting protected branch .main. is refused" err &&
		test_grep "do not contain the server.s notes" err &&
		(cd c && git update-ref refs/notes/verdicts "$(git -C "$SRV/srv.git" rev-parse refs/notes/verdicts)")
	'
}

test_expect_success 'setup: a served bare repository with the gate, and a clone' '
	mkdir -p "$SRV" &&
	git init -q --bare "$SRV/srv.git" &&
	orch-hooks install --server "$SRV/srv.git" 2>/dev/null &&
	git init -q c &&
	(cd c && test_commit initial && git push -q "file://$SRV/srv.git" main 2>/dev/null) &&
	git -C c rev-parse main >expect && git -C "$SRV/srv.git" rev-parse main >actual &&
	test_cmp expect actual
'

start_transports "$SRV"
for t in $TRANSPORTS; do
	transport_tests "$t" "$(transport_url "$t" srv.git)"
done
test_servers_stop

test_done
