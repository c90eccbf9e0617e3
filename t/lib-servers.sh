# Starting and stopping a git daemon on 127.0.0.1 and an sshd on loopback for
# a test script (the same way t5100 does). Source after t/lib.sh; then
#   start_daemon BASE_PATH   -> sets daemon_url_base (git://127.0.0.1:PORT) or returns 1
#   start_sshd               -> sets ssh_url_base (ssh://USER@127.0.0.1:PORT) and exports
#                               GIT_SSH_COMMAND, or returns 1 (not installed / cannot start)
# Every server started is stopped by stop_servers, which runs at exit.

stop_servers() {
	for f in "$TRASH"/daemon.pid "$TRASH"/ssh/sshd.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
		rm -f "$f"
	done
	return 0
}
trap stop_servers EXIT

some_port() {
	port=$(( 20000 + ($$ + ${1:-0} * 7919) % 30000 ))
	while ss -Htln "sport = :$port" 2>/dev/null | grep -q .; do
		port=$((port + 1))
	done
	echo "$port"
}

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
		port=$(some_port $((tries + 23))) &&
		git daemon --enable=receive-pack --export-all --base-path="$1" \
			--listen=127.0.0.1 --port="$port" --reuseaddr --informative-errors \
			--pid-file="$TRASH/daemon.pid" --detach "$1" &&
		if wait_for git ls-remote "git://127.0.0.1:$port/$2"; then
			daemon_url_base="git://127.0.0.1:$port"
			return 0
		fi
		stop_servers
		tries=$((tries + 1)) && [ $tries -lt 5 ] || return 1
	done
}

ssh_to() {
	ssh -F /dev/null -i "$TRASH/ssh/user_key" -o IdentitiesOnly=yes -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-p "$port" "$(cat "$TRASH/ssh/user")@127.0.0.1" "$@"
}

start_sshd() {
	SSHD=/usr/sbin/sshd
	[ -x "$SSHD" ] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null || return 1
	mkdir -p "$TRASH/ssh" && chmod 700 "$TRASH/ssh" &&
	ssh-keygen -q -t ed25519 -N "" -f "$TRASH/ssh/host_key" &&
	ssh-keygen -q -t ed25519 -N "" -f "$TRASH/ssh/user_key" &&
	cp "$TRASH/ssh/user_key.pub" "$TRASH/ssh/authorized_keys" &&
	user=$(id -un) && echo "$user" >"$TRASH/ssh/user" &&
	{ [ "$(id -u)" != 0 ] || mkdir -p /run/sshd; } || return 1
	tries=0
	while :; do
		port=$(some_port $((tries + 37)))
		cat >"$TRASH/ssh/sshd_config" <<-EOC
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
		EOC
		"$SSHD" -t -f "$TRASH/ssh/sshd_config" || return 1
		{ "$SSHD" -f "$TRASH/ssh/sshd_config" -D -e 2>"$TRASH/ssh/sshd.log" </dev/null >/dev/null & }
		echo $! >"$TRASH/ssh/sshd.pid"
		if wait_for ssh_to true; then
			ssh_url_base="ssh://$user@127.0.0.1:$port"
			GIT_SSH_COMMAND="ssh -F /dev/null -i '$TRASH/ssh/user_key' -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
			export GIT_SSH_COMMAND
			return 0
		fi
		stop_servers
		tries=$((tries + 1)) && [ $tries -lt 5 ] || return 1
	done
}
