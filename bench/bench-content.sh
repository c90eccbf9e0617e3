#!/bin/sh
# The content rule's cost (never run in CI: it wants real histories).
#
#  1. Per merge, on the first-parent merges of a real repository: the
#     in-process check (t/helper/automerge --libgit2) against
#     `git merge-tree --write-tree` (--git), and how many merges each
#     reproduces. BENCH_CONTENT_REPO is the repository (default: cJSON from
#     ../shared/data/cjson.bundle); BENCH_CONTENT_MERGES how many merges,
#     spread evenly over its history (default 300), or drawn at random when
#     BENCH_CONTENT_SEED is set (the same seed, the same sample). The scratch
#     repository gets a commit-graph, as git's maintenance writes one
#     (BENCH_CONTENT_GRAPH=0: none, for git and orch-hooks alike);
#     BENCH_CONTENT_REAL_ONLY=1 stops after this part. The in-process check
#     runs with libgit2 set up as pre-receive sets it up (--server: no
#     re-hashing of objects read, no object cache), as the server runs it.
#     For git/git:
#         fetch it (the search tool's fetch gives /work/.mirror/git+git/repo), then
#         BENCH_CONTENT_REPO=/work/.mirror/git+git/repo make bench-content
#     The repository is only read: git merge-tree writes its trees into a
#     scratch repository that borrows the objects through alternates.
#  2. A push of 1,000 reviewed merges into an existing protected branch:
#     the pre-receive gate against the shell equivalent (git merge-tree per
#     merge, tree compared).
#  3. A typical push, one reviewed merge into a 20,000-merge repository:
#     this gate against an older build's pre-receive, when BENCH_OLD_HOOKS
#     names that build's hooks directory (else only this gate is timed).
. "$(dirname "$0")/lib.sh"
. "$ORCH_HOOKS_SRC/bench/history.sh"

AUTOMERGE="$ORCH_HOOKS_BUILD/t/helper/automerge"
NMERGES=${BENCH_CONTENT_MERGES:-300}
BIG=${BENCH_MERGES:-20000}
PUSH=${BENCH_CONTENT_PUSH:-1000}
cd "$BENCH_DIR"
[ -x "$AUTOMERGE" ] || die "build t/helper/automerge first (make check builds it)"

# ---- 1. real merges ----
if [ -n "$BENCH_CONTENT_REPO" ]; then
	src=$BENCH_CONTENT_REPO
	[ -d "$src/objects" ] || src=$(git -C "$src" rev-parse --absolute-git-dir) || die "no repository $src"
else
	git clone -q --bare "$ORCH_HOOKS_SRC/../shared/data/cjson.bundle" cjson.git 2>/dev/null ||
		die "no ../shared/data/cjson.bundle"
	src=$BENCH_DIR/cjson.git
fi
git init -q --bare real.git
echo "$src/objects" >real.git/objects/info/alternates
tip=$(git -C "$src" rev-parse HEAD)
git -C real.git update-ref refs/heads/main "$tip"
if [ "${BENCH_CONTENT_GRAPH:-1}" = 0 ]; then
	git -C real.git config core.commitGraph false
else
	git -C real.git commit-graph write --reachable || die "cannot write the commit-graph"
fi
total=$(git -C real.git rev-list --first-parent --merges main | wc -l)
step=$(( total / NMERGES )); [ "$step" -ge 1 ] || step=1
if [ -n "$BENCH_CONTENT_SEED" ]; then
	git -C real.git rev-list --first-parent --merges main |
		awk -v seed="$BENCH_CONTENT_SEED" 'BEGIN { srand(seed) } { print rand(), $0 }' |
		sort -n | head -n "$NMERGES" | cut -d' ' -f2 >sample
else
	git -C real.git rev-list --first-parent --merges main | awk -v s="$step" -v n="$NMERGES" \
		'NR % s == 0 && c < n { print; c++ }' >sample
fi
n=$(wc -l <sample)
for engine in libgit2 git; do
	server=; [ $engine = git ] || server=--server
	t0=$(now_ns)
	(cd real.git && /usr/bin/time -f "%U %S" -o "../$engine.cpu" "$AUTOMERGE" --$engine $server <../sample \
		>"../$engine.out") || die "automerge --$engine failed"
	t1=$(now_ns)
	eval "t_$engine=$((t1 - t0))"
	eval "cpu_$engine=$(awk '{ printf "%.0f", ($1 + $2) * 1e9 }' "$engine.cpu")"
