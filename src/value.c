#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "value.h"

#define MAX_DURATION (7u * 24 * 3600)

int orch_parse_duration(const char *s, unsigned *out)
{
	unsigned long total = 0;
	int parts = 0;

	while (*s) {
		unsigned long n = 0, unit;
		int digits = 0;

		while (isdigit((unsigned char)*s)) {
			n = n * 10 + (unsigned long)(*s++ - '0');
			if (n > MAX_DURATION)
				return -1;
			digits++;
		}
		if (!digits)
			return -1;
		switch (*s++) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		default: return -1; /* a unit is required: "90" is ambiguous */
		}
		total += n * unit;
		if (total > MAX_DURATION)
			return -1;
		parts++;
	}
	if (!parts || !total)
		return -1;
	*out = (unsigned)total;
	return 0;
}

void orch_format_duration(unsigned secs, char *buf, unsigned len)
{
	unsigned h = secs / 3600, m = secs % 3600 / 60, s = secs % 60;
	int n = 0;

	buf[0] = '\0';
	if (h)
		n += snprintf(buf + n, len - (unsigned)n, "%uh", h);
	if (m && (unsigned)n < len)
		n += snprintf(buf + n, len - (unsigned)n, "%um", m);
	if ((s || !secs) && (unsigned)n < len)
		snprintf(buf + n, len - (unsigned)n, "%us", s);
}

int orch_parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

int orch_value_is_quoted(const char *s)
{
	size_t n = strlen(s);

	return n && (strchr("\"'", s[0]) || strchr("\"'", s[n - 1]));
}
