# orch-hooks test library: sourced by every t/tNNNN-*.sh script.
#
# Each script runs sealed in its own trash directory with its own HOME, fixed
# identities and dates, and the freshly built orch-hooks first on PATH. Tests
# print TAP. Every step, setup included, belongs inside a test body chained
# with &&, so that a failing step fails its test.
#
#   test_expect_success 'title' 'body'   run body; it must succeed
#   test_expect_failure 'title' 'body'   a known breakage: body fails today
#   test_must_fail CMD...                 CMD must exit non-zero (not by a signal)
#   test_when_finished 'cmd'              run cmd after this test, pass or fail
#   test_done                             print the plan and exit

: "${ORCH_HOOKS_BUILD:?run the tests with make check (ORCH_HOOKS_BUILD is not set)}"
: "${ORCH_HOOKS_SRC:=$ORCH_HOOKS_BUILD}"

this_test=$(basename "$0" .sh)
TRASH="$ORCH_HOOKS_BUILD/t/trash.$this_test"
rm -rf "$TRASH" && mkdir -p "$TRASH" || exit 1
TRASH=$(cd "$TRASH" && pwd -P)

# Seal the environment.
for v in $(env | sed -n 's/^\(GIT_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
unset ORCH_HOOKS_CONFIG ORCH_HOOKS_SKIP EMAIL XDG_CONFIG_HOME
export HOME="$TRASH" TZ=UTC LC_ALL=C LANG=C
export GIT_CONFIG_NOSYSTEM=1
# Never discover a repository above the trash directory (the source tree is one).
export GIT_CEILING_DIRECTORIES="$(dirname "$TRASH")"
export GIT_AUTHOR_NAME='A U Thor' GIT_AUTHOR_EMAIL='author@example.com'
export GIT_COMMITTER_NAME='C O Mitter' GIT_COMMITTER_EMAIL='committer@example.com'
export GIT_AUTHOR_DATE='1700000000 +0000' GIT_COMMITTER_DATE='1700000000 +0000'
export GIT_MERGE_AUTOEDIT=no GIT_EDITOR=true
export PATH="$ORCH_HOOKS_BUILD/src:$PATH"
export ORCH_HOOKS_LIBEXECDIR="$ORCH_HOOKS_BUILD/hooks"
export ORCH_HOOKS_SYSCONFDIR="$ORCH_HOOKS_SRC/etc"
export ORCH_HOOKS_KILL_GRACE_MS=500
# Leak checking is for valgrind runs; ASan's leak checker needs ptrace, which
# sandboxes may forbid.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
git config --global init.defaultBranch main
git config --global advice.detachedHead false
git config --global protocol.file.allow always

test_count=0
test_failed=0
test_cleanup=
test_tick_time=1700000000
cd "$TRASH" || exit 1

say() { printf '# %s\n' "$*"; }

# process_gone PID: the process is dead (or a zombie nobody reaped yet) within
# 5 s. A process just sent SIGKILL still shows in /proc for a moment: poll.
process_gone() {
	_pg_i=0
	while [ $_pg_i -lt 50 ]; do
		kill -0 "$1" 2>/dev/null || return 0
		case "$(ps -o stat= -p "$1" 2>/dev/null)" in Z*) return 0;; esac
		sleep 0.1
		_pg_i=$((_pg_i + 1))
	done
	echo "process $1 is still running" >&2
	return 1
}

test_when_finished() {
	test_cleanup="{ $*
		} && (exit \"\$eval_ret\"); eval_ret=\$?; $test_cleanup"
}

test_expect_success() {
	test_count=$((test_count + 1))
	test_title=$1
	test_body=$2
	test_cleanup=:
	out="$TRASH/.test-output"
	(
		eval_ret=0
		exec >"$out" 2>&1
		set -x
		eval "$test_body"
		eval_ret=$?
		set +x
		eval "$test_cleanup"
		exit $eval_ret
	)
	ret=$?
	cd "$TRASH" || exit 1
	if [ $ret -eq 0 ]; then
		echo "ok $test_count - $test_title"
		[ -n "$ORCH_TEST_VERBOSE" ] && sed 's/^/#   /' "$out"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $test_title"
		sed 's/^/#   /' "$out"
	fi
	return 0
}

