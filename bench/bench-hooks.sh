#!/bin/sh
# Hook latency: what orch-hooks adds to an ordinary commit and to a merge,
# measured in one run against baselines, alternating runs to share the noise.
. "$(dirname "$0")/lib.sh"

cd "$BENCH_DIR"
status=0
hooks="pre-merge-commit prepare-commit-msg post-merge post-commit"

# A small repository with a reviewed branch ready to merge.
git init -q repo && cd repo
for i in 1 2 3 4 5 6 7 8 9 10; do echo "line $i" >"f$i"; done
git add . && git commit -qm base
git checkout -qb feat && echo feature >feature.txt && git add feature.txt && git commit -qm feat
git checkout -q main
base=$(git rev-parse main)
orch-hooks install >/dev/null 2>&1
printf '[branches]\nprotected = main\n[test]\ncommand = true\n' >.git/orch-hooks.ini
orch-hooks verdict set PASS feat >/dev/null 2>&1
mkdir -p ../hooks-orch ../hooks-true ../hooks-shell ../hooks-none
cp .git/hooks/orch-hooks-gate ../hooks-orch/
for h in $hooks; do
	[ -f ".git/hooks/$h" ] && cp ".git/hooks/$h" ../hooks-orch/
	printf '#!/bin/sh\nexit 0\n' >"../hooks-true/$h" && chmod +x "../hooks-true/$h"
done
# The shell gate a user would write by hand: look up the note, grep for PASS.
cat >../hooks-shell/pre-merge-commit <<'HOOK'
#!/bin/sh
for head in ${GIT_REFLOG_ACTION#merge }; do
	git notes --ref=refs/notes/verdicts show "$head" 2>/dev/null | grep -q '^Verdict: PASS$' || exit 1
done
HOOK
chmod +x ../hooks-shell/pre-merge-commit

use_hooks() { git config core.hooksPath "$BENCH_DIR/$1"; }

# ---- 1. an ordinary commit: orch-hooks vs empty hooks of the same names ----
: >../c-orch; : >../c-true
i=0
while [ $i -lt "$BENCH_RUNS" ]; do
	for kind in true orch; do
		use_hooks "hooks-$kind"
		echo "$kind $i" >>f1
		git add f1
		t0=$(now_ns); git commit -qm "c $kind $i"; t1=$(now_ns)
		echo $((t1 - t0)) >>"../c-$kind"
	done
	i=$((i + 1))
done
git reset -q --hard "$base"
c_true=$(median ../c-true); c_orch=$(median ../c-orch)

# ---- 2. a reviewed merge: no hooks, a shell hook, orch-hooks ----
# Every merge brings a branch never merged before, so its tree is new and
# the test gate really runs the tests (a tree tested once is not tested
# again). The branches and their verdicts are made before the clock runs.
: >../m-none; : >../m-shell; : >../m-orch
i=0
while [ $i -lt "$BENCH_RUNS" ]; do
	for kind in none shell orch; do
		git checkout -q -b "m-$kind-$i" "$base" && echo "$kind $i" >"m-$kind-$i.txt" &&
			git add "m-$kind-$i.txt" && git commit -qm "m $kind $i" && git checkout -q main &&
			orch-hooks verdict set PASS "m-$kind-$i" >/dev/null 2>&1 || exit 1
	done
	for kind in none shell orch; do
		use_hooks "hooks-$kind"
		git reset -q --hard "$base"
		t0=$(now_ns); git merge -q --no-ff -m merge "m-$kind-$i" >/dev/null 2>../m-err; t1=$(now_ns)
		git rev-parse -q --verify HEAD^2 >/dev/null || { echo "bench: the $kind merge did not happen" >&2; exit 1; }
		[ "$kind" != orch ] || grep -q "tests PASSED" ../m-err ||
			{ cat ../m-err >&2; echo "bench: the test gate did not run the tests" >&2; exit 1; }
		echo $((t1 - t0)) >>"../m-$kind"
	done
	i=$((i + 1))
done
m_none=$(median ../m-none); m_shell=$(median ../m-shell); m_orch=$(median ../m-orch)

echo "orch-hooks hook latency ($(date -u +%Y-%m-%d), $(nproc) cores, git $(git --version | cut -d' ' -f3), $BENCH_RUNS runs, medians)"
baseline "commit, empty hooks (baseline)" "$c_true"
report "commit, orch-hooks hooks" "$c_orch" "$c_true" 1.05 || status=1
baseline "merge --no-ff, no hooks (baseline)" "$m_none"
report "merge --no-ff, shell pre-merge-commit (notes show | grep)" "$m_shell" "$m_none" ""
report "merge --no-ff, orch-hooks (verdict + tests 'true' run)" "$m_orch" "$m_none" 2 || status=1
exit $status
