# Real transports for server tests: sourced after t/lib.sh.
#
#   start_transports DIR   start git daemon and sshd on 127.0.0.1 serving the
#                          bare repositories under DIR, which must hold srv.git
#                          already (each start is a test)
#   TRANSPORTS             "file", then "daemon" and "ssh" when they started
#   transport_url T REPO   the URL of DIR/REPO over transport T
#
# The servers are stopped when the script exits, whatever happens.

transports_stop() {
	for f in "$TRASH"/daemon.pid "$TRASH"/ssh/sshd.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
		rm -f "$f"
	done
	return 0
}
trap transports_stop EXIT

# A port nobody listens on now; the server started on it confirms it by answering.
transports_port() {
	port=$(( 20000 + ($$ + ${1:-0} * 7919) % 30000 ))
	while ss -Htln "sport = :$port" 2>/dev/null | grep -q .; do
		port=$((port + 1))
	done
	echo "$port"
}

# transports_wait CMD...: retry for up to 10 seconds.
transports_wait() {
	n=0
	until "$@" >/dev/null 2>&1; do
		n=$((n + 1))
		[ $n -ge 100 ] && return 1
		sleep 0.1
	done
}

transports_ssh() {
	ssh -F /dev/null -i "$TRASH/ssh/user_key" -o IdentitiesOnly=yes -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-p "$(cat "$TRASH/ssh/port.try")" "$(cat "$TRASH/ssh/user")@127.0.0.1" "$@"
}

start_transports() {
	TRANSPORT_DIR=$1
	TRANSPORTS=file
	if [ -x "$(git --exec-path)/git-daemon" ]; then
		test_expect_success 'git daemon: started on 127.0.0.1' '
			tries=0 &&
			while :; do
				port=$(transports_port $tries) &&
				git daemon --enable=receive-pack --export-all --base-path="$TRANSPORT_DIR" \
					--listen=127.0.0.1 --port="$port" --reuseaddr --informative-errors \
					--pid-file="$TRASH/daemon.pid" --detach "$TRANSPORT_DIR" &&
				if transports_wait git ls-remote "git://127.0.0.1:$port/srv.git"; then break; fi
				transports_stop
				tries=$((tries + 1)) && [ $tries -lt 5 ] || exit 1
			done &&
			echo "$port" >"$TRASH/daemon.port"
		'
		if [ -s "$TRASH/daemon.port" ]; then
			TRANSPORTS="$TRANSPORTS daemon"
		else
			test_skip 'git daemon transport' 'git daemon did not start'
		fi
	else
		test_skip 'git daemon transport' 'git daemon is not installed'
	fi
	SSHD=/usr/sbin/sshd
	if [ -x "$SSHD" ] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null; then
		test_expect_success 'ssh: a throwaway sshd on 127.0.0.1 with throwaway keys' '
			mkdir -p "$TRASH/ssh" && chmod 700 "$TRASH/ssh" &&
			ssh-keygen -q -t ed25519 -N "" -f "$TRASH/ssh/host_key" &&
			ssh-keygen -q -t ed25519 -N "" -f "$TRASH/ssh/user_key" &&
			cp "$TRASH/ssh/user_key.pub" "$TRASH/ssh/authorized_keys" &&
			user=$(id -un) && echo "$user" >"$TRASH/ssh/user" &&
			{ [ "$(id -u)" != 0 ] || mkdir -p /run/sshd; } &&
			tries=0 &&
			while :; do
				port=$(transports_port $((tries + 11))) && echo "$port" >"$TRASH/ssh/port.try" &&
				cat >"$TRASH/ssh/sshd_config" <<-EOF &&
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
				echo $! >"$TRASH/ssh/sshd.pid" &&
				if transports_wait transports_ssh true; then break; fi
				cat "$TRASH/ssh/sshd.log" >&2
				transports_stop
				tries=$((tries + 1)) && [ $tries -lt 5 ] || exit 1
			done &&
			mv "$TRASH/ssh/port.try" "$TRASH/ssh/port"
		'
		if [ -s "$TRASH/ssh/port" ]; then
			TRANSPORTS="$TRANSPORTS ssh"
			GIT_SSH_COMMAND="ssh -F /dev/null -i '$TRASH/ssh/user_key' -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
			export GIT_SSH_COMMAND
		else
			test_skip 'ssh transport' 'sshd could not be started here'
		fi
	else
		test_skip 'ssh transport' 'openssh-server (sshd) or the ssh client is not installed'
	fi
}

transport_url() {
	case $1 in
	file) echo "file://$TRANSPORT_DIR/$2" ;;
	daemon) echo "git://127.0.0.1:$(cat "$TRASH/daemon.port")/$2" ;;
	ssh) echo "ssh://$(cat "$TRASH/ssh/user")@127.0.0.1:$(cat "$TRASH/ssh/port")$TRANSPORT_DIR/$2" ;;
	esac
}
