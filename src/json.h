#ifndef ORCH_JSON_H
#define ORCH_JSON_H

#include <stdio.h>

/* Writes s as a JSON string (quoted, escaped; bytes that are not UTF-8 become U+FFFD). */
void orch_json_string(FILE *f, const char *s);

#endif
