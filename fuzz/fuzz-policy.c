/*
 * libFuzzer target: the policy parser. Any input must either parse into a
 * policy whose every value prints, or fail with a "NAME:LINE: problem"
 * message; never crash, leak or read out of bounds.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct orch_policy p;
	char *err = NULL;
	int k;

	orch_policy_init(&p);
	if (orch_policy_parse_string(&p, "fuzz.ini", (const char *)data, size, &err) == 0) {
		if (err)
			abort(); /* success leaves no message */
		for (k = 0; k < ORCH_KEY__COUNT; k++)
			free(orch_policy_value_text(&p, (enum orch_policy_key)k));
	} else if (!err || strncmp(err, "fuzz.ini:", 9)) {
		abort(); /* a failure always says where */
	}
	free(err);
	orch_policy_release(&p);
	return 0;
}
