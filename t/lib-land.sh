# Helpers of the land tests (t7xxx), which drive land as a coordinating agent
# would: through exit statuses and --json. Sourced after t/lib.sh.

# land_json ARGS...: orch-hooks land --json ARGS in r; JSON in out.json, messages in err, status in rc.
land_json() {
	(cd r && orch-hooks land --json "$@" >../out.json 2>../err; echo $? >../rc)
}

# wait_for_file FILE: until FILE exists, at most 30 s.
wait_for_file() {
	for _ in $(seq 300); do
		test -e "$1" && return 0
		sleep 0.1
	done
	echo "no $1 after 30s" >&2
	return 1
}

# start_land ARGS...: orch-hooks land --json in r, in its own session and process
# group, as a terminal runs a job; Ctrl-C is then SIGINT to the group. Its pid in land_pid.
start_land() {
	(cd r && exec setsid orch-hooks land --json "$@" >../out.json 2>../err) &
	land_pid=$!
}
