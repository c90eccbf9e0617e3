# Shared helpers of the benchmarks: timing, medians, a sealed environment.
: "${ORCH_HOOKS_BUILD:?run benchmarks with make bench}"
: "${ORCH_HOOKS_SRC:=$ORCH_HOOKS_BUILD}"

BENCH_RUNS=${BENCH_RUNS:-21}
BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/orch-hooks-bench.XXXXXX")
[ -n "$BENCH_KEEP" ] || trap 'rm -rf "$BENCH_DIR"' EXIT

for v in $(env | sed -n 's/^\(GIT_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
export HOME="$BENCH_DIR" TZ=UTC LC_ALL=C GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
export GIT_EDITOR=true GIT_MERGE_AUTOEDIT=no
export PATH="$ORCH_HOOKS_BUILD/src:$PATH"
export ORCH_HOOKS_LIBEXECDIR="$ORCH_HOOKS_BUILD/hooks"
export ORCH_HOOKS_SYSCONFDIR="$ORCH_HOOKS_SRC/etc"
git config --global init.defaultBranch main

now_ns() { date +%s%N; }

# median FILE: the median of the numbers in FILE, one a line.
median() {
	sort -n "$1" | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B with two decimals.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

ms() {
	awk -v n="$1" 'BEGIN { printf "%.2f", n / 1e6 }'
}

# report NAME VALUE_NS BASE_NS TARGET: one result line; returns 1 when over target.
report() {
	r=$(ratio "$2" "$3")
	verdict=ok
	if [ -n "$4" ] && awk -v r="$r" -v t="$4" 'BEGIN { exit !(r > t) }'; then
		verdict="OVER TARGET"
	fi
	printf '%-58s %9s ms  %6sx  (target <= %sx) %s\n' "$1" "$(ms "$2")" "$r" "${4:--}" "$verdict"
	[ "$verdict" = ok ]
}

# baseline NAME VALUE_NS: the line the next results are measured against (1.00x, no target).
baseline() {
	report "$1" "$2" "$2" ""
}

ZERO=0000000000000000000000000000000000000000

die() { echo "bench: $*" >&2; exit 1; }

# bench_clock FILE CMD...: runs its arguments and writes "WALL_NS CPU_NS" to the
# file $1: wall-clock time, and CPU time (user + system) of the command and of
# every process it started and waited for (getrusage RUSAGE_CHILDREN, in
# microseconds: GNU time prints only hundredths). CPU time is what a loaded
# machine inflates least: a process waiting for a core is not charged.
BENCH_PYTHON=${BENCH_PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
[ -n "$BENCH_PYTHON" ] || { echo "bench: python3 is needed (scripts/deps.sh)" >&2; exit 1; }
bench_clock() {
	"$BENCH_PYTHON" -c '
import resource, subprocess, sys, time
t0 = time.monotonic_ns()
rc = subprocess.call(sys.argv[2:])
t1 = time.monotonic_ns()
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write("%d %d\n" % (t1 - t0, round((ru.ru_utime + ru.ru_stime) * 1e9)))
sys.exit(rc)' "$@"
}

# timed OUT DIR INPUT CMD...: runs CMD in the bare repository DIR with INPUT
# (relative to $BENCH_DIR unless absolute) on stdin, appends its wall-clock
# time in ns to OUT and its CPU time in ns to OUT.cpu; CMD must accept.
timed() {
	out=$1 dir=$2 input=$3
	case $input in /*) ;; *) input=$BENCH_DIR/$input ;; esac
	shift 3
	(cd "$dir" && GIT_DIR=. bench_clock "$BENCH_DIR/clock" "$@" <"$input" >/dev/null 2>"$BENCH_DIR/err") ||
		{ cat "$BENCH_DIR/err" >&2; die "'$*' refused in $dir"; }
	read -r wall cpu <"$BENCH_DIR/clock"
	echo "$wall" >>"$out"
	echo "$cpu" >>"$out.cpu"
}

# report_cpu NAME OUT BASE TARGET: one result line for the samples OUT against
# BASE: the median CPU time and its ratio, which the TARGET applies to, then
# the median wall-clock time and its ratio; returns 1 when over target.
report_cpu() {
	c=$(median "$2.cpu") cb=$(median "$3.cpu") w=$(median "$2") wb=$(median "$3")
	r=$(ratio "$c" "$cb")
	verdict=ok
	if [ -n "$4" ] && awk -v r="$r" -v t="$4" 'BEGIN { exit !(r > t) }'; then
		verdict="OVER TARGET"
	fi
	printf '%-58s cpu %9s ms %6sx  wall %9s ms %6sx  (target <= %sx) %s\n' "$1" "$(ms "$c")" "$r" \
		"$(ms "$w")" "$(ratio "$w" "$wb")" "${4:--}" "$verdict"
	[ "$verdict" = ok ]
}

# load: the load averages (1, 5, 15 minutes), to print beside the figures.
load() {
	cut -d' ' -f1-3 /proc/loadavg
}

# write_floor: $BENCH_DIR/floor.sh, what any server gate must do for a push
# read on stdin: list the new merges and the notes.
write_floor() {
	cat >"$BENCH_DIR/floor.sh" <<'SH'
read -r old new ref
git rev-list --count --merges "$new" --not --all >/dev/null &&
git notes --ref=refs/notes/verdicts list >/dev/null
SH
}
