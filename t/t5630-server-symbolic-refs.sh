#!/bin/sh
test_description='the server gate: a push through a symbolic ref is judged as the ref it moves'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-servers.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

SRV="$TRASH/srv"
NOTES=refs/notes/verdicts

symref_tests() {
	t=$1 url=$(transport_url "$1" "$1.git")

	test_expect_success "$t: setup: a gated server whose alias and alias2 point at main" '
		gated_server "$SRV/$t.git" "$url" "c-$t" &&
		git -C "$SRV/$t.git" symbolic-ref refs/heads/alias refs/heads/main &&
		git -C "$SRV/$t.git" symbolic-ref refs/heads/alias2 refs/heads/alias &&
		git -C "$SRV/$t.git" symbolic-ref refs/notes/alias $NOTES &&
		(cd "c-$t" && git fetch -q origin &&
		 git checkout -q -b feat main && test_commit "feat-$t" && git checkout -q main &&
		 git merge -q --no-ff -m "Merge branch feat" feat)
	'

	test_expect_success "$t: an unreviewed merge pushed to an alias of main is refused as main" '
		(cd "c-$t" && refused_push "$SRV/$t.git" ../err git push origin main:refs/heads/alias) &&
		test_grep "remote: orch-hooks: .refs/heads/alias. is a symbolic ref to .refs/heads/main.: judged as .main." err &&
		test_grep "push to .refs/heads/main. refused" err &&
		test_grep "merges $(git -C "c-$t" rev-parse feat)" err
	'

	test_expect_success "$t: through a chain of symbolic refs too" '
		(cd "c-$t" && refused_push "$SRV/$t.git" ../err git push origin main:refs/heads/alias2) &&
		test_grep "remote: orch-hooks: .refs/heads/alias2. is a symbolic ref to .refs/heads/main.: judged as .main." err
	'

	test_expect_success "$t: a direct commit pushed to the alias is refused" '
		(cd "c-$t" && git checkout -q -b direct origin/main && test_commit "direct-$t" &&
		 git checkout -q main &&
		 refused_push "$SRV/$t.git" ../err git push origin direct:refs/heads/alias) &&
		test_grep "is not a merge" err
	'

	test_expect_success "$t: rewriting a note through an alias of the notes ref is refused" '
		(cd "c-$t" && orch-hooks verdict set FAIL feat -m no 2>/dev/null &&
		 git push -q origin $NOTES 2>/dev/null &&
		 orch-hooks verdict set PASS feat 2>/dev/null &&
		 git notes --ref=$NOTES show feat | sed -n "/^Verdict: PASS/,\$p" >../pass-only &&
		 git notes --ref=$NOTES add -f -F ../pass-only feat 2>/dev/null &&
		 refused_push "$SRV/$t.git" ../err git push origin $NOTES:refs/notes/alias) &&
		test_grep "judged as .$NOTES." err &&
		test_grep "drops the record .FAIL by" err
	'

	test_expect_success "$t: the reviewed merge pushed to the alias with its notes is accepted and moves main" '
		(cd "c-$t" && git fetch -q origin +$NOTES:$NOTES &&
		 orch-hooks verdict set PASS feat 2>/dev/null &&
		 git push --atomic origin main:refs/heads/alias $NOTES 2>../err) &&
		test_grep "accepted" err &&
		git -C "c-$t" rev-parse main >expect &&
		git -C "$SRV/$t.git" rev-parse main >actual &&
		test_cmp expect actual &&
		git -C "$SRV/$t.git" symbolic-ref refs/heads/alias >actual &&
		echo refs/heads/main >expect && test_cmp expect actual
	'
}

start_transports "$SRV"
for t in $TRANSPORTS; do
	symref_tests "$t"
done

test_done
