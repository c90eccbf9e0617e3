#!/bin/sh
test_description='the server gate decides from the repository alone: the pusher'"'"'s ORCH_HOOKS_* settings are ignored'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

# Over file:// the pushing process's whole environment reaches pre-receive.
test_expect_success 'setup: a gated server, and an unreviewed merge to push' '
	gated_server srv.git "file://$TRASH/srv.git" c &&
	(cd c &&
	 git checkout -q -b feat && test_commit feat && git checkout -q main &&
	 git merge -q --no-ff -m "Merge branch feat" feat) &&
	mkdir permissive &&
	printf "[branches]\nprotected = nothing-here\n[server]\nallow_direct = true\n" >permissive/orch-hooks.ini
'

test_expect_success 'control: the permissive policy would let the push in, were it the server'"'"'s' '
	git clone -q --bare srv.git copy.git &&
	cp permissive/orch-hooks.ini copy.git/orch-hooks.ini &&
	(cd c && git push "file://$TRASH/copy.git" main 2>../err)
'

test_expect_success 'ORCH_HOOKS_CONFIG and ORCH_HOOKS_SKIP of the pusher are ignored' '
	(cd c && refused_push "$TRASH/srv.git" ../err env ORCH_HOOKS_CONFIG="$TRASH/permissive/orch-hooks.ini" \
		ORCH_HOOKS_SKIP=1 git push origin main) &&
	test_grep "merges $(git -C c rev-parse feat): no verdict" err &&
	test_grep ! "GATE SKIPPED" err
'

test_expect_success 'ORCH_HOOKS_SYSCONFDIR of the pusher is ignored (a server without a policy file)' '
	mv srv.git/orch-hooks.ini srv-policy &&
	test_when_finished "mv \"$TRASH/srv-policy\" \"$TRASH/srv.git/orch-hooks.ini\"" &&
	(cd c && refused_push "$TRASH/srv.git" ../err env ORCH_HOOKS_SYSCONFDIR="$TRASH/permissive" git push origin main) &&
	test_grep "merges $(git -C c rev-parse feat): no verdict" err
'

test_expect_success 'ORCH_HOOKS_GATE_HOOK of the pusher cannot turn pre-receive into another hook' '
	(cd c && refused_push "$TRASH/srv.git" ../err env ORCH_HOOKS_GATE_HOOK=post-commit git push origin main) &&
	test_grep "merges $(git -C c rev-parse feat): no verdict" err
'

test_expect_success 'no ORCH_HOOKS_* variable reaches a chained pre-receive or the server tests' '
	printf "#!/bin/sh\nenv | grep ^ORCH_HOOKS_ >\"%s/seen\"; exit 0\n" "$TRASH" >srv.git/hooks/pre-receive.orch-chained &&
	chmod +x srv.git/hooks/pre-receive.orch-chained &&
	test_when_finished "rm -f \"$TRASH/srv.git/hooks/pre-receive.orch-chained\"" &&
	(cd c && refused_push "$TRASH/srv.git" ../err env ORCH_HOOKS_CONFIG="$TRASH/permissive/orch-hooks.ini" \
		ORCH_HOOKS_CHAIN_TIMEOUT_MS=1 ORCH_HOOKS_ANYTHING=x git push origin main) &&
	test -f seen && test_must_be_empty seen &&
	test_grep ! "chained hook .* failed" err
'

test_expect_success 'the server names a shared policy with pre-receive --config=FILE in a wrapper' '
	mv srv.git/hooks/pre-receive srv.git/hooks/pre-receive.real &&
	test_when_finished "mv \"$TRASH/srv.git/hooks/pre-receive.real\" \"$TRASH/srv.git/hooks/pre-receive\"" &&
	printf "#!/bin/sh\nexec \"\$(dirname \"\$0\")/pre-receive.real\" --config=\"%s\" \"\$@\"\n" \
		"$TRASH/permissive/orch-hooks.ini" >srv.git/hooks/pre-receive &&
	chmod +x srv.git/hooks/pre-receive &&
	(cd c && git push origin main 2>../err) &&
	git -C c rev-parse main >expect && git -C srv.git rev-parse main >actual &&
	test_cmp expect actual
'

test_done
