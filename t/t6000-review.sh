#!/bin/sh
test_description='orch-hooks review: verdicts from a read-only reviewer, recorded for the gate'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-review.sh"

use_lint() {
	printf '[review]\ncommand = sh %s\n' "$LINT" >"$TRASH/r/.git/orch-hooks.ini"
}

note_of() {
	git -C "$TRASH/r" notes --ref=refs/notes/verdicts show "$1"
}

wait_for_file() {
	i=0
	while ! test -s "$1"; do
		sleep 0.1
		i=$((i + 1))
		test $i -lt 150 || { echo "no $1 after 15s" >&2; return 1; }
	done
}

test_expect_success 'setup' '
	new_repo r &&
	(cd r &&
	 git checkout -q -b good main && test_commit good cents.c "long cents = 0;" &&
	 git checkout -q -b bad main && test_commit bad money.c "int x;
double price;" &&
	 git checkout -q -b feat main && test_commit feat feat.c "int feat;" &&
	 git checkout -q main)
'

test_expect_success 'review refuses when no reviewer is configured' '
	(cd r && test_must_fail orch-hooks review good >../out 2>../err) &&
	test_grep "no reviewer is configured: \[review\] command is empty" err &&
	test_must_fail note_of good &&
	tmp_is_empty
'

test_expect_success 'review refuses a name that is not a branch or commit' '
	use_lint &&
	(cd r && test_must_fail orch-hooks review no-such-branch 2>../err) &&
	test_grep "orch-hooks: .no-such-branch. does not name a branch or commit here" err
'

test_expect_success 'a PASS is recorded as a note the merge gate accepts' '
	use_lint &&
	(cd r && orch-hooks review good >../out 2>../err) &&
	test_grep "^PASS$" out &&
	note_of good >note &&
	test_grep "^Verdict: PASS$" note &&
	test_grep "^Commit: $(git -C r rev-parse good)$" note &&
	test_grep "^Tree: $(git -C r rev-parse good^{tree})$" note &&
	test_grep -F "Reviewer: sh $LINT" note &&
	test_grep "^Date: [0-9-]*T[0-9:]*Z$" note &&
	test_grep "^Duration: [0-9]*\.[0-9]s$" note &&
	test_grep "recorded 1 verdict in refs/notes/verdicts: 1 PASS, 0 FAIL" err &&
	(cd r && git merge --no-ff -q -m "merge good" good && git rev-parse HEAD^2 >../merged) &&
	git -C r rev-parse good >expect && test_cmp expect merged &&
	tmp_is_empty
'

test_expect_success 'a FAIL is recorded with its file:line reasons and the gate refuses' '
	use_lint &&
	(cd r && test_must_fail orch-hooks review bad >../out 2>../err) &&
	note_of bad >note &&
	test_grep "^Verdict: FAIL$" note &&
	test_grep "^money.c:2: floating point used for money (use integer cents): double price;$" note &&
	(cd r && test_must_fail git merge --no-ff -m "merge bad" bad 2>../err && git merge --abort) &&
	test_grep "bad. at commit .*: FAIL: money.c:2: floating point used for money" err &&
	tmp_is_empty
'

test_expect_success 'the summary names branch, commit, verdict, duration and first reason' '
	bad=$(git -C r rev-parse --short=12 bad) &&
	test_grep "^BRANCH  *COMMIT  *VERDICT  *DURATION  *REASON$" out &&
	test_grep "^bad  *$bad  *FAIL  *[0-9]*\.[0-9]s  *money.c:2: floating point" out
'

test_expect_success 'a branch that moved after its review is stale at the gate' '
	use_lint &&
	(cd r && git checkout -q -b moving main && test_commit moving1 m1.c "int m;" &&
	 git checkout -q main && orch-hooks review moving >/dev/null 2>&1 &&
	 git checkout -q moving && test_commit moving2 m2.c "int n;" && git checkout -q main &&
	 test_must_fail git merge --no-ff -m m moving 2>../err && git merge --abort) &&
	test_grep "stale verdict: the PASS verdict is for the earlier commit" err &&
	(cd r && test_must_fail orch-hooks verdict show moving >../out) &&
	test_grep "stale" out
