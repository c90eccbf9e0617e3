#ifndef ORCH_LAND_REVIEW_H
#define ORCH_LAND_REVIEW_H

#include <stddef.h>

/*
 * land --review: runs `orch-hooks review -j JOBS --onto ONTO -- NAMES...`
 * as its own process, so its signal handling, sandbox checks and output
 * stay its own; its report goes to stderr. Ctrl-C is passed on to it (it
 * stops its reviewers and records nothing). Returns review's exit status
 * (0, 1 FAIL, 3 void, 128, 130), or -1 if it did not exit.
 */
int land_review(const char *onto, unsigned jobs, unsigned review_timeout_s, const char *const *names,
		size_t n);

#endif
