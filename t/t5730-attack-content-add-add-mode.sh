#!/bin/sh
test_description='content rule: an add/add mode conflict is not an automatic merge

main and a reviewed branch each add the same file, one executable and one
not. git calls that a conflict (CONFLICT (add/add)) and wants a resolution
reviewed; the file merge of libgit2 calls the missing base 644 and picks 755 on
its own. tree-fold calls it a conflict and leaves it to git, never to
libgit2 (ORCH_FOLD_LIBGIT2_DIFFERS), so a merge made by hand with either
mode needs a review of its own.'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

NOTES=refs/notes/verdicts

test_expect_success 'setup: main adds tool.sh (644), feat adds the same tool.sh (755) and is reviewed' '
	git init -q --bare srv.git &&
	orch-hooks install --server srv.git 2>/dev/null &&
	git init -q c &&
	(cd c && git remote add origin "file://$TRASH/srv.git" && test_commit initial &&
	 git checkout -q -b feat && echo "echo hi" >tool.sh && chmod +x tool.sh &&
	 git add tool.sh && git commit -q -m "feat: tool" &&
	 git checkout -q main && echo "echo hi" >tool.sh && chmod -x tool.sh &&
	 git add tool.sh && git commit -q -m "main: tool" &&
	 git push -q origin main feat 2>/dev/null &&
	 orch-hooks verdict set PASS feat -m fine 2>/dev/null)
'

test_expect_success 'git itself does not merge them cleanly (the premise)' '
	(cd c && { git merge-tree --write-tree main feat >../mt; test $? = 1; }) &&
	test_grep "CONFLICT (add/add)" mt
'

test_expect_success 'a merge made by hand with the executable tool.sh needs its own review' '
	(cd c &&
	 tree=$(printf "100644 blob %s\tinitial.t\n100755 blob %s\ttool.sh\n" \
		"$(git rev-parse main:initial.t)" "$(git rev-parse feat:tool.sh)" | git mktree) &&
	 merge=$(git commit-tree "$tree" -p main -p feat -m "Merge branch '"'"'feat'"'"'") &&
	 git update-ref refs/heads/main "$merge" &&
	 refused_push ../srv.git ../err git push --atomic origin main $NOTES) &&
	test_grep "carries changes of its own" err
'

test_done