'

test_expect_success 're-reviewing a commit adds a record to its note; the newest decides' '
	reviewer "echo PASS" &&
	before=$(git -C r rev-list --count refs/notes/verdicts) &&
	(cd r && orch-hooks review bad >/dev/null 2>&1) &&
	after=$(git -C r rev-list --count refs/notes/verdicts) &&
	test $after = $((before + 1)) &&
	note_of bad >note &&
	grep "^Verdict:" note >verdicts &&
	printf "Verdict: FAIL\nVerdict: PASS\n" >expect &&
	test_cmp expect verdicts &&
	(cd r && orch-hooks verdict show bad >../out) &&
	test_grep "^Verdict: PASS$" out &&
	git -C r cat-file -p "refs/notes/verdicts~1:$(git -C r rev-parse bad)" >old &&
	test_grep "^Verdict: FAIL$" old
'

test_expect_success 'the reviewer sees ORCH_* and runs in a checkout of the tip, outside the repository' '
	reviewer "echo \"branch=\$ORCH_BRANCH\"; echo \"commit=\$ORCH_COMMIT\"
echo \"target=\$ORCH_TARGET\"; echo \"base=\$ORCH_BASE\"; echo \"repo=\$ORCH_REPO\"
echo \"pwd=\$(pwd)\"; echo \"tmp=\$TMPDIR\"; ls
echo \"view=\$(git --git-dir=\"\$ORCH_REPO\" rev-parse \"refs/heads/\$ORCH_BRANCH\")\"
git rev-parse --git-dir >/dev/null 2>&1 && echo FOUND-A-REPOSITORY
echo PASS" &&
	(cd r && orch-hooks review feat >../out 2>&1) &&
	test_grep "^branch=feat$" out &&
	test_grep "^commit=$(git -C r rev-parse feat)$" out &&
	test_grep "^target=main$" out &&
	test_grep "^base=$(git -C r merge-base feat main)$" out &&
	test_grep "^repo=$TMPDIR/orch-review\.[^/]*/repo.git$" out &&
	test_grep "^pwd=$TMPDIR/orch-review\.[^/]*/checkout$" out &&
	test_grep "^tmp=$TMPDIR/orch-review\.[^/]*/tmp$" out &&
	test_grep "^feat.c$" out &&
	test_grep "^initial.t$" out &&
	test_grep "^view=$(git -C r rev-parse feat)$" out &&
	test_grep ! FOUND-A-REPOSITORY out &&
	tmp_is_empty
'

test_expect_success '--onto names the target; a commit may be reviewed without a branch' '
	(cd r && git branch other main~1 &&
	 orch-hooks review --onto other "$(git rev-parse feat)" >../out 2>&1) &&
	test_grep "^branch=$" out &&
	test_grep "^target=other$" out &&
	test_grep "^base=$(git -C r merge-base feat other)$" out
'

# void_case TITLE BODY MESSAGE [CLEANUP]: the review is void, exits 3 and records nothing.
void_case() {
	case_body=$2 case_msg=$3 case_cleanup=$4
	test_expect_success "a reviewer that $1 is void" '
		reviewer "$case_body" &&
		test_when_finished "$case_cleanup" &&
		git -C r rev-parse --verify -q refs/notes/verdicts >notes-before || : &&
		(cd r && orch-hooks review feat >../out 2>&1; echo $? >../rc) &&
		echo 3 >expect && test_cmp expect rc &&
		git -C r rev-parse --verify -q refs/notes/verdicts >notes-after || : &&
		test_cmp notes-before notes-after &&
		test_grep -F "review void, nothing recorded (review again): $case_msg" out &&
		test_grep "^feat .* VOID .* review void" out &&
		test_grep "1 review was VOID" out &&
		tmp_is_empty
	'
}

