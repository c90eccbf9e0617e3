#!/bin/sh
# orch-hooks push under load: N clients (default 20) each push one reviewed
# merge at once to one gated server over git daemon on 127.0.0.1. Reports how
# many landed, the tries each needed, and the wall time.
. "${ORCH_HOOKS_SRC:-.}/bench/lib.sh"

CLIENTS=${BENCH_PUSH_CLIENTS:-20}
cd "$BENCH_DIR" || exit 1

git init -q --bare srv.git && orch-hooks install --server srv.git >/dev/null 2>&1 || exit 1
git init -q seed && (cd seed && echo 0 >f && git add f && git commit -q -m initial &&
	git push -q ../srv.git main 2>/dev/null) || exit 1

port=$(( 20000 + $$ % 30000 ))
while ss -Htln "sport = :$port" 2>/dev/null | grep -q .; do port=$((port + 1)); done
git daemon --enable=receive-pack --export-all --base-path="$BENCH_DIR" --listen=127.0.0.1 \
	--port="$port" --reuseaddr --pid-file="$BENCH_DIR/daemon.pid" --detach "$BENCH_DIR" || exit 1
trap 'kill "$(cat "$BENCH_DIR/daemon.pid")" 2>/dev/null; rm -rf "$BENCH_DIR"' EXIT
n=0
until git ls-remote "git://127.0.0.1:$port/srv.git" >/dev/null 2>&1; do
	n=$((n + 1)); [ $n -lt 100 ] || { echo "git daemon did not start" >&2; exit 1; }; sleep 0.1
done

i=0
while [ $i -lt "$CLIENTS" ]; do
	git clone -q "git://127.0.0.1:$port/srv.git" "c$i" 2>/dev/null &&
	(cd "c$i" && orch-hooks install >/dev/null 2>&1 &&
	 git checkout -q -b "feat-$i" && echo "$i" >"f$i" && git add "f$i" && git commit -q -m "feat $i" &&
	 git checkout -q main && orch-hooks verdict set PASS "feat-$i" >/dev/null 2>&1 &&
	 git merge -q --no-ff -m "Merge feat-$i" "feat-$i" 2>/dev/null) || exit 1
	i=$((i + 1))
done

start=$(now_ns)
i=0
while [ $i -lt "$CLIENTS" ]; do
	(cd "c$i" && orch-hooks push >../push-$i.out 2>&1; echo $? >../push-$i.rc) &
	i=$((i + 1))
done
wait
end=$(now_ns)

landed=0 tries_total=0 tries_max=0 verdicts=0
i=0
while [ $i -lt "$CLIENTS" ]; do
	[ "$(cat push-$i.rc)" = 0 ] && landed=$((landed + 1))
	t=$(( $(grep -c "trying again" push-$i.out) + 1 ))
	tries_total=$((tries_total + t))
	[ $t -gt $tries_max ] && tries_max=$t
	git -C srv.git notes --ref=verdicts show "$(git -C "c$i" rev-parse "feat-$i")" >/dev/null 2>&1 &&
		verdicts=$((verdicts + 1))
	i=$((i + 1))
done
printf 'push under load: %d clients, %d landed, %d verdicts on the server, %d tries in all, at most %d for one client, %.1f s wall\n' \
	"$CLIENTS" "$landed" "$verdicts" "$tries_total" "$tries_max" "$(awk -v n=$((end - start)) 'BEGIN { print n / 1e9 }')"
[ "$landed" -eq "$CLIENTS" ] && [ "$verdicts" -eq "$CLIENTS" ]
