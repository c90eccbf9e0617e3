#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commit-graph.h"
#include "files.h"
#include "strbuf.h"

#define HASH_LEN 20			/* SHA-1: the only hash libgit2 1.5 knows */
#define HEADER_LEN 8
#define CHUNK_ENTRY_LEN 12
#define CDAT_ROW (HASH_LEN + 16)
#define PARENT_NONE 0x70000000u
#define PARENT_EDGE 0x80000000u
#define MAX_COMMITS 0x70000000u	/* positions above are the special values */
#define MAX_LAYERS 64
#define MAX_FILE_SIZE ((size_t)1 << 34)

#define CHUNK(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define ID_OIDF CHUNK('O', 'I', 'D', 'F')
#define ID_OIDL CHUNK('O', 'I', 'D', 'L')
#define ID_CDAT CHUNK('C', 'D', 'A', 'T')
#define ID_GDA2 CHUNK('G', 'D', 'A', '2')
#define ID_GDO2 CHUNK('G', 'D', 'O', '2')
#define ID_EDGE CHUNK('E', 'D', 'G', 'E')
#define ID_BASE CHUNK('B', 'A', 'S', 'E')

struct layer {
	const unsigned char *data;
	size_t size;
	int mapped;			/* data is ours to munmap */
	uint32_t nr, base;		/* its commits; those of the layers below */
	const unsigned char *oidf, *oidl, *cdat, *gda2, *gdo2, *edge, *base_ids;
	size_t nr_gdo2, nr_edges, nr_base_ids;
};

struct orch_commit_graph {
	struct layer *layers;		/* base first */
	size_t nr_layers;
	uint32_t nr;
	int corrected;			/* every layer has generation data */
};

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t get_be64(const unsigned char *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/* ---- one file ---------------------------------------------------------- */

/* The chunk `id`'s place, checked by parse_chunks; NULL when absent. */
struct chunk {
	uint32_t id;
	const unsigned char *start;
	size_t size;
};

static int parse_chunks(struct layer *l, struct chunk *chunks, size_t *nr)
{
	const unsigned char *p = l->data;
	size_t table_end, body_end = l->size - HASH_LEN, i, j, n = p[6];
	uint64_t prev;

	table_end = HEADER_LEN + (n + 1) * CHUNK_ENTRY_LEN;
	if (table_end > body_end)
		return -1;
	prev = table_end;
	for (i = 0; i <= n; i++) {
		const unsigned char *e = p + HEADER_LEN + i * CHUNK_ENTRY_LEN;
		uint32_t id = get_be32(e);
		uint64_t off = get_be64(e + 4);

		/* Chunks lie one after another inside the body, and the last entry ends the table. */
		if (off < prev || off > body_end || (i == n) != (id == 0))
			return -1;
		if (i) {
			chunks[i - 1].size = (size_t)(off - prev);
		}
		if (i < n) {
			for (j = 0; j < i; j++)
				if (chunks[j].id == id)
					return -1;
			chunks[i].id = id;
			chunks[i].start = p + off;
		}
		prev = off;
	}
	*nr = n;
	return 0;
}

static const struct chunk *chunk_find(const struct chunk *chunks, size_t nr, uint32_t id)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (chunks[i].id == id)
			return &chunks[i];
	return NULL;
}

/* The fan-out must count the OID table exactly, and the table be strictly ascending. */
static int check_oids(const struct layer *l)
{
	uint32_t i, first = 0, prev_count = 0;

	for (i = 0; i < 256; i++) {
		uint32_t count = get_be32(l->oidf + 4 * i);

		if (count < prev_count)
			return -1;
		prev_count = count;
	}
	for (i = 0; i < l->nr; i++) {
		const unsigned char *oid = l->oidl + (size_t)i * HASH_LEN;

		while (first < 256 && get_be32(l->oidf + 4 * first) <= i)
			first++;
		if (first == 256 || oid[0] != first)
			return -1;
		if (i && memcmp(oid - HASH_LEN, oid, HASH_LEN) >= 0)
			return -1;
	}
	return 0;
}

