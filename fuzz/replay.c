/*
 * Runs a fuzz target on the files named, without libFuzzer, so that
 * `make check` replays the corpus in t/fuzz-corpus in every build (gcc,
 * clang, sanitizers): a crash once found stays a test.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		struct strbuf sb = STRBUF_INIT;
		uint8_t *copy;

		if (orch_read_file_max(&sb, argv[i], 0, 0) < 0) {
			perror(argv[i]);
			return 2;
		}
		/* An exact-size copy, so that ASan sees a read past the end. */
		copy = xmalloc(sb.len ? sb.len : 1);
		memcpy(copy, strbuf_str(&sb), sb.len);
		LLVMFuzzerTestOneInput(copy, sb.len);
		free(copy);
		strbuf_release(&sb);
		printf("ok %s\n", argv[i]);
	}
	return 0;
}
