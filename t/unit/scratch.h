#ifndef ORCH_UNIT_SCRATCH_H
#define ORCH_UNIT_SCRATCH_H

/*
 * A scratch directory under $TMPDIR for one unit test program: made by the
 * group setup, removed with everything in it by the group teardown.
 */
#include <stdlib.h>
#include <unistd.h>

#include "files.h"
#include "strbuf.h"

static char *scratch;

static int scratch_make(void **state)
{
	(void)state;
	scratch = orch_tmp_path("orch-hooks-unit-XXXXXX");
	return mkdtemp(scratch) ? 0 : -1;
}

static int scratch_remove(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", scratch);
	int r = system(cmd);

	(void)state;
	free(cmd);
	free(scratch);
	return r == 0 ? 0 : -1;
}

#endif
