#!/bin/sh
test_description='one gate program per repository: the hooks are light front ends that hand over to it'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

hooks="pre-merge-commit prepare-commit-msg post-merge post-commit"
gate="$ORCH_HOOKS_LIBEXECDIR/orch-hooks-gate"

# size FILE: its size in bytes.
size() { wc -c <"$1" | tr -d " "; }

test_expect_success 'install copies the gate once and the front end under every hook name' '
	new_repo r &&
	test_cmp "$gate" r/.git/hooks/orch-hooks-gate &&
	for h in $hooks; do
		test_cmp "$ORCH_HOOKS_LIBEXECDIR/$h" r/.git/hooks/$h &&
		test_cmp r/.git/hooks/pre-merge-commit r/.git/hooks/$h || return 1
	done &&
	# the front end holds no libgit2: it is a small fraction of the gate (but for
	# a sanitizer build, where both carry the sanitizers runtime)
	{ test -n "$ORCH_HOOKS_SANITIZERS" ||
	  test $(( $(size r/.git/hooks/post-merge) * 4 )) -lt $(size r/.git/hooks/orch-hooks-gate); } &&
	! grep -q -a git_repository_open r/.git/hooks/post-merge &&
	ls r/.git/hooks | grep -v "\.sample$" | sort >installed &&
	printf "%s\n" orch-hooks-gate $hooks | sort >expect &&
	test_cmp expect installed
'

test_expect_success 'the front end refuses a merge it cannot hand over, naming the gate' '
	printf "[branches]\nprotected = main\n[test]\ncommand = true\n" >r/.git/orch-hooks.ini &&
	(cd r && branch_with_commit feat f1 && orch-hooks verdict set PASS feat 2>/dev/null) &&
	mv r/.git/hooks/orch-hooks-gate gate.saved &&
	test_when_finished "mv gate.saved r/.git/hooks/orch-hooks-gate" &&
	(cd r && test_must_fail git merge --no-ff -m m feat 2>../err && git merge --abort) &&
	test_grep "cannot run .*orch-hooks-gate.* the gate cannot decide, so it refuses" err &&
	test_must_fail git -C r rev-parse -q --verify HEAD^2
'

test_expect_success 'a front end under a name it does not know refuses' '
	cp r/.git/hooks/post-merge r/.git/hooks/pre-push &&
	test_when_finished "rm -f r/.git/hooks/pre-push" &&
	(cd r && test_must_fail .git/hooks/pre-push origin url 2>../err) &&
	test_grep "not a hook orch-hooks knows" err
'

test_expect_success 'an upgrade replaces the per-hook copies of the gate of an older install' '
	git init -q old && (cd old && test_commit initial) &&
	# the older layout: the gate itself under the names of the hooks that need libgit2
	cp "$gate" old/.git/hooks/pre-merge-commit && cp "$gate" old/.git/hooks/post-merge &&
	cp "$gate" old/.git/hooks/orch-hooks-gate &&
	cp "$ORCH_HOOKS_LIBEXECDIR/prepare-commit-msg" "$ORCH_HOOKS_LIBEXECDIR/post-commit" old/.git/hooks/ &&
	orch-hooks install old 2>err &&
	test_grep "updated .*old/.git/hooks/pre-merge-commit" err &&
	test_grep "updated .*old/.git/hooks/post-merge" err &&
	for h in $hooks; do
		test_cmp "$ORCH_HOOKS_LIBEXECDIR/$h" old/.git/hooks/$h || return 1
	done &&
	(cd old && branch_with_commit feat f && test_must_fail git merge --no-ff -m m feat 2>../err &&
	 git merge --abort) &&
	test_grep "merge into protected branch .main. refused" err
'

test_expect_success 'a bare server repository gets the gate itself as pre-receive, once' '
	git init -q --bare srv.git &&
	orch-hooks install --server srv.git 2>err &&
	test_cmp "$gate" srv.git/hooks/pre-receive &&
	ls srv.git/hooks | grep -v "\.sample$" >installed &&
	echo pre-receive >expect &&
	test_cmp expect installed &&
	(cd r && git push -q ../srv.git main 2>../err) &&
	git init -q clone && (cd clone && git pull -q ../srv.git main && git checkout -q -b unrev &&
	 test_commit unreviewed && git checkout -q main && git merge -q --no-ff -m m unrev &&
	 test_must_fail git push ../srv.git main 2>../err) &&
	test_grep "refused\|rejected" err
'

test_expect_success 'orch-hooks hook pre-receive runs the gate under the hook name' '
	printf "0000000000000000000000000000000000000000 %s refs/heads/side\n" \
		"$(git -C srv.git rev-parse main)" >in &&
	(cd srv.git && GIT_DIR=. orch-hooks hook pre-receive <../in 2>../err) &&
	test_grep ! "not a hook" err
'

test_expect_success 'a linked worktree uses the one gate in the common hooks directory' '
	printf "[branches]\nprotected = main release\n[test]\ncommand = true\n" >r/.git/orch-hooks.ini &&
	git -C r branch release main &&
	git -C r worktree add -q ../wt release &&
	(cd wt && git checkout -q -b unrev release && test_commit wt-unrev &&
	 git checkout -q release && test_must_fail git merge --no-ff -m m unrev 2>../err && git merge --abort) &&
	test_grep "merge into protected branch .release. refused" err &&
	! test -e wt/.git/hooks
'

test_expect_success 'an absolute core.hooksPath gets the gate beside the front ends' '
	git init -q hp && (cd hp && test_commit initial && git config core.hooksPath "$TRASH/hp-hooks" &&
	 orch-hooks install >/dev/null 2>&1) &&
	test_cmp "$gate" hp-hooks/orch-hooks-gate &&
	test_cmp "$ORCH_HOOKS_LIBEXECDIR/post-merge" hp-hooks/post-merge &&
	(cd hp && branch_with_commit feat f && test_must_fail git merge --no-ff -m m feat 2>../err &&
	 git merge --abort) &&
	test_grep "merge into protected branch .main. refused" err
'

test_expect_success 'the statically linked gate, and the front end beside it, load no shared library but libc' '
	if grep -q "^#define HAVE_STATIC_LIBC 1" "$ORCH_HOOKS_BUILD/config.h"
	then
		# libc too: no dynamic loader runs at their start
		for p in "$gate" "$ORCH_HOOKS_LIBEXECDIR/post-merge"
		do
			! readelf -l "$p" | grep -q "INTERP\|DYNAMIC" || return 1
		done
	elif grep -q "^#define HAVE_STATIC_GATE 1" "$ORCH_HOOKS_BUILD/config.h"
	then
		for p in "$gate" "$ORCH_HOOKS_LIBEXECDIR/post-merge"
		do
			ldd "$p" >libs &&
			! grep -v "linux-vdso\|libc\.so\|ld-linux\|libasan\|libubsan\|libstdc\|libgcc\|libm\.so\|libdl\|libpthread\|librt" libs ||
			return 1
		done
	fi
'

test_expect_success 'the statically linked gate carries no SSH, OpenSSL or TLS code (nothing to relocate at start)' '
	if grep -q "^#define HAVE_STATIC_GATE 1" "$ORCH_HOOKS_BUILD/config.h"
	then
		nm "$gate" >syms &&
		test_grep " T __wrap_git_smart_subtransport_ssh$" syms &&
		! grep " T \(libssh2_session_handshake\|EVP_DigestInit_ex\|mbedtls_ssl_handshake\)$" syms
	fi
'

test_done
