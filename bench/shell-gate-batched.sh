#!/bin/sh
# The careful shell pre-receive gate a user would write: three git commands
# whatever the size of the push (one rev-list of the merges with their
# parents, one notes list, one cat-file --batch of the notes), checked in awk.
# The baseline of bench-server.sh; main is the protected branch.
notes=refs/notes/verdicts
new=
while read -r old new_oid ref; do
	case $ref in
	refs/heads/main) new=$new_oid ;;
	refs/notes/verdicts) notes=$new_oid ;;	# the notes as they will be after the push
	esac
done
[ -n "$new" ] || exit 0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
git rev-list --merges --parents "$new" --not --all >"$tmp/merges" || exit 1
# "<blob> <annotated commit>", fanout directories joined.
git ls-tree -r "$notes" 2>/dev/null |
	awk -F '\t' '{ split($1, f, " "); p = $2; gsub("/", "", p); print f[3], p }' >"$tmp/notes"
# The note blobs of the merged tips, in one batch.
awk 'NR == FNR { blob[$2] = $1; next }
     { for (i = 3; i <= NF; i++) if ($i in blob) print blob[$i] }' \
	"$tmp/notes" "$tmp/merges" | git cat-file --batch >"$tmp/texts" || exit 1
awk -v notes="$tmp/notes" -v texts="$tmp/texts" '
	BEGIN {
		while ((getline l <notes) > 0) { split(l, f, " "); blob[f[2]] = f[1] }
		while ((getline l <texts) > 0) {
			if (l ~ /^[0-9a-f]+ blob [0-9]+$/) { split(l, f, " "); cur = f[1]; continue }
			if (l == "Verdict: PASS") pass[cur] = 1
		}
	}
	{
		for (i = 3; i <= NF; i++)
			if (!(($i in blob) && (blob[$i] in pass))) {
				print "refused: merge " $1 " merges " $i ", which has no PASS verdict" >"/dev/stderr"
				bad = 1
			}
	}
	END { exit bad }' "$tmp/merges"
