#ifndef ORCH_VALUE_H
#define ORCH_VALUE_H

/* Parsers for the typed values of the policy. Each returns 0 or -1. */

/* "90s", "15m", "1h", "1h30m": a positive duration, stored in seconds. */
int orch_parse_duration(const char *s, unsigned *out);
/* true/false, yes/no, on/off, 1/0 (any case). */
int orch_parse_bool(const char *s, int *out);
/* Formats seconds back the way a person writes them ("1h30m"). */
void orch_format_duration(unsigned secs, char *buf, unsigned len);

/*
 * 1 if the value starts or ends with a quote. inih keeps quotes as part of
 * the value: protected = "main" would name a branch called "main" with its
 * quotes, and the gate would protect nothing.
 */
int orch_value_is_quoted(const char *s);

#endif
