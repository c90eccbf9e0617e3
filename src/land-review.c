#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "error.h"
#include "land-review.h"
#include "land-step.h"
#include "strbuf.h"

/* This very program, so that the review is done by the same orch-hooks. */
static char *self_path(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return xstrdup("orch-hooks");
	buf[n] = '\0';
	return xstrdup(buf);
}

int land_review(const char *onto, unsigned jobs, unsigned review_timeout_s, const char *const *names,
		size_t n)
{
	struct land_step s = LAND_STEP_INIT;
	char jobs_arg[16], *self = self_path();
	const char **argv = xcalloc(n + 8, sizeof(*argv));
	size_t i, k = 0;
	int rc;

	snprintf(jobs_arg, sizeof(jobs_arg), "%u", jobs);
	argv[k++] = self;
	argv[k++] = "review";
	argv[k++] = "-j";
	argv[k++] = jobs_arg;
	argv[k++] = "--onto";
	argv[k++] = onto;
	argv[k++] = "--";
	for (i = 0; i < n; i++)
		argv[k++] = names[i];
	orch_say("reviewing %zu branch%s first (-j %u)", n, n == 1 ? "" : "es", jobs);
	s.argv = argv;
	s.mode = LAND_STEP_PASS_ON;
	/* Every review may take its whole timeout, one after the other at worst. */
	s.timeout_s = review_timeout_s * (unsigned)n + 600;
	rc = land_step_run(&s);
	free(argv);
	free(self);
	return rc;
}
