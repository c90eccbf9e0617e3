/*
 * The statically linked gate's loose objects. libgit2 writes each one
 * through a fresh deflate stream, and the test record writes three small
 * ones per merge (a blob, a tree, a commit of a few hundred bytes), where
 * zlib's fixed costs are most of the work: deflateInit clears a hash table
 * of 32,768 entries (64 KB; memLevel 8), and compressing even a short
 * buffer builds and weighs Huffman trees for its one block. The linker's
 * --wrap (configure's GATE_WRAP) sends libgit2's calls here:
 *  - deflateInit: the same stream (the level libgit2 asks for, a 32 KB
 *    window) with a smaller hash table (memLevel 4: 2,048 entries, 4 KB);
 *  - deflate: an object whose whole content comes in one Z_FINISH call and
 *    fits in one file system block is stored (level 0, as git's own
 *    core.looseCompression=0 would), where compressing saves no disk.
 * Either way the output is an ordinary zlib stream that git reads like any
 * other (t4000 checks git fsck on a test record).
 */
/* No config.h: configure links this file to see whether a static gate works. */
#include <zlib.h>

/* zlib's own default is 8; a smaller table still finds matches in a few KB. */
#define ORCH_DEFLATE_MEM_LEVEL 4
/* Stored rather than compressed up to this size: a loose object that small takes a block anyway. */
#define ORCH_DEFLATE_STORED_MAX 4096

int __wrap_deflateInit_(z_streamp strm, int level, const char *version, int stream_size);
int __real_deflate(z_streamp strm, int flush);
int __wrap_deflate(z_streamp strm, int flush);

int __wrap_deflateInit_(z_streamp strm, int level, const char *version, int stream_size)
{
	return deflateInit2_(strm, level, Z_DEFLATED, MAX_WBITS, ORCH_DEFLATE_MEM_LEVEL, Z_DEFAULT_STRATEGY,
			     version, stream_size);
}

int __wrap_deflate(z_streamp strm, int flush)
{
	/* Nothing compressed yet: zlib takes new parameters without flushing anything. */
	if (flush == Z_FINISH && strm->total_in == 0 && strm->avail_in <= ORCH_DEFLATE_STORED_MAX &&
	    deflateParams(strm, Z_NO_COMPRESSION, Z_DEFAULT_STRATEGY) != Z_OK)
		return Z_STREAM_ERROR;
	return __real_deflate(strm, flush);
}