void_case 'edits a file' 'chmod u+w feat.c; echo more >>feat.c; echo PASS' \
	"the reviewer changed its checkout (modified 'feat.c')" :
void_case 'adds a file' 'chmod u+w .; echo x >new.txt; echo PASS' \
	"the reviewer changed its checkout (new file 'new.txt')" :
void_case 'deletes a file' 'chmod u+w .; rm -f initial.t; echo PASS' \
	"the reviewer changed its checkout (deleted 'initial.t')" :
void_case 'commits in the person.s work tree' \
	'cd "$HOME/r" && git commit -q --allow-empty -m evil && echo PASS' \
	"without a sandbox, something outside its view changed while it ran (worktree-head '$TRASH/r/.git/' changed" \
	'git -C r reset -q --hard HEAD^'
void_case 'edits a file of the person.s work tree' 'echo evil >>"$HOME/r/initial.t"; echo PASS' \
	"without a sandbox, something outside its view changed while it ran (worktree-file '$TRASH/r/initial.t' changed" \
	'git -C r checkout -q -- initial.t'
test_expect_success 'git run in the review directory itself finds no repository above it' '
	reviewer "cd \"\$ORCH_REPO/..\" && git rev-parse --git-dir >/dev/null 2>&1 && echo FOUND-A-REPOSITORY
echo PASS" &&
	(cd r && orch-hooks review feat >../out 2>&1) &&
	test_grep ! FOUND-A-REPOSITORY out &&
	tmp_is_empty
'

void_case 'moves a ref' 'git --git-dir="$ORCH_REPO" update-ref refs/heads/good "$ORCH_BASE"; echo PASS' \
	"the reviewer changed its view of the repository (file 'refs/heads/good' created" :
void_case 'writes a note' \
	'git --git-dir="$ORCH_REPO" notes --ref=refs/notes/verdicts add -f -m "Verdict: PASS" "$ORCH_COMMIT"; echo PASS' \
	"the reviewer changed its view of the repository (" :
void_case 'writes an object' \
	'echo evil | git --git-dir="$ORCH_REPO" hash-object -w --stdin >/dev/null; echo PASS' \
	"the reviewer changed its view of the repository (1 new object file)" :
void_case 'changes the repository config' \
	'git -C "$HOME/r" config core.hooksPath /dev/null; echo PASS' \
	"without a sandbox, something outside its view changed while it ran (config '$TRASH/r/.git/config' changed" \
	'git -C r config --unset core.hooksPath'
void_case 'changes the global config' \
	'git config --global core.hooksPath /dev/null; echo PASS' \
	"without a sandbox, something outside its view changed while it ran (config '$TRASH/.gitconfig' changed" \
	'rm -f .gitconfig'
void_case 'adds a hook' \
	'echo "exit 0" >"$HOME/r/.git/hooks/pre-push"; echo PASS' \
	"without a sandbox, something outside its view changed while it ran (hook '$TRASH/r/.git/hooks/pre-push' created" \
	'rm -f r/.git/hooks/pre-push'
void_case 'edits the policy' \
	'echo "# evil" >>"$HOME/r/.git/orch-hooks.ini"; echo PASS' \
	"without a sandbox, something outside its view changed while it ran (policy '$TRASH/r/.git/orch-hooks.ini' changed" :

test_expect_success 'a void review never hides an earlier verdict' '
	reviewer "echo FAIL: not good" &&
	(cd r && test_must_fail orch-hooks review feat >/dev/null 2>&1) &&
	note_of feat >before &&
	reviewer "chmod u+w feat.c; echo more >>feat.c; echo PASS" &&
	(cd r && orch-hooks review feat >out 2>&1; echo $? >../rc) &&
	echo 3 >expect && test_cmp expect rc &&
	note_of feat >after &&
	test_cmp before after &&
	(cd r && test_must_fail orch-hooks verdict show feat >../show 2>&1) &&
	test_grep "FAIL" show
