#!/bin/sh
test_description='the server gate over real transports: file://, git daemon and ssh on loopback'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

SRV="$TRASH/srv"

# The servers started here are stopped here, whatever happens to the tests.
stop_servers() {
	for f in "$TRASH"/daemon.pid "$TRASH"/ssh/sshd.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
		rm -f "$f"
	done
	return 0
}
trap stop_servers EXIT

srv_refs() {
	git -C "$SRV/srv.git" for-each-ref --format='%(objectname) %(refname)' >"$1"
}

# A port nobody listens on now; the server started on it confirms it by answering.
some_port() {
	port=$(( 20000 + ($$ + ${1:-0} * 7919) % 30000 ))
	while ss -Htln "sport = :$port" 2>/dev/null | grep -q .; do
		port=$((port + 1))
	done
	echo "$port"
}

# wait_for CMD...: retry for up to 10 seconds.
wait_for() {
	n=0
	until "$@" >/dev/null 2>&1; do
		n=$((n + 1))
		[ $n -ge 100 ] && return 1
		sleep 0.1
	done
}

# The checks every transport must pass, against the server at URL.
transport_tests() {
	name=$1 url=$2

	test_expect_success "$name: a reviewed merge pushed with its notes is accepted" '
		(cd c && git reset -q --hard "$(git -C "$SRV/srv.git" rev-parse main)" &&
		 git checkout -q -b "$name-ok" main && test_commit "$name-ok" && git checkout -q main &&
		 orch-hooks verdict set PASS "$name-ok" 2>/dev/null &&
		 git merge -q --no-ff -m "Merge branch '\''$name-ok'\''" "$name-ok" &&
		 git push --atomic "$url" main refs/notes/verdicts 2>../err) &&
		test_grep "remote: orch-hooks: .main.: 2 commits new to protected branches, the verdicts of 1 merge checked: accepted" err &&
		git -C c rev-parse main refs/notes/verdicts >expect &&
		git -C "$SRV/srv.git" rev-parse main refs/notes/verdicts >actual &&
		test_cmp expect actual
	'

	test_expect_success "$name: a push big enough to arrive as a pack, notes included, is accepted" '
		(cd c && git checkout -q -b "$name-big" main &&
		 i=0 && while [ $i -lt 60 ]; do
			echo "$i" >"$name-big-$i.t" && git add "$name-big-$i.t" && git commit -q -m "big $i" || exit 1
			i=$((i + 1))
		 done &&
		 git checkout -q main && orch-hooks verdict set PASS "$name-big" 2>/dev/null &&
		 git merge -q --no-ff -m "Merge branch '\''$name-big'\''" "$name-big" &&
		 git push --atomic "$url" main refs/notes/verdicts 2>../err) &&
		test_grep "61 commits new to protected branches, the verdicts of 1 merge checked: accepted" err &&
		git -C c rev-parse main >expect && git -C "$SRV/srv.git" rev-parse main >actual &&
		test_cmp expect actual
	'

	test_expect_success "$name: an unreviewed merge is refused and no server ref changes" '
		(cd c && git checkout -q -b "$name-bad" main && test_commit "$name-bad" && git checkout -q main &&
		 git merge -q --no-ff -m "Merge branch '\''$name-bad'\''" "$name-bad" &&
		 git checkout -q -b "$name-side" && git checkout -q main) &&
		srv_refs before &&
		(cd c && test_must_fail git push "$url" main "$name-side" refs/notes/verdicts 2>../err) &&
		srv_refs after &&
		test_cmp before after &&
		test_grep "remote: orch-hooks: push to .refs/heads/main. refused" err &&
		test_grep "merges $(git -C c rev-parse "$name-bad") (.$name-bad.): no verdict" err &&
		test_grep "\[remote rejected\] main -> main (pre-receive hook declined)" err
	'

	test_expect_success "$name: deleting the branch or rewinding the notes is refused, nothing changes" '
		(cd c && git reset -q --hard HEAD^ &&
		 git update-ref refs/notes/verdicts refs/notes/verdicts^) &&
		srv_refs before &&
		(cd c && test_must_fail git push --force "$url" :main refs/notes/verdicts 2>../err) &&
		srv_refs after &&
		test_cmp before after &&
		test_grep "deleting protected branch .main. is refused" err &&
		test_grep "do not contain the server.s notes" err &&
		(cd c && git update-ref refs/notes/verdicts "$(git -C "$SRV/srv.git" rev-parse refs/notes/verdicts)")
	'
}

