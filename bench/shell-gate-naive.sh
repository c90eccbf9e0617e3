#!/bin/sh
# The naive shell pre-receive gate: one `git notes show` per merged tip.
# The baseline of bench-server.sh; main is the protected branch.
new=
while read -r old new_oid ref; do
	[ "$ref" = refs/heads/main ] && new=$new_oid
done
[ -n "$new" ] || exit 0
git rev-list --merges --parents "$new" --not --all | while read -r merge first rest; do
	for tip in $rest; do
		git notes --ref=refs/notes/verdicts show "$tip" 2>/dev/null | grep -q '^Verdict: PASS$' || {
			echo "refused: merge $merge merges $tip, which has no PASS verdict" >&2
			exit 1
		}
	done
done
