#!/bin/sh
test_description='the server gate at scale: a whole history of 2,000 reviewed merges in one push'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

MERGES=${ORCH_SCALE_MERGES:-2000}

# history_stream N: a root commit, then N times a branch of 5 commits merged
# into main with --no-ff, as a git fast-import stream. Branch i writes one
# of 100 x 97 files, so no tree grows with the history.
history_stream() {
	awk -v n="$1" -v tips="$TRASH/tips" '
	function path(i) { return "d" (i % 100) "/f" (i % 97) ".t" }
	BEGIN {
		who = "committer C O Mitter <committer@example.com> 1700000000 +0000"
		print "commit refs/heads/main"; print "mark :1"; print who
		print "data <<EOT"; print "root"; print "EOT"
		print "M 644 inline root.t"; print "data <<EOT"; print "root"; print "EOT"
		mark = 1; main = 1
		for (i = 1; i <= n; i++) {
			for (j = 1; j <= 5; j++) {
				mark++
				print "commit refs/heads/feature"; print "mark :" mark; print who
				print "data <<EOT"; print "f" i " part " j; print "EOT"
				if (j == 1) print "from :" main; else print "from :" (mark - 1)
				print "M 644 inline " path(i); print "data <<EOT"; print i " " j; print "EOT"
			}
			tip = mark; mark++
			print "commit refs/heads/main"; print "mark :" mark; print who
			print "data <<EOT"; print "Merge branch '\''f" i "'\''"; print "EOT"
			print "from :" main; print "merge :" tip
			print "M 644 inline " path(i); print "data <<EOT"; print i " 5"; print "EOT"
			# the tip of each branch, for the notes stream
			print ":" tip >tips
			main = mark
		}
	}'
}

# notes_stream: a notes commit with a PASS note on every merged tip.
notes_stream() {
	awk 'NR == FNR { tip[$1] = 1; next }
	     ($1 in tip) { oid[$1] = $2; order[++n] = $1 }
	     END {
		print "commit refs/notes/verdicts"
		print "committer C O Mitter <committer@example.com> 1700000000 +0000"
		print "data <<EOT"; print "verdicts"; print "EOT"
		for (i = 1; i <= n; i++) {
			print "N inline " order[i]
			print "data <<EOT"
			print "Verdict: PASS"; print "Commit: " oid[order[i]]
			print "Reviewer: scale test"; print "Date: 2026-01-01T00:00:00Z"
			print ""; print "fine"
			print "EOT"
		}
	}' tips marks
}

# elapsed CMD...: run CMD, then write the whole seconds it took to ./seconds.
elapsed() {
	start=$(date +%s) &&
	"$@" &&
	echo $(( $(date +%s) - start )) >"$TRASH/seconds"
}

test_expect_success "setup: a history of $MERGES reviewed merges, built with fast-import" '
	git init -q src &&
	(cd src && history_stream "$MERGES" >../history &&
	 git fast-import --quiet --export-marks=../marks <../history &&
	 cd .. && notes_stream >notes &&
	 cd src && git fast-import --quiet --import-marks=../marks <../notes) &&
	git -C src rev-list --merges main >merges && test $(wc -l <merges) -eq "$MERGES" &&
	git -C src notes --ref=refs/notes/verdicts list >notes-list &&
	test $(wc -l <notes-list) -eq "$MERGES"
'

# A gated repository whose main holds the root commit (adopted as the
# baseline), so that the push after it is judged commit by commit.
gated_repo_at_root() {
	git init -q --bare "$1" &&
	orch-hooks install --server "$1" 2>/dev/null &&
	root=$(git -C src rev-list --max-parents=0 main) &&
	git -C src push -q "file://$TRASH/$1" "$root:refs/heads/main" 2>/dev/null
}

# Its time is printed, never asserted: the machine may be loaded. make bench-check
# guards the cost in instructions.
test_expect_success 'the whole history in one push to a gated repository is accepted' '
	gated_repo_at_root srv.git &&
	(cd src && elapsed git push -q --atomic "file://$TRASH/srv.git" main refs/notes/verdicts 2>../err) &&
	test_grep "remote: orch-hooks: .main.: $((MERGES * 6)) commits new to protected branches, the verdicts of $MERGES merges checked: accepted" err &&
	say "push of $MERGES merges took $(cat seconds)s" &&
	git -C src rev-parse main refs/notes/verdicts >expect &&
	git -C srv.git rev-parse main refs/notes/verdicts >actual &&
	test_cmp expect actual
'

test_expect_success 'the same push with one note missing is refused, naming that merge' '
	merge=$(sed -n "$((MERGES / 2))p" merges) &&
	tip=$(git -C src rev-parse "$merge^2") &&
	git -C src notes --ref=refs/notes/verdicts remove "$tip" 2>/dev/null &&
	gated_repo_at_root srv2.git &&
	(cd src && test_must_fail elapsed git push --atomic "file://$TRASH/srv2.git" main refs/notes/verdicts 2>../err) &&
	test_grep "remote: orch-hooks:   merge $merge merges $tip (.f[0-9]*.): no verdict" err &&
	test $(grep -c "remote: orch-hooks:   merge " err) -eq 1 &&
	git -C src rev-list --max-parents=0 main >expect &&
	git -C srv2.git rev-parse main >actual &&
	test_cmp expect actual
'

test_done
