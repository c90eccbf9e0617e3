#!/bin/sh
test_description='the hooks and commands run free of memory errors and leaks under valgrind memcheck'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# Only definite and indirect leaks count, and errors: libgit2 and its TLS
# library keep some memory reachable until exit on purpose.
VG_LOGS="$TRASH/vg"
VG="-q --leak-check=full --show-leak-kinds=definite,indirect
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99
	--log-file=$VG_LOGS/%p.log"
OH="$ORCH_HOOKS_BUILD/src/orch-hooks"

if ! command -v valgrind >/dev/null 2>&1; then
	test_skip 'valgrind memcheck' 'valgrind is not installed (apt-get install valgrind)'
	test_done
fi
if [ -n "$ORCH_HOOKS_SANITIZERS" ]; then
	test_skip 'valgrind memcheck' "the binaries are built with $ORCH_HOOKS_SANITIZERS; ASan and valgrind do not mix"
	test_done
fi

# vg ARGS...: orch-hooks under valgrind. Its exit status is the command's,
# or 99 for a memory error or leak.
vg() {
	# shellcheck disable=SC2086
	valgrind $VG "$OH" "$@"
}

# logs_clean MIN: at least MIN valgrind runs so far, and every log empty.
logs_clean() {
	n=$(ls "$VG_LOGS" | wc -l) &&
	test "$n" -ge "$1" || { echo "only $n valgrind runs, want $1 or more" >&2; return 1; }
	for f in "$VG_LOGS"/*.log; do
		if test -s "$f"; then
			echo "valgrind found problems ($f):" >&2
			cat "$f" >&2
			return 1
		fi
	done
}

test_expect_success 'setup: a repository whose hooks run under valgrind' '
	mkdir "$VG_LOGS" &&
	new_repo r &&
	(cd r && branch_with_commit feat f1 && branch_with_commit next f2 &&
	 # hooks linked with a static libc (configure: HAVE_STATIC_LIBC) give valgrind
	 # no heap to follow: their twins on the shared libc, the same code, run here.
	 if grep -q "^#define HAVE_STATIC_LIBC 1" "$ORCH_HOOKS_BUILD/config.h"; then
		cp "$ORCH_HOOKS_BUILD/hooks/gate-shared-libc" .git/hooks/orch-hooks-gate &&
		for h in pre-merge-commit prepare-commit-msg post-merge post-commit; do
			cp "$ORCH_HOOKS_BUILD/hooks/front-shared-libc" .git/hooks/$h || return 1
		done
	 fi &&
	 ldd .git/hooks/orch-hooks-gate | grep -q "libc\.so" &&
	 ldd .git/hooks/post-merge | grep -q "libc\.so" &&
	 for h in pre-merge-commit prepare-commit-msg post-merge post-commit; do
		mv .git/hooks/$h .git/hooks/$h.real &&
		printf "#!/bin/sh\nexec valgrind --trace-children=yes %s \"\$0.real\" \"\$@\"\n" "$(echo $VG)" >.git/hooks/$h &&
		chmod +x .git/hooks/$h || return 1
	 done)
'

test_expect_success 'a refused merge, then refused again when concluded with git commit' '
	(cd r && test_must_fail git merge --no-ff -m m feat 2>../err &&
	 test_must_fail git commit -q --no-edit 2>>../err && git merge --abort) &&
	test_grep "feat. at commit .*: no verdict" err &&
	test_grep ! "valgrind\|==[0-9]*==" err &&
	logs_clean 2
'

test_expect_success 'verdict set, verdict show, policy and status' '
	(cd r && vg verdict set PASS feat 2>../err &&
	 vg verdict show feat >../out &&
	 test_must_fail vg verdict show next >>../out &&
	 vg policy >>../out &&
	 vg status >>../out && vg status --json >>../out) &&
	test_grep "feat: PASS" out &&
	test_grep "next: no verdict" out &&
	logs_clean 8
'

test_expect_success 'an accepted merge and an ordinary commit' '
	(cd r && git merge --no-ff -q -m "merge feat" feat && test_commit after-merge) &&
	logs_clean 11
'

test_expect_success 'land: a reviewed branch merged by the real git merge, hooks and all' '
	(cd r && vg verdict set PASS next 2>/dev/null && vg land next 2>../err) &&
	git -C r rev-parse next >expect && git -C r rev-parse HEAD^2 >actual && test_cmp expect actual &&
	logs_clean 14
'

test_expect_success 'error paths: a bad policy, an unknown revision, a bad note' '
	printf "[branches]\nprotected = main\n[bogus]\n" >bad.ini &&
	(cd r && branch_with_commit third f3 &&
	 (ORCH_HOOKS_CONFIG="$TRASH/bad.ini" && export ORCH_HOOKS_CONFIG &&
	  test_must_fail vg policy 2>../err &&
	  test_must_fail git merge --no-ff -m m third 2>>../err &&
	  test_must_fail git commit -q --no-edit 2>>../err) &&
	 git merge --abort &&
	 test_must_fail vg verdict show no-such-rev 2>>../err &&
	 git notes --ref=refs/notes/verdicts add -f -m "looks fine" HEAD &&
	 test_must_fail vg verdict show HEAD >../out) &&
	test_grep "unknown section \[bogus\]" err &&
	test_grep "commit refused: the merge gate cannot decide" err &&
	test_grep "unreadable verdict" out &&
	logs_clean 19
'

test_expect_success 'the configured upstream, another remote, and a signature the policy requires' '
	git init -q --bare up.git && git init -q --bare other.git &&
	(cd r && git push -q ../up.git main && git push -q ../other.git main &&
	 git remote add up ../up.git && git remote add other ../other.git &&
	 git fetch -q up && git branch -q --set-upstream-to=up/main main &&
	 git clone -q ../up.git ../w && cd ../w && test_commit w1 && git push -q origin main &&
	 git push -q ../other.git main:main &&
	 cd ../r && git fetch -q up && git fetch -q other &&
	 git checkout -q -b sig main && test_commit sig && git checkout -q main &&
	 git merge -q --ff-only up/main 2>../err &&
	 printf "[branches]\nprotected = main\nrequire_signed = true\n" >.git/orch-hooks.ini &&
	 vg verdict set PASS sig 2>>../err &&
	 test_must_fail git merge --no-ff -m m sig 2>>../err && git merge --abort) &&
	test_grep "an update from upstream" err &&
	test_grep "untrusted verdict: unsigned" err &&
	logs_clean 22
'

test_done
