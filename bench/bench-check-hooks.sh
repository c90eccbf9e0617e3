#!/bin/sh
# The hooks' regression guard, in instructions (valgrind --tool=callgrind
# --trace-children=yes: every process git starts, git included), not time:
#  - a reviewed `git merge --no-ff` onto a protected branch whose test
#    command (`true`) really runs (each merge brings a tree never tested
#    before), with the hooks installed, against the same merge with no hooks:
#    at most MERGE_BUDGET times;
#  - an ordinary commit with the hooks against hooks of the same names that
#    only `exit 0`: at most COMMIT_BUDGET times.
# Both ratios come from one run on one repository, so they hold on any
# machine's load; the kernel's share (fork, exec, page faults) is not counted.
. "$(dirname "$0")/lib.sh"

# The merge's budget is the issue's goal, 2.0x: what it costs now (1.87x on
# Debian 12, libgit2 1.5.1, the front ends' share before they exec the gate
# included, the snapshot taken without git add) plus 7%, a guard against
# regressions (doc/benchmarks.md says where the instructions go).
MERGE_BUDGET=${MERGE_BUDGET:-2.0}
COMMIT_BUDGET=${COMMIT_BUDGET:-1.05}
command -v valgrind >/dev/null 2>&1 || { echo "bench-check-hooks: valgrind is needed (scripts/deps.sh)" >&2; exit 1; }

cd "$BENCH_DIR"
hooks="pre-merge-commit prepare-commit-msg post-merge post-commit"
git init -q repo && cd repo &&
for i in 1 2 3 4 5 6 7 8 9 10; do echo "line $i" >"f$i"; done &&
git add . && git commit -qm base &&
orch-hooks install >/dev/null 2>&1 &&
printf '[branches]\nprotected = main\n[test]\ncommand = true\n' >.git/orch-hooks.ini &&
mkdir ../hooks-true ../hooks-none &&
for h in $hooks; do printf '#!/bin/sh\nexit 0\n' >"../hooks-true/$h" && chmod +x "../hooks-true/$h" || exit 1; done ||
	exit 1
base=$(git rev-parse main)

# instructions NAME COMMAND...: the instructions of COMMAND and all its children.
# A program that execs another (a front end handing over to the gate) is
# profiled up to the exec too (--dump-before=execve: cg.PID.1), or its share
# would be lost. A forked process writes a profile holding a copy of its
# parent's counts so far, under the parent's command line: of the profiles
# naming the same command line only the first (lowest pid) counts.
instructions() {
	name=$1; shift
	rm -f "../cg.$name".*
	valgrind -q --tool=callgrind --trace-children=yes --dump-before=execve \
		--callgrind-out-file="$BENCH_DIR/cg.$name.%p" "$@" \
		>/dev/null 2>"../err.$name" || { cat "../err.$name" >&2; return 1; }
	for f in "../cg.$name".*; do
		pid=${f#../cg.$name.}
		printf '%s\t%s\t%s\n' "${pid%%.*}" "$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$f")" \
			"$(sed -n 's/^cmd: *//p' "$f")"
	done | sort -n | awk -F '\t' '{ if (seen[$3]++) next; s += $2 } END { print s }'
}

# A new reviewed branch each time: its merge makes a tree never tested before.
new_branch() {
	git checkout -q -b "feat$1" "$base" && echo "feature $1" >"feat$1.txt" && git add "feat$1.txt" &&
		git commit -qm "feat $1" && git checkout -q main && git reset -q --hard "$base" &&
		orch-hooks verdict set PASS "feat$1" >/dev/null 2>&1
}

# settle: the work tree as it is after a while, not racily clean. Files
# written in the same second as the index make git re-hash them on its next
# read, which happened to one run and not another (0.1 M of a 2.9 M merge).
settle() {
	git ls-files -z | xargs -0 touch -d "@$(($(date +%s) - 10))" && git update-index -q --really-refresh
}

git config core.hooksPath "$BENCH_DIR/hooks-none" && new_branch 1 && settle &&
m_none=$(instructions merge-none git merge -q --no-ff -m merge feat1) &&
git rev-parse -q --verify HEAD^2 >/dev/null && git config --unset core.hooksPath && new_branch 2 && settle &&
m_orch=$(instructions merge-orch git merge -q --no-ff -m merge feat2) &&
git rev-parse -q --verify HEAD^2 >/dev/null || { echo "bench-check-hooks: a merge failed" >&2; exit 1; }
grep -q "tests PASSED" ../err.merge-orch ||
	{ cat ../err.merge-orch >&2; echo "bench-check-hooks: the test gate did not run the tests" >&2; exit 1; }

git reset -q --hard "$base" && git config core.hooksPath "$BENCH_DIR/hooks-true" &&
echo a >>f1 && git add f1 && settle && c_true=$(instructions commit-true git commit -qm a) &&
git config --unset core.hooksPath &&
echo b >>f1 && git add f1 && settle && c_orch=$(instructions commit-orch git commit -qm b) ||
	{ echo "bench-check-hooks: a commit failed" >&2; exit 1; }

status=0
check() {
	r=$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", a / b }')
	if awk -v r="$r" -v t="$4" 'BEGIN { exit !(r > t) }'; then
		echo "bench-check-hooks: OVER BUDGET: $1: $2 instructions against $3, ${r}x (budget ${4}x)"
		status=1
	else
		echo "bench-check-hooks: ok: $1: $2 instructions against $3, ${r}x (budget ${4}x)"
	fi
}
check "reviewed merge, tests run, vs no hooks" "$m_orch" "$m_none" "$MERGE_BUDGET"
check "ordinary commit vs empty hooks" "$c_orch" "$c_true" "$COMMIT_BUDGET"
exit $status
