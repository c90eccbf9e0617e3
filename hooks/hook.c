#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "handoff.h"
#include "hook.h"
#include "run.h"
#include "strbuf.h"

static char *hooks_dir(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	char exe[4096];
	ssize_t n;

	if (slash)
		return xstrndup(argv0, (size_t)(slash - argv0));
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			return xstrndup(exe, (size_t)(slash - exe));
	}
	return xstrdup(".");
}

static int same_file_content(const char *a, const char *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	int r = orch_read_file(&x, a, ORCH_READ_CONTENT) == 0 && orch_read_file(&y, b, ORCH_READ_CONTENT) == 0 &&
		x.len == y.len && !memcmp(strbuf_str(&x), strbuf_str(&y), x.len);

	strbuf_release(&x);
	strbuf_release(&y);
	return r;
}

/*
 * The shell that runs a chained script, when the script is a shell script:
 * such scripts (husky's stubs) pick what to run by the name in $0, which
 * must then stay the hook's own name, not NAME.orch-chained. NULL otherwise.
 */
static const char *shell_of(const char *path)
{
	static const char *const shells[] = { "sh", "bash", "dash", NULL };
	char line[128], *tok[3], *save = NULL, *word;
	FILE *f = fopen(path, "r");
	size_t i, n = 0;

	if (!f)
		return NULL;
	word = fgets(line, sizeof(line), f);
	fclose(f);
	if (!word || !starts_with(line, "#!"))
		return NULL;
	for (word = strtok_r(line + 2, " \t\r\n", &save); word && n < 3; word = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = word;
	if (n == 2 && !strcmp(tok[0], "/usr/bin/env"))
		word = tok[1];
	else if (n == 1)
		word = tok[0];
	else /* options after the interpreter (sh -e): run it the ordinary way */
		return NULL;
	if (strrchr(word, '/'))
		word = strrchr(word, '/') + 1;
	for (i = 0; shells[i]; i++)
		if (!strcmp(word, shells[i]))
			return shells[i];
	return NULL;
}

int orch_hook_run_chained(const char *argv0, const char *name, int argc, char **argv,
			  const char *input, size_t input_len)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	char *dir = hooks_dir(argv0);
	char *path = xasprintf("%s/%s.orch-chained", dir, name);
	char *hook = xasprintf("%s/%s", dir, name);
	const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
	const char **args = NULL, *shell;
	const char *t = getenv("ORCH_HOOKS_CHAIN_TIMEOUT_MS");
	char *tmpl = orch_tmp_path("orch-hooks-stdin-XXXXXX");
	int in_fd = -1, rc = 0, i, k = 0;
	char why[300];

	if (access(path, X_OK) != 0)
		goto done;
	/*
	 * Run as NAME.legacy (pre-commit's migration mode) or any other name a
	 * manager gave us, with the manager's own hook back at NAME and a copy
	 * of it chained here: that hook is the one running us, and running it
	 * again would loop. It has done its work; the gate still runs.
	 */
	if (strcmp(base, name) && same_file_content(hook, path)) {
		orch_say("warning: '%s' and orch-hooks run each other (a hook manager reinstalled its "
			 "hook over the gate); not running it twice; repair with 'orch-hooks install --chain'", hook);
		goto done;
	}
	shell = shell_of(path);
	args = xcalloc((size_t)argc + 4, sizeof(*args));
	if (shell) {
		/* sh -c '. "$0.orch-chained"' DIR/NAME ARGS...: $0 is the hook's name */
		args[k++] = shell;
		args[k++] = "-c";
		args[k++] = ". \"$0.orch-chained\"";
		args[k++] = hook;
	} else {
		args[k++] = path;
	}
	for (i = 1; i < argc; i++)
		args[k++] = argv[i];
	if (input) {
		/* The chained hook reads the same stdin we got (pre-receive's ref lines). */
		in_fd = mkstemp(tmpl);
		if (in_fd < 0 || write(in_fd, input, input_len) != (ssize_t)input_len ||
		    lseek(in_fd, 0, SEEK_SET) < 0) {
			orch_error("cannot pass stdin to the chained hook '%s': %s", path, strerror(errno));
			rc = 1;
			goto done;
		}
		unlink(tmpl);
	}
	o.argv = args;
	o.stdin_fd = in_fd;
	o.tee_fd = 2;
	o.timeout_ms = t && *t ? (unsigned)strtoul(t, NULL, 10) : 30u * 60 * 1000;
	orch_run(&o, &res);
	if (!res.started || !res.exited || res.exit_code || res.timed_out || res.interrupted) {
		orch_run_describe(&res, o.timeout_ms, why, sizeof(why));
		orch_error("the chained hook '%s' failed (%s)", path, why);
		rc = res.exited && res.exit_code ? res.exit_code : 1;
	}
	orch_run_result_release(&res);
done:
	if (in_fd >= 0)
		close(in_fd);
	free(tmpl);
	free(args);
	free(path);
	free(hook);
	free(dir);
	return rc;
}

int orch_hook_skipped(const char *name, const char *gitdir)
{
	const char *reason = getenv("ORCH_HOOKS_SKIP");
	char date[32], *log;
	struct tm tm;
	time_t t;
	FILE *f;

	if (!reason || !*reason)
		return 0;
	t = time(NULL);
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr,
		"orch-hooks: ************************************************************\n"
		"orch-hooks: GATE SKIPPED: %s not enforced (ORCH_HOOKS_SKIP=%s)\n"
		"orch-hooks: this is recorded; the server gate still applies on push\n"
		"orch-hooks: ************************************************************\n",
		name, reason);
	log = orch_handoff_path(gitdir, ORCH_HANDOFF_SKIP_LOG);
	f = fopen(log, "a");
	if (f) {
		fprintf(f, "%s\t%s\t%s\n", date, name, reason);
		fclose(f);
	}
	free(log);
	return 1;
}

void orch_hook_hold_signals(void)
{
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
}
