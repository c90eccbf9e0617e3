#!/bin/sh
test_description='random notes trees read by orch-hooks and by git notes list: the same notes, joined ones unreadable'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# t5620 pins the layouts one by one through a real push; this holds the
# reader (t/helper/notes-read: the whole index, the lookup by path and the
# entries added by path) against git's own reading of many random trees, as
# the notes-tree fuzzer does against a model. Each entry gets a blob of its
# own six bytes ("nNNNN\n"), so a note git joined from two entries is known
# by its size and must be one orch-hooks calls unreadable.
READ="$ORCH_HOOKS_BUILD/t/helper/notes-read"
SEED=${ORCH_HOOKS_TEST_SEED:-5625}
TREES=${ORCH_HOOKS_TEST_TREES:-150}

# The commits the notes are for: the first two share four digits, the third
# two, so their fan-out directories meet.
TARGETS="0123456789abcdef0123456789abcdef01234567 0123ffffffffffffffffffffffffffffffffffff
01aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa abcdefabcdefabcdefabcdefabcdefabcdefabcd"

# plan: for tree i, lines "i<TAB>path<TAB>mode<TAB>blob-number": up to eight
# entries, each a target in one of the layouts below, no path twice.
plan() {
	awk -v seed="$SEED" -v trees="$TREES" -v targets="$TARGETS" '
	function up(s) { return toupper(s) }
	function path(h, layout) {
		if (layout == 0) return h				# flat
		if (layout == 1) return up(h)				# upper-case flat
		if (layout == 2) return substr(h, 1, 2) "/" substr(h, 3)	# 2/38
		if (layout == 3) return substr(h, 1, 2) "/" substr(h, 3, 2) "/" substr(h, 5)
		if (layout == 4) return substr(h, 1, 2) "/" substr(h, 3, 2) "/" substr(h, 5, 2) "/" substr(h, 7)
		if (layout == 5) return substr(h, 1, 3) "/" substr(h, 4)	# odd split
		if (layout == 6) return substr(h, 1, 1) "/" substr(h, 2)	# odd split
		if (layout == 7) return up(substr(h, 1, 2)) "/" substr(h, 3)
		if (layout == 8) return substr(h, 1, 2) "/" up(substr(h, 3))
		if (layout == 9) return h ".txt"			# not a note name
		if (layout == 10) return substr(h, 1, 39)		# too short
		if (layout == 11) return substr(h, 1, 4) "/" substr(h, 5)	# four-digit directory
		if (layout == 12) return substr(h, 1, 2)		# a file named like a fan-out directory
		if (layout == 13) return h "/x"				# a directory where the note would be
		return substr(h, 1, 2) "/" substr(h, 3, 2)		# a file named like the next level
	}
	BEGIN {
		srand(seed)
		nt = split(targets, t, /[ \n]+/)
		for (i = 1; i <= trees; i++) {
			delete seen
			n = 1 + int(rand() * 8)
			for (e = 1; e <= n; e++) {
				p = path(t[1 + int(rand() * nt)], int(rand() * 15))
				if (p in seen)
					continue
				seen[p] = 1
				r = rand()
				mode = r < 0.75 ? "100644" : r < 0.9 ? "100755" : "120000"
				printf "%d\t%s\t%s\t%d\n", i, p, mode, e
			}
		}
	}'
}

# build_trees: writes every planned tree with one `git mktree --batch` per
# depth, deepest first, and prints "i<TAB>tree" for each.
build_trees() {
	: >ids &&
	for depth in 4 3 2 1 0; do
		awk -F'\t' -v depth=$depth -v keys=keys '
		function join(c, k,   s, j) { s = ""; for (j = 1; j <= k; j++) s = s (j > 1 ? "/" : "") c[j]; return s }
		function node(key, d) { if (!(key in nd)) { nd[key] = d; order[++nr] = key } }
		FILENAME == ARGV[1] { blob[FNR] = $1; next }
		FILENAME == ARGV[2] { id[$1] = $2; next }
		{
			n = split($2, c, "/")
			node($1 ":", 0)
			for (k = 1; k < n; k++) {
				parent = $1 ":" join(c, k - 1); child = $1 ":" join(c, k)
				node(child, k)
				if (!((parent, c[k]) in dirs)) { dirs[parent, c[k]] = 1; lines[parent] = lines[parent] "D\t" c[k] "\t" child "\n" }
			}
			lines[$1 ":" join(c, n - 1)] = lines[$1 ":" join(c, n - 1)] "F\t" c[n] "\t" $3 " blob " blob[$4] "\n"
		}
		END {
			for (o = 1; o <= nr; o++) {
				key = order[o]
				if (nd[key] != depth)
					continue
				m = split(lines[key], l, "\n")
				for (j = 1; j < m; j++) {
					split(l[j], f, "\t")
					if (f[1] == "F") print f[3] "\t" f[2]
					else print "040000 tree " id[f[3]] "\t" f[2]
				}
				print ""
				print key >keys
			}
		}' ../blobs ids ../plan >batch &&
		if test -s keys; then
			git mktree --batch <batch >out && paste keys out >>ids && rm keys || return 1
		fi
	done &&
	sed -n "s/^\([0-9]*\):\t/\1\t/p" ids
}

