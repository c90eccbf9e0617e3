#!/bin/sh
test_description='a real gitolite3 over ssh on 127.0.0.1, the gate installed as a repo-specific hook'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-servers.sh"

# gitolite runs with its HOME here (where it keeps .gitolite.rc, repositories/
# and .ssh/authorized_keys); sshd sets that HOME for every login it serves.
GL="$TRASH/gitolite"
SSHD=/usr/sbin/sshd

# as USER git ARGS...: git over ssh with USER's key (gitolite tells users apart by key).
as() {
	u=$1 && shift &&
	GIT_SSH_COMMAND=$(ssh_command "$u") "$@"
}

# Up when gitolite answers the admin on the sshd being started (on $port).
gitolite_answers() {
	as admin git ls-remote "ssh://$(cat "$TRASH/ssh/user")@127.0.0.1:$port/gitolite-admin"
}

srv_refs() {
	git -C "$GL/repositories/proj.git" for-each-ref --format='%(objectname) %(refname)' >"$1"
}

if ! command -v gitolite >/dev/null 2>&1 || [ ! -x "$SSHD" ]; then
	test_skip 'gitolite' 'gitolite3 or openssh-server is not installed (scripts/deps.sh installs them)'
	test_done
fi

test_expect_success 'setup: gitolite3 with LOCAL_CODE and repo-specific hooks' '
	mkdir -p "$GL" ssh && chmod 700 ssh &&
	for u in admin alice bob; do ssh-keygen -q -t ed25519 -N "" -C "$u" -f "ssh/$u" || exit 1; done &&
	HOME="$GL" gitolite setup -pk ssh/admin.pub >gl-setup.log 2>&1 &&
	test -f "$GL/.gitolite.rc" &&
	sed -i -e "s|^\( *\)# LOCAL_CODE *=> *\"\$ENV{HOME}/local\",|\1LOCAL_CODE => \"\$ENV{HOME}/local\",|" \
	       -e "s|^\( *\)# \(.repo-specific-hooks.,\)|\1\2|" "$GL/.gitolite.rc" &&
	grep -q "^ *LOCAL_CODE => \"\$ENV{HOME}/local\"," "$GL/.gitolite.rc" &&
	grep -q "^ *.repo-specific-hooks.," "$GL/.gitolite.rc" &&
	mkdir -p "$GL/local/hooks/repo-specific" &&
	cat >"$GL/local/hooks/repo-specific/orch-hooks" <<-EOF &&
	#!/bin/sh
	# the gate for gitolite: run by gitolite as hooks/pre-receive.hNN-orch-hooks
	ORCH_HOOKS_LIBEXECDIR="$ORCH_HOOKS_LIBEXECDIR" ORCH_HOOKS_SYSCONFDIR="$ORCH_HOOKS_SYSCONFDIR"
	export ORCH_HOOKS_LIBEXECDIR ORCH_HOOKS_SYSCONFDIR
	exec "$ORCH_HOOKS_BUILD/src/orch-hooks" hook pre-receive "\$@"
	EOF
	chmod +x "$GL/local/hooks/repo-specific/orch-hooks"
'

test_expect_success 'setup: sshd on 127.0.0.1 serving gitolite-shell' '
	user=$(id -un) && echo "$user" >ssh/user &&
	ssh-keygen -q -t ed25519 -N "" -f ssh/host_key &&
	run_sshd "$GL/.ssh/authorized_keys" "HOME=$GL" gitolite_answers &&
	echo "ssh://$user@127.0.0.1:$port" >url
'
URL=$(cat url 2>/dev/null)

test_expect_success 'the admin configures users, the notes rule and the gate for every repository' '
	as admin git clone -q "$URL/gitolite-admin" admin &&
	cp ssh/alice.pub ssh/bob.pub admin/keydir/ &&
	cat >admin/conf/gitolite.conf <<-\EOF &&
	repo gitolite-admin
	    RW+                         =   admin

	# alice lands reviewed merges on main and pushes verdicts; notes only
	# move forward (orch-hooks sync/push merge them), so RW is enough there.
	# bob may push main, but has no rule for the notes.
	repo proj
	    RW+ feat/                   =   alice bob
	    RW  main                    =   alice bob
	    RW  refs/notes/verdicts     =   alice
	    RW+ refs/notes/remotes/     =   alice

	repo @all
	    option hook.pre-receive     =   orch-hooks
	EOF
	(cd admin && git add -A && git commit -q -m "users, proj, the gate" &&
	 as admin git push -q origin HEAD 2>../err) &&
	test -L "$GL/repositories/proj.git/hooks/pre-receive" &&
	test -L "$GL/repositories/proj.git/hooks/pre-receive.h00-orch-hooks" &&
	ORCH_HOOKS_SYSCONFDIR="$ORCH_HOOKS_SYSCONFDIR" orch-hooks doctor "$GL/repositories/proj.git" >out &&
	test_grep "runs the push gate (gitolite.s repo-specific hooks)" out
