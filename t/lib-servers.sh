# Real servers for transport tests: a git daemon on 127.0.0.1 and an sshd on
# loopback. Source after t/lib.sh. Every server started here is stopped by
# stop_servers, which also runs when the script exits, whatever happens.
#
#   start_daemon DIR REPO   serve DIR; once REPO answers, sets daemon_url_base
#                           (git://127.0.0.1:PORT) and writes the port to
#                           $TRASH/daemon.port; returns 1 if it cannot start
#   start_sshd              throwaway keys in $TRASH/ssh and an sshd that accepts
#                           them; sets ssh_url_base (ssh://USER@127.0.0.1:PORT),
#                           writes $TRASH/ssh/port, exports GIT_SSH_COMMAND
#   run_sshd KEYS SETENV READY...  the sshd loop alone, for scripts with their own
#                           keys (gitolite): READY is retried until it succeeds
#   start_transports DIR    the above as tests, for every script that wants
#                           them all (serving DIR/srv.git, made if absent);
#                           TRANSPORTS lists the ones that started
#   test_servers_stop       a test that stop_servers leaves none running
#   transport_url T REPO    the URL of DIR/REPO over transport T
#
# Start them inside test_expect_success: variables set there do not outlive
# the test, so read the port files (or transport_url) afterwards.

stop_servers() {
	for f in "$TRASH"/daemon.pid "$TRASH"/ssh/sshd.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
		rm -f "$f"
	done
	return 0
}
trap stop_servers EXIT
test_done_hook=stop_servers

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

start_daemon() {
	[ -x "$(git --exec-path)/git-daemon" ] || return 1
	tries=0
	while :; do
		port=$(some_port $tries) &&
		git daemon --enable=receive-pack --export-all --base-path="$1" \
			--listen=127.0.0.1 --port="$port" --reuseaddr --informative-errors \
			--pid-file="$TRASH/daemon.pid" --detach "$1" &&
		if wait_for git ls-remote "git://127.0.0.1:$port/$2"; then
			daemon_url_base="git://127.0.0.1:$port"
			echo "$port" >"$TRASH/daemon.port"
			return 0
		fi
		stop_servers
		tries=$((tries + 1)) && [ $tries -lt 5 ] || return 1
	done
}

# The ssh client command for the throwaway key KEY (default: user_key).
ssh_command() {
	echo "ssh -F /dev/null -i '$TRASH/ssh/${1:-user_key}' -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
}

# ssh_to CMD...: run CMD over ssh on the sshd being started (on $port).
ssh_to() {
	eval "$(ssh_command)" -p "$port" '"$(cat "$TRASH/ssh/user")@127.0.0.1"' '"$@"'
}

SSHD=/usr/sbin/sshd
have_sshd() {
	[ -x "$SSHD" ] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null
}

# run_sshd AUTHORIZED_KEYS SETENV READY...: start sshd on a free port, accepting
# the keys in AUTHORIZED_KEYS, with SETENV added to the logins' environment;
# it is up when READY (which may use $port) succeeds. Needs $TRASH/ssh/host_key
# and $TRASH/ssh/user.
run_sshd() {
	keys=$1 setenv=$2 && shift 2 &&
	user=$(cat "$TRASH/ssh/user") &&
	{ [ "$(id -u)" != 0 ] || mkdir -p /run/sshd; } || return 1
	tries=0
	while :; do
		port=$(some_port $((tries + 11)))
		cat >"$TRASH/ssh/sshd_config" <<-EOC
		Port $port
		ListenAddress 127.0.0.1
		HostKey $TRASH/ssh/host_key
		PidFile $TRASH/ssh/sshd.pid
		AuthorizedKeysFile $keys
		AllowUsers $user
		PermitRootLogin prohibit-password
		PubkeyAuthentication yes
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		StrictModes no
		UsePAM no
		SetEnv ${setenv:+$setenv }ASAN_OPTIONS=$ASAN_OPTIONS UBSAN_OPTIONS=$UBSAN_OPTIONS
		EOC
		"$SSHD" -t -f "$TRASH/ssh/sshd_config" || return 1
		{ "$SSHD" -f "$TRASH/ssh/sshd_config" -D -e 2>"$TRASH/ssh/sshd.log" </dev/null >/dev/null & }
		echo $! >"$TRASH/ssh/sshd.pid"
		if wait_for "$@"; then
			echo "$port" >"$TRASH/ssh/port"
			return 0
		fi
		cat "$TRASH/ssh/sshd.log" >&2
		stop_servers
		tries=$((tries + 1)) && [ $tries -lt 5 ] || return 1
	done
}

start_sshd() {
	have_sshd || return 1
	mkdir -p "$TRASH/ssh" && chmod 700 "$TRASH/ssh" &&
	ssh-keygen -q -t ed25519 -N "" -f "$TRASH/ssh/host_key" &&
	ssh-keygen -q -t ed25519 -N "" -f "$TRASH/ssh/user_key" &&
	cp "$TRASH/ssh/user_key.pub" "$TRASH/ssh/authorized_keys" &&
	id -un >"$TRASH/ssh/user" &&
	run_sshd "$TRASH/ssh/authorized_keys" "" ssh_to true || return 1
	ssh_url_base="ssh://$(cat "$TRASH/ssh/user")@127.0.0.1:$port"
	GIT_SSH_COMMAND=$(ssh_command)
	export GIT_SSH_COMMAND
}

start_transports() {
	TRANSPORT_DIR=$1
	TRANSPORTS=file
	if [ -x "$(git --exec-path)/git-daemon" ]; then
		test_expect_success 'git daemon: started on 127.0.0.1' '
			{ test -d "$TRANSPORT_DIR/srv.git" || { mkdir -p "$TRANSPORT_DIR" &&
				git init -q --bare "$TRANSPORT_DIR/srv.git"; }; } &&
			start_daemon "$TRANSPORT_DIR" srv.git
		'
		if [ -s "$TRASH/daemon.port" ]; then
			TRANSPORTS="$TRANSPORTS daemon"
		else
			test_skip 'git daemon transport' 'git daemon did not start'
		fi
	else
		test_skip 'git daemon transport' 'git daemon is not installed'
	fi
	if have_sshd; then
		test_expect_success 'ssh: a throwaway sshd on 127.0.0.1 with throwaway keys' '
			start_sshd
		'
		if [ -s "$TRASH/ssh/port" ]; then
			TRANSPORTS="$TRANSPORTS ssh"
			GIT_SSH_COMMAND=$(ssh_command)
			export GIT_SSH_COMMAND
		else
			say "sshd could not be started; its log:"
			sed 's/^/# /' "$TRASH/ssh/sshd.log" 2>/dev/null
			test_skip 'ssh transport' 'sshd could not be started here (see the log above)'
		fi
	else
		test_skip 'ssh transport' 'openssh-server (sshd) or the ssh client is not installed'
	fi
}

# test_servers_stop: the last test of a script that started servers.
test_servers_stop() {
	test_expect_success 'the servers stop' '
		stop_servers &&
		test_must_fail test -f daemon.pid &&
		test_must_fail test -f ssh/sshd.pid
	'
}

transport_url() {
	case $1 in
	file) echo "file://$TRANSPORT_DIR/$2" ;;
	daemon) echo "git://127.0.0.1:$(cat "$TRASH/daemon.port")/$2" ;;
	ssh) echo "ssh://$(cat "$TRASH/ssh/user")@127.0.0.1:$(cat "$TRASH/ssh/port")$TRANSPORT_DIR/$2" ;;
	esac
}
