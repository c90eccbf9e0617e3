#ifndef ORCH_SERVER_REFUSAL_H
#define ORCH_SERVER_REFUSAL_H

#include <stddef.h>

#include "error.h"

/*
 * How the server gate says no, per ref: a header the first time, at most
 * ORCH_SERVER_MAX_LISTED offences listed in full, then a count of the rest.
 * Any offence refuses the whole push (*refused is set).
 */
struct orch_offences {
	const char *ref;
	int *refused;
	size_t nr;
	size_t unreviewed;	/* merges refused for their verdicts */
	size_t own_changes;	/* merges refused for changes of their own */
	size_t reversed;	/* first-parent lines that leave the old tip */
	int unrelated;		/* the history shares nothing with the protected branches */
};

#define ORCH_OFFENCES_INIT(ref_, refused_) { .ref = (ref_), .refused = (refused_) }

/* Counts an offence; returns 1 when it should be printed in full. */
int orch_offence(struct orch_offences *o);

/* Counts an offence and prints its one line when it is listed. */
void orch_refuse(struct orch_offences *o, const char *fmt, ...) ORCH_PRINTF(2, 3);

/* "... and N more" after the listed offences. */
void orch_offences_summarize(const struct orch_offences *o);

/* The branch's name for people: refs/heads/main is 'main', other refs as they are. */
const char *orch_server_branch_name(const char *ref);

#endif