done
(cd real.git && "$AUTOMERGE" <../sample >../gate.out) || die "automerge failed"
same() { grep -c " same " "$1"; }
grep " same " git.out | cut -d' ' -f1 | sort >same-git
grep " same " gate.out | cut -d' ' -f1 | sort >same-gate
missed=$(comm -23 same-git same-gate | wc -l)
echo "orch-hooks content rule ($(date -u +%Y-%m-%d), $(nproc) cores, git $(git --version | cut -d' ' -f3))"
echo "-- $n first-parent merges of $(basename "$(dirname "$src")")/$(basename "$src") ($total in all), $(git -C real.git ls-tree -r main | wc -l) files --"
echo "libgit2 in process reproduces:        $(same libgit2.out)"
echo "git merge-tree --write-tree reproduces: $(same git.out)"
echo "the gate (libgit2, then git) accepts:  $(same gate.out); merges git reproduces that it refuses: $missed"
echo "carrying changes of their own:        $((n - $(same gate.out)))"
baseline "git merge-tree --write-tree, per merge" "$((t_git / n))"
report "in-process check (libgit2), per merge" "$((t_libgit2 / n))" "$((t_git / n))" 0.25 || status=1
echo "-- the same, CPU time (user + system, children included: what a loaded machine does not inflate) --"
baseline "git merge-tree --write-tree, CPU per merge" "$((cpu_git / n))"
report "in-process check (libgit2), CPU per merge" "$((cpu_libgit2 / n))" "$((cpu_git / n))" 0.25 || status=1
[ -z "$BENCH_CONTENT_REAL_ONLY" ] || exit ${status:-0}

# ---- 2. a push of 1,000 reviewed merges into an existing protected branch ----
make_history push.git "$PUSH" || die "cannot build the history"
root=$(git -C push.git rev-list --max-parents=0 main)
new=$(git -C push.git rev-parse main)
git -C push.git update-ref refs/heads/main "$root"
orch-hooks install --server push.git >/dev/null 2>&1
printf '%s %s refs/heads/main\n' "$root" "$new" >push.in
cat >shell-content.sh <<'SH'
# The shell equivalent of the content rule: git merge-tree per first-parent merge.
read -r old new ref
git rev-list --first-parent --merges --parents "$new" --not "$old" |
while read -r m p1 p2; do
	t=$(git merge-tree --write-tree "$p1" "$p2") || exit 1
	[ "$t" = "$(git rev-parse "$m^{tree}")" ] || exit 1
done
SH
timed push-orch push.git push.in ./hooks/pre-receive
timed push-shell push.git push.in sh "$BENCH_DIR/shell-content.sh"
echo "-- a push of $PUSH reviewed merges into an existing protected branch (1 run; load average $(load)) --"
report_cpu "shell: git merge-tree per merge" push-shell push-shell ""
report_cpu "orch-hooks pre-receive (verdicts and content)" push-orch push-shell 0.1 || status=1

# ---- 3. a typical push into a big repository ----
make_history big.git "$BIG" || die "cannot build the history"
typical_push big.git 0 || die "cannot make the typical push"
i=0
while [ $i -lt "$BENCH_RUNS" ]; do
	timed t-new big.git big.git.in ./hooks/pre-receive
	[ -z "$BENCH_OLD_HOOKS" ] ||
		timed t-old big.git big.git.in env ORCH_HOOKS_LIBEXECDIR="$BENCH_OLD_HOOKS" "$BENCH_OLD_HOOKS/pre-receive"
	i=$((i + 1))
done
echo "-- a typical push: one reviewed merge into $BIG merges ($BENCH_RUNS runs, medians; load average $(load)) --"
if [ -n "$BENCH_OLD_HOOKS" ]; then
	report_cpu "the gate before the content rule ($BENCH_OLD_HOOKS)" t-old t-old ""
	report_cpu "the gate with the content rule" t-new t-old 1.5 || status=1
else
	report_cpu "the gate with the content rule" t-new t-new ""
fi
exit ${status:-0}