'

test_expect_success 'gitolite-admin is never protected by accident: the admin still pushes to master' '
	test -L "$GL/repositories/gitolite-admin.git/hooks/pre-receive.h00-orch-hooks" &&
	(cd admin && git branch --show-current >../admin-branch &&
	 echo "# a comment" >>conf/gitolite.conf && git commit -q -am "a direct commit on the admin branch" &&
	 as admin git push origin HEAD 2>../err) &&
	test_grep "gitolite-admin is gitolite.s own configuration: the gate does not apply there" err &&
	git -C admin rev-parse HEAD >expect &&
	git -C "$GL/repositories/gitolite-admin.git" rev-parse "$(cat admin-branch)" >actual &&
	test_cmp expect actual
'

test_expect_success 'alice: an atomic push of a reviewed merge and its verdict is accepted through gitolite' '
	git init -q alice && (cd alice && test_commit initial &&
	 git remote add origin "$URL/proj" && orch-hooks install >/dev/null 2>&1 &&
	 as alice git push -q origin main 2>/dev/null &&
	 git checkout -q -b feat/ok main && test_commit ok && git checkout -q main &&
	 orch-hooks verdict set PASS feat/ok 2>/dev/null &&
	 git merge -q --no-ff -m "Merge feat/ok" feat/ok &&
	 as alice git push --atomic origin main refs/notes/verdicts 2>../err) &&
	test_grep "checked: accepted by the gate" err &&
	git -C alice rev-parse main refs/notes/verdicts >expect &&
	git -C "$GL/repositories/proj.git" rev-parse main refs/notes/verdicts >actual &&
	test_cmp expect actual
'

test_expect_success 'alice: an unreviewed merge is refused through gitolite, nothing changes' '
	(cd alice && git checkout -q -b feat/bad main && test_commit bad && git checkout -q main &&
	 ORCH_HOOKS_SKIP="testing the server" git merge -q --no-ff -m "Merge feat/bad" feat/bad 2>/dev/null) &&
	srv_refs before &&
	(cd alice && test_must_fail as alice git push --atomic origin main feat/bad refs/notes/verdicts 2>../err) &&
	srv_refs after && test_cmp before after &&
	test_grep "remote: orch-hooks: push to .refs/heads/main. refused" err &&
	test_grep "no verdict" err &&
	(cd alice && git reset -q --hard HEAD^)
'

test_expect_success 'bob has no notes rule: the atomic push is denied by gitolite after the gate, and nothing changes' '
	git clone -q -b main "$GL/repositories/proj.git" bob 2>/dev/null &&
	(cd bob && git remote set-url origin "$URL/proj" && orch-hooks install >/dev/null 2>&1 &&
	 as bob git fetch -q origin "+refs/notes/*:refs/notes/*" &&
	 git checkout -q -b feat/bob main && test_commit bob && git checkout -q main &&
	 orch-hooks verdict set PASS feat/bob 2>/dev/null &&
	 git merge -q --no-ff -m "Merge feat/bob" feat/bob) &&
	srv_refs before &&
	(cd bob && test_must_fail as bob git push --atomic origin main refs/notes/verdicts 2>../err) &&
	srv_refs after && test_cmp before after &&
	test_grep "accepted by the gate (the server.s own access rules still decide the whole push)" err &&
	test_grep "DENIED\|denied" err
'

test_expect_success 'alice lands with orch-hooks push through gitolite (RW on the notes is enough)' '
	(cd alice && as alice git fetch -q origin && git checkout -q -b feat/two main && test_commit two &&
	 git checkout -q main && orch-hooks verdict set PASS feat/two 2>/dev/null &&
	 git merge -q --no-ff -m "Merge feat/two" feat/two &&
	 as alice orch-hooks push 2>../err) &&
	test_grep "pushed main and refs/notes/verdicts" err &&
	git -C alice rev-parse main refs/notes/verdicts >expect &&
	git -C "$GL/repositories/proj.git" rev-parse main refs/notes/verdicts >actual &&
	test_cmp expect actual
'

test_expect_success 'a gitolite compile keeps the gate (it rewrites hooks/pre-receive)' '
	HOME="$GL" gitolite setup >/dev/null 2>&1 &&
	orch-hooks doctor "$GL/repositories/proj.git" >out &&
	test_grep "runs the push gate" out
'

test_expect_success 'sshd stops' '
	stop_servers && test_must_fail test -f ssh/sshd.pid
'

test_done