'

test_expect_success 'a timeout is a FAIL and kills the reviewer and its children' '
	rm -f child.pid &&
	reviewer "sleep 300 & echo \$! >\"$TRASH/child.pid\"; wait; echo PASS" 2s &&
	(cd r && test_must_fail orch-hooks review feat >../out 2>&1) &&
	test_grep "FAIL .*the reviewer timed out after 2s and was killed" out &&
	process_gone $(cat child.pid) &&
	(cd r && test_must_fail orch-hooks verdict show feat >../show) &&
	test_grep "FAIL (the reviewer timed out after 2s" show &&
	tmp_is_empty
'

test_expect_success 'Ctrl-C stops the reviewer and its children, records nothing, cleans up' '
	rm -f child.pid child2.pid &&
	(cd r && git checkout -q -b intr main && test_commit intr intr.c "int i;" && git checkout -q main) &&
	reviewer "sleep 300 & echo \$! >\"$TRASH/child.pid\"
sleep 300 & echo \$! >\"$TRASH/child2.pid\"; wait; echo PASS" &&
	git -C r rev-parse refs/notes/verdicts >notes-before &&
	{ (cd r && exec orch-hooks review intr >../out 2>../err) & } &&
	pid=$! &&
	wait_for_file child2.pid &&
	kill -INT $pid &&
	{ wait $pid; rc=$?; } &&
	test $rc = 130 &&
	test_grep "interrupted: no verdict was recorded" err &&
	process_gone $(cat child.pid) && process_gone $(cat child2.pid) &&
	test_must_fail note_of intr &&
	git -C r rev-parse refs/notes/verdicts >notes-after &&
	test_cmp notes-before notes-after &&
	tmp_is_empty
'

verdict_case() {
	case_body=$2 case_msg=$3
	test_expect_success "$1" '
		reviewer "$case_body" &&
		(cd r && test_must_fail orch-hooks review feat >../out 2>&1) &&
		(cd r && test_must_fail orch-hooks verdict show feat >../show) &&
		test_grep -F "FAIL ($case_msg" show
	'
}

verdict_case 'output without a verdict line is a FAIL' 'echo "looks fine to me"' \
	"no verdict line in the reviewer's output"
verdict_case 'PASSED is not a PASS' 'echo PASSED' "no verdict line in the reviewer's output"
verdict_case 'a non-zero exit is a FAIL even after PASS' 'echo PASS; exit 3' \
	"the reviewer exited with status 3 although it printed PASS"
verdict_case 'a crash is a FAIL' 'echo PASS; kill -SEGV $$' \
	"the reviewer exited with status 139 (killed by signal 11"
verdict_case 'a missing reviewer is a FAIL' 'exec /nonexistent/reviewer' \
	"the reviewer exited with status 127 (command not found?)"
verdict_case 'the last verdict line decides' 'echo PASS; echo "FAIL: feat.c:1: changed my mind"' \
	"feat.c:1: changed my mind"

for name in "it's" 'a;touch${IFS}PWNED' 'x`touch${IFS}PWNED`' 'y$(touch${IFS}PWNED)' 'q"uote'
do
	test_expect_success "branch $name: reviewed literally, no injection" '
		reviewer "printf \"branch=[%s]\\n\" \"\$ORCH_BRANCH\"; echo PASS" &&
		(cd r && git checkout -q -b "$name" main && test_commit "c$test_count" &&
		 git checkout -q main &&
		 orch-hooks review -- "$name" >../out 2>&1 &&
		 orch-hooks verdict show "refs/heads/$name" >../show) &&
		! test -e r/PWNED && ! test -e PWNED && ! test -e "$TMPDIR/PWNED" &&
		test_grep -F "branch=[$name]" out &&
		test_grep -F "branch=[$name]" show &&
		test_grep "^Commit: $(git -C r rev-parse "refs/heads/$name")$" show &&
		tmp_is_empty
	'
done

