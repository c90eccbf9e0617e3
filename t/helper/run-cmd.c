/*
 * Test helper: runs one command through orch_run() and prints how it
 * ended, so t/t0100-run-commands.sh can check the process handling every
 * policy command gets.
 *
 *   run-cmd [-t TIMEOUT_MS] [-k KEEP] [-s] [-e NAME=VALUE]... -c 'SHELL COMMAND'
 *   run-cmd [-t TIMEOUT_MS] [-k KEEP] [-e NAME=VALUE]... -- PROGRAM ARG...
 *
 * -s scrubs git's hook environment; -e sets a variable for the command
 * (replacing an inherited one of that name; up to 8). Prints "describe: ...", "started:",
 * "exited:", "exit_code:", "signal:", "timed_out:", "interrupted:",
 * "kept:" (bytes of output kept), "truncated:" and "seconds:"; then the
 * output's last line as "tail: ...". Exits 0 if the command succeeded.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

int main(int argc, char **argv)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	const char *env[9] = { NULL };
	char why[512];
	int i, rc, n_env = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			o.timeout_ms = (unsigned)strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "-k") && i + 1 < argc) {
			o.keep = (size_t)strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "-s")) {
			o.scrub_git_env = 1;
		} else if (!strcmp(argv[i], "-e") && i + 1 < argc && n_env < 8) {
			env[n_env++] = argv[++i];
			o.env = env;
		} else if (!strcmp(argv[i], "-c") && i + 1 < argc) {
			o.shell_command = argv[++i];
		} else if (!strcmp(argv[i], "--") && i + 1 < argc) {
			o.argv = (const char *const *)argv + i + 1;
			break;
		} else {
			fprintf(stderr, "usage: run-cmd [-t MS] [-k KEEP] [-s] [-e NAME=VALUE]... (-c CMD | -- ARGV...)\n");
			return 2;
		}
	}
	if (!o.shell_command && !o.argv) {
		fprintf(stderr, "run-cmd: nothing to run\n");
		return 2;
	}
	rc = orch_run(&o, &res);
	orch_run_describe(&res, o.timeout_ms, why, sizeof(why));
	printf("describe: %s\n", why);
	printf("started: %d\nexited: %d\nexit_code: %d\nsignal: %d\n", res.started, res.exited,
	       res.exit_code, res.signal);
	printf("timed_out: %d\ninterrupted: %d\n", res.timed_out, res.interrupted);
	printf("kept: %zu\ntruncated: %d\nseconds: %.1f\n", res.output.len, res.output_truncated,
	       res.seconds);
	printf("tail: %s\n", orch_run_tail(&res, 1));
	orch_run_result_release(&res);
	return rc == 0 ? 0 : 1;
}
