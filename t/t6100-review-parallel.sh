#!/bin/sh
test_description='orch-hooks review -j: reviewers in parallel, readable output, one summary'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-review.sh"

# The policy's default review timeout.
REVIEW_TIMEOUT=15m

BRANCHES="b1 b2 b3 b4 b5 b6 b7 b8"

# Odd branches keep money in a double (diff-lint says FAIL), even ones in integer cents.
test_expect_success 'setup: eight branches, four of them bad' '
	new_repo r &&
	(cd r &&
	 for b in $BRANCHES; do
		n=${b#b} &&
		git checkout -q -b $b main &&
		if test $((n % 2)) = 1; then
			test_commit $b money$n.c "int id;
double price$n;"
		else
			test_commit $b cents$n.c "long cents$n;"
		fi || return 1
	 done &&
	 git checkout -q main) &&
	mkdir running &&
	reviewer "mkdir \"$TRASH/running/\$ORCH_BRANCH\"
for i in 1 2 3 4 5; do echo \"line \$i of \$ORCH_BRANCH\"; sleep 0.5; done
ls \"$TRASH/running\" | wc -l >>\"$TRASH/overlap\"
rmdir \"$TRASH/running/\$ORCH_BRANCH\"
exec sh \"$LINT\""
'

test_expect_success '-j 4 over 8 branches records 8 correct verdicts' '
	(cd r && test_must_fail orch-hooks review -j 4 $BRANCHES >../out 2>../err) &&
	for b in $BRANCHES; do
		n=${b#b} &&
		git -C r notes --ref=refs/notes/verdicts show $b >note &&
		test_grep "^Commit: $(git -C r rev-parse $b)$" note &&
		if test $((n % 2)) = 1; then
			test_grep "^Verdict: FAIL$" note &&
			test_grep "^money$n.c:2: floating point used for money" note
		else
			test_grep "^Verdict: PASS$" note
		fi || return 1
	done &&
	git -C r notes --ref=refs/notes/verdicts list >notes &&
	test $(wc -l <notes) = 8 &&
	test_grep "recorded 8 verdicts in refs/notes/verdicts: 4 PASS, 4 FAIL" err &&
	test_grep ! "review void" out &&
	tmp_is_empty
'

test_expect_success 'reviews overlapped, never more than 4 at once' '
	sort -n overlap | tail -n 1 >max &&
	test $(cat max) -ge 2 &&
	test $(cat max) -le 4
'

test_expect_success 'the output of each reviewer is one contiguous block' '
	awk "
		/^--- review of / { cur = \$4; n[cur] = 0; next }
		/^--- b[0-9]: / { cur = \"\"; next }
		/^line [0-9] of / {
			if (\$NF != cur) { print \"interleaved: \" \$0 \" in block \" cur; bad = 1 }
			n[cur]++
		}
		END {
			for (b in n) if (n[b] != 5) { print b \": \" n[b] \" lines\"; bad = 1 }
			exit bad
		}" out &&
	test $(grep -c "^--- review of " out) = 8
'

test_expect_success 'the summary has a row per branch: commit, verdict, duration, first reason' '
	for b in $BRANCHES; do
		n=${b#b} &&
		c=$(git -C r rev-parse --short=12 $b) &&
		if test $((n % 2)) = 1; then
			test_grep "^$b  *$c  *FAIL  *[0-9]*\.[0-9]s  *money$n.c:2: floating point" out
		else
			test_grep "^$b  *$c  *PASS  *[0-9]*\.[0-9]s  *the reviewer said PASS$" out
		fi || return 1
	done
'

test_expect_success 'progress shows what runs and what finished' '
	test_grep "orch-hooks: \[0/8 done, 1 running, [0-9]*s\] reviewing b1 (" err &&
	test_grep "orch-hooks: \[[0-9]/8 done, 4 running, [0-9]*s\] reviewing b4 (" err &&
	test_grep "orch-hooks: \[[1-8]/8 done, [0-4] running, [0-9]*s\] b3 FAIL ([0-9.]*s)$" err &&
	test_grep "orch-hooks: \[8/8 done, 0 running, [0-9]*s\] b[1-8] \(PASS\|FAIL\)" err
'

test_expect_success 'while reviews run, a heartbeat names them with their elapsed time' '
	(cd r && ORCH_HOOKS_PROGRESS_SECONDS=1 orch-hooks review -j 2 b2 b4 >../out 2>../err) &&
	test_grep "orch-hooks: \[0/2 done, 2 running, [0-9]*s\] running: b2 ([0-9]*s), b4 ([0-9]*s)$" err
'

test_expect_success 'exit 0 when every verdict is PASS; own notes never void a review' '
	(cd r && orch-hooks review -j 3 b2 b4 b6 b8 >../out 2>../err) &&
	test_grep "recorded 4 verdicts in refs/notes/verdicts: 4 PASS, 0 FAIL" err &&
	test_grep ! "review void" out &&
	tmp_is_empty
'

test_expect_success 'a commit named twice is reviewed once' '
	(cd r && git branch b2-again b2 && orch-hooks review -j 2 b2 b2-again >../out 2>../err) &&
	test_grep "orch-hooks: .b2-again. is the same commit as .b2.: reviewing it once" err &&
	test $(grep -c "^--- review of " out) = 1
'

test_expect_success 'Ctrl-C stops every running reviewer, starts no more, records nothing' '
	mkdir pids &&
	reviewer "sleep 300 & echo \$! >\"$TRASH/pids/\$ORCH_BRANCH\"; wait; echo PASS" &&
	git -C r rev-parse refs/notes/verdicts >notes-before &&
	{ (cd r && exec orch-hooks review -j 4 $BRANCHES >../out 2>../err) & } &&
	pid=$! &&
	i=0 &&
	while test $(ls pids | wc -l) -lt 4; do
		sleep 0.1 && i=$((i + 1)) && test $i -lt 150 || return 1
	done &&
	sleep 0.2 &&
	kill -INT $pid &&
	{ wait $pid; rc=$?; } &&
	test $rc = 130 &&
	test $(ls pids | wc -l) = 4 &&
	for f in pids/*; do process_gone $(cat $f) || return 1; done &&
	git -C r rev-parse refs/notes/verdicts >notes-after &&
	test_cmp notes-before notes-after &&
	test_grep "interrupted: stopping 4 reviewers; no verdict will be recorded" err &&
	test_grep ! "^BRANCH" out &&
	tmp_is_empty
'

test_done