test_expect_success 'setup: a served bare repository with the gate, and a clone' '
	mkdir -p "$SRV" &&
	git init -q --bare "$SRV/srv.git" &&
	orch-hooks install --server "$SRV/srv.git" 2>/dev/null &&
	git init -q c &&
	(cd c && test_commit initial && git push -q "file://$SRV/srv.git" main 2>/dev/null) &&
	git -C c rev-parse main >expect && git -C "$SRV/srv.git" rev-parse main >actual &&
	test_cmp expect actual
'

transport_tests file "file://$SRV/srv.git"

# ---- git daemon --------------------------------------------------------
if [ -x "$(git --exec-path)/git-daemon" ]; then
	test_expect_success 'git daemon: started on 127.0.0.1' '
		tries=0 &&
		while :; do
			port=$(some_port $tries) &&
			git daemon --enable=receive-pack --export-all --base-path="$SRV" \
				--listen=127.0.0.1 --port="$port" --reuseaddr --informative-errors \
				--pid-file="$TRASH/daemon.pid" --detach "$SRV" &&
			if wait_for git ls-remote "git://127.0.0.1:$port/srv.git"; then break; fi
			stop_servers
			tries=$((tries + 1)) && [ $tries -lt 5 ] || exit 1
		done &&
		echo "$port" >daemon.port
	'
	daemon_port=$(cat daemon.port 2>/dev/null)
	if [ -n "$daemon_port" ]; then
		transport_tests daemon "git://127.0.0.1:$daemon_port/srv.git"
	else
		test_skip 'git daemon transport' 'git daemon did not start'
	fi
else
	test_skip 'git daemon transport' 'git daemon is not installed'
fi

# ---- ssh to an sshd on loopback ------------------------------------------
SSHD=/usr/sbin/sshd
if [ ! -x "$SSHD" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	say "installing openssh-server for the ssh transport"
	apt-get install -y -q openssh-server >/dev/null 2>&1
fi
if [ -x "$SSHD" ] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null; then
	ssh_to() {
		ssh -F /dev/null -i "$TRASH/ssh/user_key" -o IdentitiesOnly=yes -o BatchMode=yes \
			-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
			-p "$port" "$(cat "$TRASH/ssh/user")@127.0.0.1" "$@"
	}
	test_expect_success 'ssh: a throwaway sshd on 127.0.0.1 with throwaway keys' '
		mkdir -p ssh && chmod 700 ssh &&
		ssh-keygen -q -t ed25519 -N "" -f ssh/host_key &&
		ssh-keygen -q -t ed25519 -N "" -f ssh/user_key &&
		cp ssh/user_key.pub ssh/authorized_keys &&
		user=$(id -un) && echo "$user" >ssh/user &&
		{ [ "$(id -u)" != 0 ] || mkdir -p /run/sshd; } &&
		tries=0 &&
		while :; do
			port=$(some_port $((tries + 11))) &&
			cat >ssh/sshd_config <<-EOF &&
			Port $port
			ListenAddress 127.0.0.1
			HostKey $TRASH/ssh/host_key
			PidFile $TRASH/ssh/sshd.pid
			AuthorizedKeysFile $TRASH/ssh/authorized_keys
			AllowUsers $user
			PermitRootLogin prohibit-password
			PubkeyAuthentication yes
			PasswordAuthentication no
			KbdInteractiveAuthentication no
			StrictModes no
			UsePAM no
			SetEnv ASAN_OPTIONS=$ASAN_OPTIONS UBSAN_OPTIONS=$UBSAN_OPTIONS
			EOF
			"$SSHD" -t -f "$TRASH/ssh/sshd_config" &&
			{ "$SSHD" -f "$TRASH/ssh/sshd_config" -D -e 2>"$TRASH/ssh/sshd.log" </dev/null >/dev/null & } &&
			echo $! >ssh/sshd.pid &&
			if wait_for ssh_to true; then break; fi
			cat ssh/sshd.log >&2
			stop_servers
			tries=$((tries + 1)) && [ $tries -lt 5 ] || exit 1
		done &&
		echo "$port" >ssh/port
	'
	ssh_port=$(cat ssh/port 2>/dev/null)
	if [ -n "$ssh_port" ]; then
		GIT_SSH_COMMAND="ssh -F /dev/null -i '$TRASH/ssh/user_key' -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
		export GIT_SSH_COMMAND
		transport_tests ssh "ssh://$(cat ssh/user)@127.0.0.1:$ssh_port$SRV/srv.git"
	else
		say "sshd could not be started; its log:"
		sed 's/^/# /' ssh/sshd.log 2>/dev/null
		test_skip 'ssh transport' 'sshd could not be started here (see the log above)'
	fi
else
	test_skip 'ssh transport' 'openssh-server (sshd) or the ssh client is not installed'
fi

test_expect_success 'the servers stop' '
	stop_servers &&
	test_must_fail test -f daemon.pid &&
	test_must_fail test -f ssh/sshd.pid
'

test_done
