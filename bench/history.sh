# Builds the benchmark repositories with git fast-import: fixed dates, so the
# same arguments give the same commits (the instruction budget relies on it).

# history_stream N: a root commit, then N times a side branch of 5 commits
# merged into main with --no-ff. The marks of the merged tips go to ./tips.
history_stream() {
	awk -v n="$1" '
	function path(i) { return "d" (i % 100) "/f" (i % 97) ".t" }
	BEGIN {
		who = "committer Bench <bench@example.com> 1700000000 +0000"
		print "commit refs/heads/main"; print "mark :1"; print who
		print "data <<EOT"; print "root"; print "EOT"
		print "M 644 inline root.t"; print "data <<EOT"; print "root"; print "EOT"
		mark = 1; main = 1
		for (i = 1; i <= n; i++) {
			for (j = 1; j <= 5; j++) {
				mark++
				print "commit refs/heads/side"; print "mark :" mark; print who
				print "data <<EOT"; print "s" i " part " j; print "EOT"
				if (j == 1) print "from :" main; else print "from :" (mark - 1)
				print "M 644 inline " path(i); print "data <<EOT"; print i " " j; print "EOT"
			}
			tip = mark; mark++
			print "commit refs/heads/main"; print "mark :" mark; print who
			print "data <<EOT"; print "Merge branch '\''s" i "'\''"; print "EOT"
			print "from :" main; print "merge :" tip
			print "M 644 inline " path(i); print "data <<EOT"; print i " 5"; print "EOT"
			print ":" tip >"tips"
			main = mark
		}
	}'
}

# notes_stream: one notes commit with a PASS verdict on every merged tip
# (fast-import picks the fanout), from ./tips and the exported ./marks.
notes_stream() {
	awk 'NR == FNR { tip[$1] = 1; next }
	     ($1 in tip) { oid[$1] = $2; order[++n] = $1 }
	     END {
		print "commit refs/notes/verdicts"
		print "committer Bench <bench@example.com> 1700000000 +0000"
		print "data <<EOT"; print "verdicts"; print "EOT"
		for (i = 1; i <= n; i++) {
			print "N inline " order[i]
			print "data <<EOT"
			print "Verdict: PASS"; print "Commit: " oid[order[i]]
			print "EOT"
		}
	}' tips marks
}

# make_history DIR N: a bare repository at DIR with N reviewed merges on main
# and their verdicts in refs/notes/verdicts.
make_history() {
	git init -q --bare "$1" &&
	(cd "$1" &&
	 history_stream "$2" | git fast-import --quiet --export-marks=marks &&
	 notes_stream | git fast-import --quiet --import-marks=marks &&
	 git update-ref -d refs/heads/side &&
	 rm -f marks tips)
}

# borrowed_repo DIR OBJECTS TIP [NOTES]: a bare repository DIR with the server
# gate, whose objects are OBJECTS (by alternates) and verdicts the notes commit
# NOTES, and no branch; DIR.in pushes TIP to main, which no protected branch
# has yet: fed to its pre-receive, the gate walks the whole history.
borrowed_repo() {
	git init -q --bare "$1" &&
	echo "$2" >"$1/objects/info/alternates" &&
	{ [ -z "$4" ] || git -C "$1" update-ref refs/notes/verdicts "$4"; } &&
	orch-hooks install --server "$1" >/dev/null 2>&1 &&
	printf '%s %s refs/heads/main\n' "$ZERO" "$3" >"$1.in"
}

# typical_push DIR BRANCHES: gives the repository DIR (made by make_history)
# BRANCHES branches and the server gate, and writes DIR.in: a push of one
# reviewed merge of 5 commits with its verdict, whose objects are already
# there (as after the quarantine): only the refs are still to move.
typical_push() {
	(cd "$1" &&
	 git rev-list --merges --parents main | head -n "$2" |
		awk '{ print "create refs/heads/b" NR " " $3 }' | git update-ref --stdin &&
	 orch-hooks install --server . >/dev/null 2>&1 &&
	 old=$(git rev-parse main) && old_notes=$(git rev-parse refs/notes/verdicts) &&
	 awk -v main="$old" 'BEGIN {
		who = "committer Bench <bench@example.com> 1700000001 +0000"
		for (j = 1; j <= 5; j++) {
			print "commit refs/bench/side"; print "mark :" j; print who
			print "data <<EOT"; print "new part " j; print "EOT"
			if (j == 1) print "from " main
			print "M 644 inline new.t"; print "data <<EOT"; print j; print "EOT"
		}
		print "commit refs/bench/main"; print "mark :6"; print who
		print "data <<EOT"; print "Merge branch '\''new'\''"; print "EOT"
		print "from " main; print "merge :5"
		print "M 644 inline new.t"; print "data <<EOT"; print 5; print "EOT"
	 }' | git fast-import --quiet &&
	 tip=$(git rev-parse refs/bench/side) &&
	 printf 'commit refs/bench/notes\ncommitter Bench <bench@example.com> 1700000001 +0000\ndata <<EOT\nverdict\nEOT\nfrom %s\nN inline %s\ndata <<EOT\nVerdict: PASS\nCommit: %s\nEOT\n' \
		"$old_notes" "$tip" "$tip" | git fast-import --quiet &&
	 printf '%s %s refs/heads/main\n%s %s refs/notes/verdicts\n' \
		"$old" "$(git rev-parse refs/bench/main)" "$old_notes" "$(git rev-parse refs/bench/notes)" >"../$1.in" &&
	 git update-ref -d refs/bench/side && git update-ref -d refs/bench/main &&
	 git update-ref -d refs/bench/notes)
}

# real_notes DIR TIP: one notes commit in DIR with a PASS verdict on every
# commit merged into TIP's history (a non-first parent of a merge).
real_notes() {
	git -C "$1" rev-list --merges --parents "$2" |
	awk '{ for (i = 3; i <= NF; i++) if (!($i in seen)) { seen[$i] = 1; print $i } }' |
	awk 'BEGIN {
		print "commit refs/notes/verdicts"
		print "committer Bench <bench@example.com> 1700000000 +0000"
		print "data <<EOT"; print "verdicts"; print "EOT"
	     }
	     { print "N inline " $1; print "data <<EOT"; print "Verdict: PASS"; print "Commit: " $1; print "EOT" }' |
	git -C "$1" fast-import --quiet
}