/* Fills the chunk pointers of one layer; -1 when anything is out of place. */
static int parse_layer(struct layer *l, uint32_t base, size_t layer_nr)
{
	struct chunk chunks[256];
	const struct chunk *c;
	size_t nr;

	if (l->size < HEADER_LEN + CHUNK_ENTRY_LEN + HASH_LEN || l->size > MAX_FILE_SIZE ||
	    memcmp(l->data, "CGPH", 4) || l->data[4] != 1 || l->data[5] != 1)
		return -1;	/* not a graph, another version, or a foreign hash */
	if (l->data[7] != layer_nr || parse_chunks(l, chunks, &nr) < 0)
		return -1;
	if (!(c = chunk_find(chunks, nr, ID_OIDF)) || c->size != 256 * 4)
		return -1;
	l->oidf = c->start;
	l->nr = get_be32(l->oidf + 255 * 4);
	if (l->nr >= MAX_COMMITS - base)
		return -1;
	l->base = base;
	if (!(c = chunk_find(chunks, nr, ID_OIDL)) || c->size != (size_t)l->nr * HASH_LEN)
		return -1;
	l->oidl = c->start;
	if (!(c = chunk_find(chunks, nr, ID_CDAT)) || c->size != (size_t)l->nr * CDAT_ROW)
		return -1;
	l->cdat = c->start;
	if ((c = chunk_find(chunks, nr, ID_GDA2))) {
		if (c->size != (size_t)l->nr * 4)
			return -1;
		l->gda2 = c->start;
	}
	if ((c = chunk_find(chunks, nr, ID_GDO2))) {
		if (c->size % 8)
			return -1;
		l->gdo2 = c->start;
		l->nr_gdo2 = c->size / 8;
	}
	if ((c = chunk_find(chunks, nr, ID_EDGE))) {
		if (c->size % 4)
			return -1;
		l->edge = c->start;
		l->nr_edges = c->size / 4;
	}
	c = chunk_find(chunks, nr, ID_BASE);
	if (layer_nr && (!c || c->size != layer_nr * HASH_LEN))
		return -1;
	if (c && !layer_nr && c->size)
		return -1;
	l->base_ids = c ? c->start : NULL;
	l->nr_base_ids = layer_nr;
	return check_oids(l);
}

/* ---- the graph ------------------------------------------------------------ */

void orch_commit_graph_free(struct orch_commit_graph *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->nr_layers; i++)
		if (g->layers[i].mapped)
			munmap((void *)g->layers[i].data, g->layers[i].size);
	free(g->layers);
	free(g);
}

/* The trailing checksum of a layer: its name in a chain, and how layers above name it. */
static const unsigned char *layer_hash(const struct layer *l)
{
	return l->data + l->size - HASH_LEN;
}

/* Checks the layers (data and size set, base first) and completes the graph. */
static struct orch_commit_graph *finish(struct orch_commit_graph *g)
{
	size_t i, j;
	uint32_t base = 0;

	g->corrected = g->nr_layers > 0;
	for (i = 0; i < g->nr_layers; i++) {
		struct layer *l = &g->layers[i];

		if (parse_layer(l, base, i) < 0)
			goto fail;
		for (j = 0; j < i; j++)
			if (memcmp(l->base_ids + j * HASH_LEN, layer_hash(&g->layers[j]), HASH_LEN))
				goto fail;
		base += l->nr;
		if (!l->gda2)
			g->corrected = 0;
	}
	g->nr = base;
	return g;
fail:
	orch_commit_graph_free(g);
	return NULL;
}

struct orch_commit_graph *orch_commit_graph_from_buffers(const unsigned char *const *bufs,
							 const size_t *lens, size_t nr)
{
	struct orch_commit_graph *g;
	size_t i;

	if (!nr || nr > MAX_LAYERS)
		return NULL;
	g = xcalloc(1, sizeof(*g));
	g->layers = xcalloc(nr, sizeof(*g->layers));
	for (i = 0; i < nr; i++) {
		g->layers[i].data = bufs[i];
		g->layers[i].size = lens[i];
	}
	g->nr_layers = nr;
	return finish(g);
}

/* Maps a file read-only; 0, or -1 (absent, unreadable, not a regular file, empty). */
static int map_file(const char *path, struct layer *l)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uintmax_t)st.st_size > MAX_FILE_SIZE) {
		close(fd);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	l->data = p;
	l->size = (size_t)st.st_size;
	l->mapped = 1;
	return 0;
}

/* objects/info/commit-graphs/commit-graph-chain: one hex hash a line, base first. */
static struct orch_commit_graph *open_chain(const char *objects_dir)
{
	struct orch_commit_graph *g;
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/info/commit-graphs/commit-graph-chain", objects_dir);
	const char *p;
	size_t alloc = 0;

