#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "hook.h"
#include "run.h"
#include "strbuf.h"

__attribute__((used)) const char orch_hook_marker[] = ORCH_HOOK_MARKER;

char *orch_hook_git_dir(void)
{
	const char *env = getenv("GIT_DIR");
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	char *dir;

	if (env && *env)
		return xstrdup(env);
	if (stat(".git", &st) == 0 && S_ISDIR(st.st_mode))
		return xstrdup(".git");
	/* A ".git" file ("gitdir: <path>"), as in submodules. */
	if (strbuf_read_regular_file(&sb, ".git", 4096) == 0 && !strncmp(strbuf_str(&sb), "gitdir: ", 8)) {
		strbuf_rtrim(&sb);
		dir = xstrdup(sb.buf + 8);
		strbuf_release(&sb);
		return dir;
	}
	strbuf_release(&sb);
	return xstrdup(".git");
}

int orch_hook_git_file_exists(const char *gitdir, const char *name)
{
	char *path = xasprintf("%s/%s", gitdir, name);
	int r = access(path, F_OK) == 0;

	free(path);
	return r;
}

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

int orch_hook_run_chained(const char *argv0, const char *name, int argc, char **argv,
			  const char *input, size_t input_len)
{
	struct orch_run_opts o = ORCH_RUN_OPTS_INIT;
	struct orch_run_result res;
	char *dir = hooks_dir(argv0);
	char *path = xasprintf("%s/%s.orch-chained", dir, name);
	const char **args = NULL;
	const char *t = getenv("ORCH_HOOKS_CHAIN_TIMEOUT_MS");
	char tmpl[] = "/tmp/orch-hooks-stdin-XXXXXX";
	int in_fd = -1, rc = 0, i;
	char why[300];

	if (access(path, X_OK) != 0)
		goto done;
	args = xcalloc((size_t)argc + 1, sizeof(*args));
	args[0] = path;
	for (i = 1; i < argc; i++)
		args[i] = argv[i];
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
	free(args);
	free(path);
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
	log = xasprintf("%s/orch-hooks-skip.log", gitdir);
	f = fopen(log, "a");
	if (f) {
		fprintf(f, "%s\t%s\t%s\n", date, name, reason);
		fclose(f);
	}
	free(log);
	return 1;
}