test_expect_success 'a tree with a .git entry is not checked out; nothing is recorded' '
	reviewer "echo PASS" &&
	(cd r && blob=$(echo evil | git hash-object -w --stdin) &&
	 sub=$(printf "100644 blob %s\tconfig\n" $blob | git mktree) &&
	 top=$(printf "040000 tree %s\t.git\n100644 blob %s\tok.txt\n" $sub $blob | git mktree) &&
	 git branch hostile $(git commit-tree -p main -m hostile $top) &&
	 test_must_fail orch-hooks review hostile feat >../out 2>../err) &&
	test_grep "refusing to check out the tree entry .\.git.: not a safe file name" err &&
	test_grep "^hostile  *[0-9a-f]*  *ERROR  *.*could not review it" out &&
	test_grep "^feat  *[0-9a-f]*  *PASS" out &&
	test_must_fail note_of hostile &&
	tmp_is_empty
'

test_expect_success 'agent-review.sh hands the diff to an agent and passes on its verdict' '
	cat >"$TRASH/fake-agent" <<-\EOF &&
	prompt=$(cat)
	case $prompt in
	*"End your answer with exactly one line"*"+double price;"*)
		echo "money.c:2: a double holds money"
		echo "FAIL: money.c:2: a double holds money" ;;
	*"+int feat;"*) echo PASS ;;
	*) echo "FAIL: unexpected prompt" ;;
	esac
	EOF
	printf "[review]\ncommand = ORCH_REVIEW_AGENT=%s sh %s\n" "\"sh $TRASH/fake-agent\"" \
		"$ORCH_HOOKS_SRC/etc/reviewers/agent-review.sh" >r/.git/orch-hooks.ini &&
	(cd r && test_must_fail orch-hooks review -j 2 feat bad >../out 2>&1) &&
	note_of feat >note &&
	test_grep "^Verdict: PASS$" note &&
	note_of bad >note &&
	test_grep "^Verdict: FAIL$" note &&
	test_grep "^money.c:2: a double holds money$" note &&
	tmp_is_empty
'

if bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all --die-with-parent true 2>/dev/null
then
	test_expect_success 'under bwrap only the private temporary directory is writable' '
		reviewer "touch \"$TRASH/r/.git/evil\" 2>/dev/null && echo WROTE-REPO
touch evil 2>/dev/null && echo WROTE-CHECKOUT
touch \"\$TMPDIR/ok\" && echo WROTE-TMP
echo PASS" &&
		sed -i "s/^sandbox = none\$/sandbox = bwrap/" r/.git/orch-hooks.ini &&
		(cd r && orch-hooks review feat >../out 2>&1) &&
		test_grep "^WROTE-TMP$" out &&
		test_grep ! "WROTE-REPO" out &&
		test_grep ! "WROTE-CHECKOUT" out &&
		! test -e r/.git/evil &&
		note_of feat >note &&
		test_grep "^Verdict: PASS$" note &&
		test_grep "^Reviewer: sh .*/r.sh (sandbox: bwrap)$" note &&
		tmp_is_empty
	'
else
	test_skip 'under bwrap only the private temporary directory is writable' \
		'bubblewrap cannot make a sandbox on this machine'
fi

test_expect_success 'review refuses when the policy asks for a sandbox it cannot have' '
	reviewer "echo PASS" &&
	sed -i "s/^sandbox = none\$/sandbox = bwrap/" r/.git/orch-hooks.ini &&
	git -C r rev-parse refs/notes/verdicts >notes-before &&
	(cd r && test_must_fail env ORCH_HOOKS_BWRAP=/nonexistent/bwrap orch-hooks review feat 2>../err) &&
	test_grep "refusing to review: the policy (.*) asks for \[review\] sandbox = bwrap" err &&
	test_grep "or set sandbox = none" err &&
	git -C r rev-parse refs/notes/verdicts >notes-after &&
	test_cmp notes-before notes-after &&
	tmp_is_empty
'

test_done