	if (orch_read_file_max(&sb, path, (size_t)MAX_LAYERS * (GIT_OID_HEXSZ + 1), 1) < 0) {
		free(path);
		return NULL;
	}
	free(path);
	g = xcalloc(1, sizeof(*g));
	for (p = strbuf_str(&sb); *p; p += GIT_OID_HEXSZ + 1) {
		git_oid name;
		struct layer *l;

		if (strlen(p) < GIT_OID_HEXSZ + 1 || p[GIT_OID_HEXSZ] != '\n' ||
		    git_oid_fromstrn(&name, p, GIT_OID_HEXSZ) < 0 || g->nr_layers == MAX_LAYERS)
			goto fail;
		if (g->nr_layers == alloc) {
			alloc = alloc ? 2 * alloc : 4;
			g->layers = xrealloc(g->layers, alloc * sizeof(*g->layers));
		}
		l = &g->layers[g->nr_layers];
		memset(l, 0, sizeof(*l));
		path = xasprintf("%s/info/commit-graphs/graph-%.*s.graph", objects_dir, GIT_OID_HEXSZ, p);
		if (map_file(path, l) < 0) {
			free(path);
			goto fail;
		}
		free(path);
		g->nr_layers++;
		/* A layer is named by its checksum: a file put in its place is not it. */
		if (l->size < HASH_LEN || memcmp(layer_hash(l), name.id, HASH_LEN))
			goto fail;
	}
	strbuf_release(&sb);
	if (!g->nr_layers) {
		orch_commit_graph_free(g);
		return NULL;
	}
	return finish(g);
fail:
	strbuf_release(&sb);
	orch_commit_graph_free(g);
	return NULL;
}

struct orch_commit_graph *orch_commit_graph_open(const char *objects_dir)
{
	struct orch_commit_graph *g;
	char *path = xasprintf("%s/info/commit-graph", objects_dir);
	struct layer l = { 0 };
	int r = map_file(path, &l);

	free(path);
	/* As git does: the single file first, the chain only without one. */
	if (r < 0)
		return open_chain(objects_dir);
	g = xcalloc(1, sizeof(*g));
	g->layers = xmalloc(sizeof(*g->layers));
	g->layers[0] = l;
	g->nr_layers = 1;
	return finish(g);
}

/* The alternates of an objects directory, one level deep, as git lists them. */
static struct orch_commit_graph *open_alternates(const char *objects_dir)
{
	struct orch_commit_graph *g = NULL;
	struct strbuf sb = STRBUF_INIT;
	char *path = xasprintf("%s/info/alternates", objects_dir);
	char *line, *next;

	if (orch_read_file(&sb, path, ORCH_READ_GIT_STATE) < 0) {
		free(path);
		return NULL;
	}
	free(path);
	for (line = sb.buf; line && *line && !g; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line || *line == '#')
			continue;
		if (*line == '/') {
			g = orch_commit_graph_open(line);
		} else {
			path = xasprintf("%s/%s", objects_dir, line);
			g = orch_commit_graph_open(path);
			free(path);
		}
	}
	strbuf_release(&sb);
	return g;
}

struct orch_commit_graph *orch_commit_graph_open_repo(git_repository *repo)
{
	struct orch_commit_graph *g;
	git_config *cfg = NULL;
	char *objects;
	int enabled = 1;

	/* One value: the live configuration, not a snapshot (a copy of every entry). */
	if (git_repository_config(&cfg, repo) == 0 &&
	    git_config_get_bool(&enabled, cfg, "core.commitGraph") < 0)
		enabled = 1;
	git_config_free(cfg);
	git_error_clear();
	if (!enabled)
		return NULL;
	objects = xasprintf("%sobjects", git_repository_commondir(repo));
	g = orch_commit_graph_open(objects);
	if (!g)
		g = open_alternates(objects);
	free(objects);
	return g;
}

/* ---- reading -------------------------------------------------------------- */

uint32_t orch_commit_graph_nr(const struct orch_commit_graph *g)
{
	return g->nr;
}

static const struct layer *layer_of(const struct orch_commit_graph *g, uint32_t pos, uint32_t *lex)
{
	size_t i = g->nr_layers;

	while (i-- > 1 && pos < g->layers[i].base)
		;
	*lex = pos - g->layers[i].base;
	return &g->layers[i];
}

static uint32_t find_in_layer(const struct layer *l, const git_oid *id)
{
	uint32_t lo = id->id[0] ? get_be32(l->oidf + 4 * (id->id[0] - 1)) : 0;
	uint32_t hi = get_be32(l->oidf + 4 * id->id[0]);

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(id->id, l->oidl + (size_t)mid * HASH_LEN, HASH_LEN);

		if (!c)
			return l->base + mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return ORCH_GRAPH_NO_POS;
}

