/*
 * libFuzzer target: the policy parser. Any input must either parse into a
 * policy whose every value prints, or fail with a "NAME:LINE: problem"
 * message; never crash, leak or read out of bounds. A policy that parses,
 * printed back as key=value lines (the values `orch-hooks policy` shows),
 * must parse again to the same values.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void reparse(const struct orch_policy *p)
{
	struct strbuf sb = STRBUF_INIT;
	struct orch_policy again;
	char *values[ORCH_KEY__COUNT], *err = NULL;
	int k;

	for (k = 0; k < ORCH_KEY__COUNT; k++) {
		values[k] = orch_policy_value_text(p, (enum orch_policy_key)k);
		/* "key=value": no longer than the line the value came from. */
		strbuf_addf(&sb, "[%s]\n%s=%s\n", orch_policy_key_section((enum orch_policy_key)k),
			    orch_policy_key_name((enum orch_policy_key)k), values[k]);
	}
	orch_policy_init(&again);
	if (orch_policy_parse_string(&again, "printed.ini", sb.buf, sb.len, &err) < 0)
		abort();
	for (k = 0; k < ORCH_KEY__COUNT; k++) {
		char *v = orch_policy_value_text(&again, (enum orch_policy_key)k);

		if (strcmp(v, values[k]))
			abort();
		free(v);
		free(values[k]);
	}
	orch_policy_release(&again);
	strbuf_release(&sb);
}

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
		reparse(&p);
	} else if (!err || strncmp(err, "fuzz.ini:", 9)) {
		abort(); /* a failure always says where */
	}
	free(err);
	orch_policy_release(&p);
	return 0;
}