# A known breakage, as in git's t/: the body describes what should hold and
# does not yet. TAP's TODO makes its failure expected (XFAIL) and its
# success a surprise that fails the run (XPASS), so a fix is noticed.
test_expect_failure() {
	test_count=$((test_count + 1))
	out="$TRASH/.test-output"
	(
		exec >"$out" 2>&1
		set -x
		eval "$2"
	)
	ret=$?
	cd "$TRASH" || exit 1
	if [ $ret -eq 0 ]; then
		echo "ok $test_count - $1 # TODO known breakage vanished"
	else
		echo "not ok $test_count - $1 # TODO known breakage"
	fi
	[ -n "$ORCH_TEST_VERBOSE" ] && sed 's/^/#   /' "$out"
	return 0
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

test_done() {
	echo "1..$test_count"
	# What a library started (servers) keeps its pid files in the trash
	# directory: stop it before that directory goes.
	[ -z "$test_done_hook" ] || $test_done_hook
	if [ "$test_failed" -eq 0 ] && [ -z "$ORCH_TEST_KEEP" ]; then
		cd "$ORCH_HOOKS_BUILD" && chmod -R u+w "$TRASH" 2>/dev/null; rm -rf "$TRASH"
	fi
	[ "$test_failed" -eq 0 ]
	exit $?
}

# CMD must fail with an ordinary exit status, not crash or be killed.
test_must_fail() {
	"$@"
	ret=$?
	if [ $ret -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ $ret -gt 129 ] && [ $ret -lt 192 ]; then
		# 129 is a usage error (as in git), not SIGHUP.
		echo "test_must_fail: '$*' died of signal $((ret - 128))" >&2
		return 1
	fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2"
}

# grep that shows what it looked at when it fails.
test_grep() {
	if [ "$1" = "!" ]; then
		shift
		if grep "$@"; then echo "test_grep: found what should be absent: $*" >&2; return 1; fi
		return 0
	fi
	grep "$@" && return 0
	eval "last=\${$#}"
	echo "test_grep: no match for '$*' in:" >&2
	cat "$last" >&2 2>/dev/null
	return 1
}

test_tick() {
	test_tick_time=$((test_tick_time + 60))
	GIT_COMMITTER_DATE="$test_tick_time +0000"
	GIT_AUTHOR_DATE="$test_tick_time +0000"
	export GIT_COMMITTER_DATE GIT_AUTHOR_DATE
}

# test_commit MESSAGE [FILE [CONTENT]]: one commit with one file changed.
test_commit() {
	file=${2:-$1.t}
	mkdir -p "$(dirname "$file")" &&
	printf '%s\n' "${3:-$1}" >"$file" &&
	git add -- "$file" &&
	test_tick &&
	git commit -q -m "$1"
}

# new_repo DIR: a repository on main with one commit and the gate installed.
new_repo() {
	git init -q "$1" &&
	(cd "$1" && test_commit initial && orch-hooks install >/dev/null 2>&1)
}

# reviewed_branch BRANCH [FILE [CONTENT]]: BRANCH off main with one commit
# (test_commit BRANCH FILE CONTENT), back on main, a PASS verdict on its tip.
reviewed_branch() {
	git checkout -q -b "$1" main &&
	test_commit "$1" "${2:-$1.t}" "${3:-$1}" &&
	git checkout -q main &&
	orch-hooks verdict set PASS "$1" 2>/dev/null
}

# branch_with_commit BRANCH FILE: BRANCH off main with one commit adding FILE.
branch_with_commit() {
	git checkout -q -b "$1" main &&
	test_commit "$2" "$2" &&
	git checkout -q main
}

# merge_undone CMD...: in repository r, CMD (a merge; its messages in err, the
# whole seconds it took in took) succeeds and leaves HEAD where it was.
merge_undone() {
	git -C r rev-parse HEAD >before &&
	start=$(date +%s) &&
	(cd r && "$@" 2>../err) &&
	echo $(( $(date +%s) - start )) >took &&
	git -C r rev-parse HEAD >after &&
	test_cmp before after
}

# json FILE EXPR...: each python3 expression must hold for the object d in FILE
# (r: its reviews by name, b: its branches by name).
json() {
	file=$1 && shift &&
	python3 - "$file" "$@" <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	r = {x["name"]: x for x in d.get("reviews", [])}
	b = {x["branch"]: x for x in d.get("branches", [])}
	for e in sys.argv[2:]:
	    if not eval(e):
	        sys.exit("does not hold: %s\n%s" % (e, json.dumps(d, indent=1)))
	PY
}

# rc_is N: the exit status kept in the file rc.
rc_is() {
	echo "$1" >expect.rc && test_cmp expect.rc rc
}

test_must_be_empty() {
	if [ -s "$1" ]; then
		echo "'$1' is not empty:" >&2
		cat "$1" >&2
		return 1
	fi
}