uint32_t orch_commit_graph_find(const struct orch_commit_graph *g, const git_oid *id)
{
	size_t i;

	for (i = g->nr_layers; i-- > 0;) {
		uint32_t pos = find_in_layer(&g->layers[i], id);

		if (pos != ORCH_GRAPH_NO_POS)
			return pos;
	}
	return ORCH_GRAPH_NO_POS;
}

void orch_commit_graph_oid(const struct orch_commit_graph *g, uint32_t pos, git_oid *out)
{
	uint32_t lex;
	const struct layer *l = layer_of(g, pos, &lex);

	memcpy(out->id, l->oidl + (size_t)lex * HASH_LEN, HASH_LEN);
}

static uint64_t commit_time(const struct layer *l, uint32_t lex)
{
	const unsigned char *row = l->cdat + (size_t)lex * CDAT_ROW;

	return (uint64_t)(get_be32(row + HASH_LEN + 8) & 3) << 32 | get_be32(row + HASH_LEN + 12);
}

/* The generation, or 0 when the row cannot hold one (an overflow index out of range). */
static uint64_t generation(const struct orch_commit_graph *g, const struct layer *l, uint32_t lex)
{
	uint64_t off;

	if (!g->corrected)
		return get_be32(l->cdat + (size_t)lex * CDAT_ROW + HASH_LEN + 8) >> 2;
	off = get_be32(l->gda2 + (size_t)lex * 4);
	if (off & 0x80000000u) {
		off &= 0x7fffffffu;
		if (off >= l->nr_gdo2)
			return 0;
		off = get_be64(l->gdo2 + off * 8);
		if (off > UINT64_MAX / 2)
			return 0;
	}
	return commit_time(l, lex) + off;
}

uint64_t orch_commit_graph_generation(const struct orch_commit_graph *g, uint32_t pos)
{
	uint32_t lex;
	const struct layer *l = layer_of(g, pos, &lex);

	return generation(g, l, lex);
}

void orch_graph_row_release(struct orch_graph_row *row)
{
	free(row->parents);
	memset(row, 0, sizeof(*row));
}

/* Adds a parent position; -1 when it points outside the layers this one may name. */
static int add_parent(struct orch_graph_row *row, const struct layer *l, uint32_t pos)
{
	if (pos >= l->base + l->nr)
		return -1;
	if (row->nr_parents == row->alloc) {
		row->alloc = row->alloc ? 2 * row->alloc : 4;
		row->parents = xrealloc(row->parents, row->alloc * sizeof(*row->parents));
	}
	row->parents[row->nr_parents++] = pos;
	return 0;
}

static int read_parents(const struct layer *l, const unsigned char *row, struct orch_graph_row *out)
{
	uint32_t p1 = get_be32(row + HASH_LEN), p2 = get_be32(row + HASH_LEN + 4), e;

	if (p1 == PARENT_NONE)
		return p2 == PARENT_NONE ? 0 : -1;
	if (add_parent(out, l, p1) < 0)
		return -1;
	if (p2 == PARENT_NONE)
		return 0;
	if (!(p2 & PARENT_EDGE))
		return add_parent(out, l, p2);
	/* An octopus: the extra edges from that index up to the one marked last. */
	for (e = p2 & ~PARENT_EDGE; e < l->nr_edges; e++) {
		uint32_t v = get_be32(l->edge + (size_t)e * 4);

		if (add_parent(out, l, v & ~PARENT_EDGE) < 0)
			return -1;
		if (v & PARENT_EDGE)
			return 0;
	}
	return -1;
}

int orch_commit_graph_read(const struct orch_commit_graph *g, uint32_t pos, struct orch_graph_row *out)
{
	uint32_t lex;
	const struct layer *l;
	const unsigned char *row;
	unsigned i;

	out->nr_parents = 0;
	if (pos >= g->nr)
		return -1;
	l = layer_of(g, pos, &lex);
	row = l->cdat + (size_t)lex * CDAT_ROW;
	memcpy(out->tree.id, row, HASH_LEN);
	out->time = commit_time(l, lex);
	out->generation = generation(g, l, lex);
	if (!out->generation || read_parents(l, row, out) < 0)
		return -1;
	/* Walks rely on it: a parent comes strictly before its child in generation order. */
	for (i = 0; i < out->nr_parents; i++)
		if (out->parents[i] == pos || orch_commit_graph_generation(g, out->parents[i]) >= out->generation)
			return -1;
	return 0;
}