# git_reads: for each tree of built (lines "i<TAB>tree"), what `git notes
# list` reads from a notes commit of it, in notes-read's format: "COMMIT
# BLOB" per note, "COMMIT unreadable" where git joined two or more entries
# (a blob longer than one entry's six bytes).
git_reads() {
	while read i tree; do
		git notes --ref=t$i list | sed "s/^/$tree /" || return 1
	done <built >listed &&
	cut -d" " -f2 listed | git cat-file --batch-check="%(objectsize)" >sizes &&
	paste -d" " listed sizes >joined-sizes &&
	while read i tree; do
		echo "$tree" &&
		awk -v t=$tree "\$1 == t { print \$3, (\$4 == 6 ? \$2 : \"unreadable\") }" joined-sizes | sort &&
		echo || return 1
	done <built
}

test_expect_success 'setup: a repository with one blob per entry number' '
	git init -q r && cd r &&
	for k in 1 2 3 4 5 6 7 8; do printf "n%04d\n" $k >"../n$k" || return 1; done &&
	git hash-object -w ../n1 ../n2 ../n3 ../n4 ../n5 ../n6 ../n7 ../n8 >../blobs &&
	test $(wc -l <../blobs) = 8 &&
	plan >../plan && test -s ../plan
'

test_expect_success "$TREES random notes trees: orch-hooks reads what git reads (seed $SEED)" '
	cd r &&
	build_trees >built && test $(wc -l <built) -eq $TREES &&
	awk "{ print \"commit refs/notes/t\" \$1; print \"committer C <c@example.com> 1700000000 +0000\";
	       print \"data 0\"; print \"M 040000 \" \$2 \" \\\"\\\"\"; print \"\" }" built | git fast-import --quiet &&
	git for-each-ref --format="%(refname:lstrip=2)	%(tree)" "refs/notes/t*" | sed "s/^t//" | sort -n >stored &&
	sort -n built | test_cmp - stored &&
	"$READ" $(cut -f2 built) >../orch-reads &&
	git_reads >../git-reads &&
	test $(grep -c "^\$" ../git-reads) -eq $TREES &&
	test_cmp ../git-reads ../orch-reads
'

test_expect_success 'the random trees hold notes of each kind: one, joined, and trees with none' '
	awk "NF == 1 { if (seen) kind[k]++; seen = 1; k = \"none\"; next }
	     \$2 == \"unreadable\" { k = \"joined\" } NF == 2 && k == \"none\" { k = \"one\" }
	     END { kind[k]++; print kind[\"none\"] + 0, kind[\"one\"] + 0, kind[\"joined\"] + 0 }" orch-reads >kinds &&
	read none one joined <kinds && say "trees: $none with no note, $one with notes, $joined with a joined note" &&
	test $none -ge 5 && test $one -ge 5 && test $joined -ge 5
'

test_expect_success 'an entry the reader would miss is caught: a hand-made difference fails the comparison' '
	cd r &&
	F=0123456789abcdef0123456789abcdef01234567 &&
	tree=$(printf "100644 blob %s\t%s\n" "$(sed -n 1p ../blobs)" "$F" | git mktree) &&
	git update-ref refs/notes/check "$(git commit-tree -m check "$tree")" &&
	"$READ" "$tree" | sed 1d | sed "/^\$/d" >orch &&
	git notes --ref=check list >git &&
	awk "{ print \$2, \$1 }" git >expect && test_cmp expect orch &&
	echo "$F unreadable" >orch && test_must_fail test_cmp expect orch
'

test_done
