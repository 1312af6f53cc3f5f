/*
 * dataset.c - the dataset folder shard-write owns: shards, temp + rename,
 * JSONL splits, the journal (commit point, resume, no duplicates), merging of
 * folders, state.json and the dataset card.  See dataset.h for the protocol.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "card.h"
#include "dataset.h"
#include "sha256.h"

#define META		".shard-write"
#define JOURNAL		META "/journal"
#define RUNNING		META "/running"
#define STATE		META "/state.json"
#define TMPDIR		META "/tmp"
#define TMPFILE		TMPDIR "/file"
#define DEFAULT_MAX	8000
#define DEFAULT_TITLE	"Sentinel-2 land-cover vision-language SFT dataset"
#define DEFAULT_LICENSE	"cc-by-4.0"
/* One format for every JSON we write, so a merge re-dumps the same bytes. */
#define DUMP_FLAGS	(JSON_COMPACT | JSON_REAL_PRECISION(15))

static const char *split_names[3] = { "train", "validation", "test" };
enum { TOP_IMAGES, TOP_METADATA, TOP_MASKS, TOP_OVERLAYS, TOP_STILLS, NTOP };
static const char *top_names[NTOP] = { "images", "metadata", "masks", "overlays",
    "mapbox_stills" };

/* A set of strings (ids, POIs): open addressing over FNV-1a. */
struct strset {
	char **slot;
	size_t cap, n;
};

struct split {
	int fd;			/* data/{name}.jsonl for appending, -1 until needed */
	uint64_t end;		/* committed length in bytes */
	uint64_t rows, tiles, stills, pois;
};

struct cls {
	long id;
	char *name, *color;
	uint64_t pixels;
};

struct ds {
	char *dir;
	int dfd, mfd, jfd;
	long max;
	int sync;
	char *title, *license;
	void (*note)(void *, const char *);
	void *note_arg;
	struct strset tiles, stills, pois, bases;
	uint64_t ntiles, nstills, noverlays, nmasks;
	struct split sp[3];
	struct cls *cls;
	size_t ncls, capcls;
	char made[NTOP][32];	/* the shard folder made last, per top folder */
};

static int
fail(char *err, size_t errlen, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(err, errlen, f, ap);
	va_end(ap);
	return -1;
}

static void
note(struct ds *d, const char *f, ...)
{
	char msg[1024];
	va_list ap;

	if (d->note == NULL)
		return;
	va_start(ap, f);
	vsnprintf(msg, sizeof msg, f, ap);
	va_end(ap);
	d->note(d->note_arg, msg);
}

/* --- string sets --- */

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static size_t
set_find(const struct strset *s, const char *k)
{
	size_t i = (size_t)fnv1a(k) & (s->cap - 1);

	while (s->slot[i] && strcmp(s->slot[i], k) != 0)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static int
set_has(const struct strset *s, const char *k)
{
	return s->cap && s->slot[set_find(s, k)] != NULL;
}

/* 1 added, 0 there already, -1 out of memory. */
static int
set_add(struct strset *s, const char *k)
{
	size_t i;

	if (s->n * 2 >= s->cap) {
		struct strset g = { NULL, s->cap ? s->cap * 2 : 1024, 0 };
		if ((g.slot = calloc(g.cap, sizeof *g.slot)) == NULL)
			return -1;
		for (size_t j = 0; j < s->cap; j++)
			if (s->slot[j])
				g.slot[set_find(&g, s->slot[j])] = s->slot[j];
		g.n = s->n;
		free(s->slot);
		*s = g;
	}
	i = set_find(s, k);
	if (s->slot[i])
		return 0;
	if ((s->slot[i] = strdup(k)) == NULL)
		return -1;
	s->n++;
	return 1;
}

static void
set_free(struct strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
	memset(s, 0, sizeof *s);
}

/* --- files --- */

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_dir(int dfd, const char *rel)
{
	int fd = openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The folder part of rel ("images/s00000" of "images/s00000/x.png"), or ".". */
static void
parent_of(const char *rel, char *out, size_t outlen)
{
	const char *slash = strrchr(rel, '/');

	if (slash == NULL || (size_t)(slash - rel) >= outlen)
		snprintf(out, outlen, ".");
	else {
		memcpy(out, rel, (size_t)(slash - rel));
		out[slash - rel] = '\0';
	}
}

/* Write rel under the folder by temp file + rename: a reader never sees half a file. */
static int
put_file(struct ds *d, const char *rel, const void *data, size_t len, char *err, size_t errlen)
{
	char parent[512];
	int fd;

	fd = openat(d->dfd, TMPFILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(err, errlen, "%s/%s: %s", d->dir, TMPFILE, strerror(errno));
	if (write_all(fd, data, len) || (d->sync && fsync(fd))) {
		int e = errno;
		close(fd);
		return fail(err, errlen, "%s/%s: %s", d->dir, rel, strerror(e));
	}
	if (close(fd))
		return fail(err, errlen, "%s/%s: %s", d->dir, rel, strerror(errno));
	if (renameat(d->dfd, TMPFILE, d->dfd, rel))
		return fail(err, errlen, "%s/%s: %s", d->dir, rel, strerror(errno));
	if (d->sync) {
		parent_of(rel, parent, sizeof parent);
		if (fsync_dir(d->dfd, parent))
			return fail(err, errlen, "%s/%s: %s", d->dir, parent, strerror(errno));
	}
	return 0;
}

static int
read_all(int dfd, const char *rel, unsigned char **out, size_t *outlen)
{
	struct stat st;
	unsigned char *buf;
	size_t got = 0;
	ssize_t n;
	int fd;

	*out = NULL;
	*outlen = 0;
	if ((fd = openat(dfd, rel, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) || (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		free(buf);
		errno = EIO;
		return -1;
	}
	buf[got] = '\0';
	*out = buf;
	*outlen = got;
	return 0;
}

static int
truncate_at(struct ds *d, const char *rel, uint64_t len)
{
	int fd = openat(d->dfd, rel, O_WRONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = ftruncate(fd, (off_t)len);
	close(fd);
	return rc;
}

static int
mkdir_at(int dfd, const char *rel)
{
	return mkdirat(dfd, rel, 0777) && errno != EEXIST ? -1 : 0;
}

/* Make top/sNNNNN once; returns the folder's relative name in out. */
static int
shard_dir(struct ds *d, int top, uint64_t shard, char *out, size_t outlen, char *err,
    size_t errlen)
{
	snprintf(out, outlen, "%s/s%05llu", top_names[top], (unsigned long long)shard);
	if (strcmp(d->made[top], out) == 0)
		return 0;
	if (mkdir_at(d->dfd, top_names[top]) || mkdir_at(d->dfd, out))
		return fail(err, errlen, "%s/%s: %s", d->dir, out, strerror(errno));
	snprintf(d->made[top], sizeof d->made[top], "%s", out);
	return 0;
}

/* --- the state the journal folds into --- */

const char *
ds_split(const char *base)
{
	unsigned char h[32];
	uint64_t v = 0;

	/* First 16 hex digits = first 8 bytes, big-endian. */
	sha256(base, strlen(base), h);
	for (int i = 0; i < 8; i++)
		v = v << 8 | h[i];
	v %= 10;
	return v <= 7 ? split_names[0] : v == 8 ? split_names[1] : split_names[2];
}

static int
split_index(const char *name)
{
	for (int i = 0; i < 3; i++)
		if (name && strcmp(name, split_names[i]) == 0)
			return i;
	return -1;
}

static struct cls *
find_class(struct ds *d, long id, int create)
{
	struct cls *grown;

	for (size_t i = 0; i < d->ncls; i++)
		if (d->cls[i].id == id)
			return &d->cls[i];
	if (!create)
		return NULL;
	if (d->ncls == d->capcls) {
		size_t cap = d->capcls ? d->capcls * 2 : 32;
		if ((grown = realloc(d->cls, cap * sizeof *grown)) == NULL)
			return NULL;
		d->cls = grown;
		d->capcls = cap;
	}
	memset(&d->cls[d->ncls], 0, sizeof *d->cls);
	d->cls[d->ncls].id = id;
	return &d->cls[d->ncls++];
}

static int
parse_class_id(const char *s, long *id)
{
	char *end;

	errno = 0;
	*id = strtol(s, &end, 10);
	return errno || end == s || *end != '\0' ? -1 : 0;
}

/*
 * Fold one journal line into the state.  The same function serves replay and
 * commit, so a resumed run counts exactly as an uninterrupted one.
 */
static int
apply(struct ds *d, json_t *line, char *err, size_t errlen)
{
	const char *k = json_string_value(json_object_get(line, "k"));
	const char *id = json_string_value(json_object_get(line, "id"));
	const char *poi = json_string_value(json_object_get(line, "poi"));
	const char *base = json_string_value(json_object_get(line, "base"));
	json_t *px, *v;
	struct split *s;
	struct cls *c;
	const char *key;
	long cid;
	int si, added;

	if (k == NULL)
		return fail(err, errlen, "no \"k\"");
	if (strcmp(k, "shard-write") == 0)
		return 0;
	if (strcmp(k, "class") == 0) {
		v = json_object_get(line, "id");
		if (!json_is_integer(v) || (c = find_class(d, (long)json_integer_value(v), 1)) == NULL)
			return fail(err, errlen, "class without an integer id");
		if (c->name == NULL && json_is_string(json_object_get(line, "name"))) {
			c->name = strdup(json_string_value(json_object_get(line, "name")));
			if (json_is_string(json_object_get(line, "color")))
				c->color = strdup(json_string_value(json_object_get(line, "color")));
		}
		return 0;
	}
	if (strcmp(k, "tile") != 0 && strcmp(k, "still") != 0)
		return fail(err, errlen, "unknown kind \"%s\"", k);
	si = split_index(json_string_value(json_object_get(line, "split")));
	if (id == NULL || poi == NULL || base == NULL || si < 0 ||
	    !json_is_integer(json_object_get(line, "end")) ||
	    !json_is_integer(json_object_get(line, "rows")))
		return fail(err, errlen, "%s line lacks id, poi, base, split, rows or end", k);
	s = &d->sp[si];
	if (strcmp(k, "tile") == 0) {
		if (set_add(&d->tiles, id) < 0)
			return fail(err, errlen, "out of memory");
		d->ntiles++;
		s->tiles++;
		d->noverlays += (uint64_t)json_integer_value(json_object_get(line, "nov"));
		d->nmasks += json_is_true(json_object_get(line, "mask"));
		px = json_object_get(line, "px");
		json_object_foreach(px, key, v) {
			if (parse_class_id(key, &cid) || !json_is_integer(v) ||
			    (c = find_class(d, cid, 1)) == NULL)
				return fail(err, errlen, "px: bad class \"%s\"", key);
			c->pixels += (uint64_t)json_integer_value(v);
		}
	} else {
		if (set_add(&d->stills, id) < 0)
			return fail(err, errlen, "out of memory");
		d->nstills++;
		s->stills++;
	}
	s->end = (uint64_t)json_integer_value(json_object_get(line, "end"));
	s->rows += (uint64_t)json_integer_value(json_object_get(line, "rows"));
	if ((added = set_add(&d->pois, poi)) < 0 || set_add(&d->bases, base) < 0)
		return fail(err, errlen, "out of memory");
	s->pois += (uint64_t)added;
	return 0;
}

/* --- opening: lock, replay, repair --- */

static void
load_state(struct ds *d, const struct ds_opts *o)
{
	json_t *st = NULL;
	unsigned char *buf;
	size_t len;
	const char *t = NULL, *l = NULL;

	if (read_all(d->dfd, STATE, &buf, &len) == 0) {
		st = json_loadb((char *)buf, len, 0, NULL);
		free(buf);
	}
	t = json_string_value(json_object_get(st, "title"));
	l = json_string_value(json_object_get(st, "license"));
	d->title = strdup(o->title ? o->title : t ? t : DEFAULT_TITLE);
	d->license = strdup(o->license ? o->license : l ? l : DEFAULT_LICENSE);
	json_decref(st);
}

static int
new_journal(struct ds *d, const struct ds_opts *o, char *err, size_t errlen)
{
	char path[64], line[128];
	struct stat st;
	int n;

	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "data/%s.jsonl", split_names[i]);
		if (fstatat(d->dfd, path, &st, 0) == 0)
			return fail(err, errlen, "%s: has %s but no %s: not a folder written by "
			    "shard-write", d->dir, path, JOURNAL);
	}
	d->max = o->max_per_dir ? o->max_per_dir : DEFAULT_MAX;
	n = snprintf(line, sizeof line, "{\"k\":\"shard-write\",\"version\":1,"
	    "\"max_files_per_dir\":%ld}\n", d->max);
	return put_file(d, JOURNAL, line, (size_t)n, err, errlen);
}

static int
replay(struct ds *d, const struct ds_opts *o, char *err, size_t errlen)
{
	char *line = NULL, why[256];
	size_t cap = 0;
	ssize_t n;
	off_t good = 0, torn = 0;
	long long lineno = 0;
	json_t *j;
	FILE *fp;
	int fd, rc = 0;

	if ((fd = openat(d->dfd, JOURNAL, O_RDWR | O_CLOEXEC)) < 0)
		return fail(err, errlen, "%s/%s: %s", d->dir, JOURNAL, strerror(errno));
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return fail(err, errlen, "%s/%s: %s", d->dir, JOURNAL, strerror(errno));
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] != '\n') {
			torn = n;
			break;
		}
		lineno++;
		if ((j = json_loadb(line, (size_t)n, 0, NULL)) == NULL) {
			rc = fail(err, errlen, "%s/%s: line %lld is not JSON: the journal is damaged",
			    d->dir, JOURNAL, lineno);
			break;
		}
		if (lineno == 1) {
			json_t *m = json_object_get(j, "max_files_per_dir");
			if (!json_is_integer(m) || json_integer_value(m) < 1 || strcmp("shard-write",
			    json_string_value(json_object_get(j, "k")) ?
			    json_string_value(json_object_get(j, "k")) : "") != 0) {
				json_decref(j);
				rc = fail(err, errlen, "%s/%s: no header line: not a shard-write journal",
				    d->dir, JOURNAL);
				break;
			}
			d->max = (long)json_integer_value(m);
		}
		if (apply(d, j, why, sizeof why)) {
			json_decref(j);
			rc = fail(err, errlen, "%s/%s: line %lld: %s", d->dir, JOURNAL, lineno, why);
			break;
		}
		json_decref(j);
		good += n;
	}
	free(line);
	if (rc == 0 && ferror(fp))
		rc = fail(err, errlen, "%s/%s: %s", d->dir, JOURNAL, strerror(errno));
	if (rc == 0 && lineno == 0)
		/* Killed before the header was renamed into place cannot happen; empty is damage. */
		rc = fail(err, errlen, "%s/%s: empty journal", d->dir, JOURNAL);
	if (rc == 0 && torn) {
		if (!o->resume)
			rc = fail(err, errlen, "%s: an earlier run was interrupted; rerun with "
			    "--resume to finish it", d->dir);
		else if (ftruncate(fd, good))
			rc = fail(err, errlen, "%s/%s: %s", d->dir, JOURNAL, strerror(errno));
		else
			note(d, "%s/%s: dropped a torn last line (%lld bytes)", d->dir, JOURNAL,
			    (long long)torn);
	}
	fclose(fp);
	if (rc == 0 && o->max_per_dir && o->max_per_dir != d->max)
		rc = fail(err, errlen, "%s: written with --max-files-per-dir %ld, not %ld; use the "
		    "same value (or --merge into a new folder)", d->dir, d->max, o->max_per_dir);
	return rc;
}

/* Cut each split back to its committed length: drops torn and uncommitted rows. */
static int
repair_splits(struct ds *d, int running, int resume, char *err, size_t errlen)
{
	char path[64];
	struct stat st;

	for (int i = 0; i < 3; i++) {
		uint64_t size = 0, end = d->sp[i].end;
		snprintf(path, sizeof path, "data/%s.jsonl", split_names[i]);
		if (fstatat(d->dfd, path, &st, 0) == 0)
			size = (uint64_t)st.st_size;
		else if (errno != ENOENT)
			return fail(err, errlen, "%s/%s: %s", d->dir, path, strerror(errno));
		if (size < end)
			return fail(err, errlen, "%s/%s: %llu bytes, but %llu were committed: changed "
			    "outside shard-write", d->dir, path, (unsigned long long)size,
			    (unsigned long long)end);
		if (size == end)
			continue;
		if (!running)
			return fail(err, errlen, "%s/%s: %llu bytes after the last commit: changed "
			    "outside shard-write", d->dir, path, (unsigned long long)(size - end));
		if (!resume)
			return fail(err, errlen, "%s: an earlier run was interrupted; rerun with "
			    "--resume to finish it", d->dir);
		/* A split that had no committed row did not exist in an unbroken run. */
		if (end == 0 ? unlinkat(d->dfd, path, 0) : truncate_at(d, path, end))
			return fail(err, errlen, "%s/%s: %s", d->dir, path, strerror(errno));
		note(d, "%s/%s: dropped %llu bytes of rows not committed", d->dir, path,
		    (unsigned long long)(size - end));
	}
	return 0;
}

static int
clean_tmp(struct ds *d, char *err, size_t errlen)
{
	struct dirent *e;
	DIR *dp;
	int fd;

	if (mkdir_at(d->dfd, TMPDIR))
		return fail(err, errlen, "%s/%s: %s", d->dir, TMPDIR, strerror(errno));
	if ((fd = openat(d->dfd, TMPDIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (dp = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return fail(err, errlen, "%s/%s: %s", d->dir, TMPDIR, strerror(errno));
	}
	/* Leftovers of a killed run: half-written files that were never renamed. */
	while ((e = readdir(dp)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(dirfd(dp), e->d_name, 0);
	closedir(dp);
	return 0;
}

static void
free_ds(struct ds *d)
{
	if (d == NULL)
		return;
	for (int i = 0; i < 3; i++)
		if (d->sp[i].fd >= 0)
			close(d->sp[i].fd);
	if (d->jfd >= 0)
		close(d->jfd);
	if (d->mfd >= 0)
		close(d->mfd);		/* drops the lock */
	if (d->dfd >= 0)
		close(d->dfd);
	set_free(&d->tiles);
	set_free(&d->stills);
	set_free(&d->pois);
	set_free(&d->bases);
	for (size_t i = 0; i < d->ncls; i++) {
		free(d->cls[i].name);
		free(d->cls[i].color);
	}
	free(d->cls);
	free(d->title);
	free(d->license);
	free(d->dir);
	free(d);
}

void
ds_abort(struct ds *d)
{
	free_ds(d);
}

struct ds *
ds_open(const struct ds_opts *o, char *err, size_t errlen)
{
	struct ds *d;
	struct stat st;
	int running, fd;

	if ((d = calloc(1, sizeof *d)) == NULL) {
		fail(err, errlen, "out of memory");
		return NULL;
	}
	d->dfd = d->mfd = d->jfd = -1;
	for (int i = 0; i < 3; i++)
		d->sp[i].fd = -1;
	d->dir = strdup(o->dir);
	d->sync = o->sync;
	d->note = o->note;
	d->note_arg = o->note_arg;
	if (d->dir == NULL)
		goto oom;
	if (mkdir(o->dir, 0777) && errno != EEXIST) {
		fail(err, errlen, "%s: %s", o->dir, strerror(errno));
		goto bad;
	}
	if ((d->dfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    mkdir_at(d->dfd, META) ||
	    (d->mfd = openat(d->dfd, META, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fail(err, errlen, "%s: %s", o->dir, strerror(errno));
		goto bad;
	}
	/* One writer per folder: a second one would interleave rows and slots. */
	if (flock(d->mfd, LOCK_EX | LOCK_NB)) {
		fail(err, errlen, "%s: %s", o->dir, errno == EWOULDBLOCK ?
		    "in use by another shard-write" : strerror(errno));
		goto bad;
	}
	running = fstatat(d->dfd, RUNNING, &st, 0) == 0;
	if (running && !o->resume) {
		fail(err, errlen, "%s: an earlier run was interrupted; rerun with --resume to "
		    "finish it", o->dir);
		goto bad;
	}
	if (clean_tmp(d, err, errlen))
		goto bad;
	load_state(d, o);
	if (d->title == NULL || d->license == NULL)
		goto oom;
	if (fstatat(d->dfd, JOURNAL, &st, 0) == 0) {
		if (replay(d, o, err, errlen))
			goto bad;
	} else if (errno != ENOENT) {
		fail(err, errlen, "%s/%s: %s", o->dir, JOURNAL, strerror(errno));
		goto bad;
	} else if (new_journal(d, o, err, errlen))
		goto bad;
	if (repair_splits(d, running, o->resume, err, errlen))
		goto bad;
	if (mkdir_at(d->dfd, "data") || fstatat(d->dfd, "data", &st, 0)) {
		fail(err, errlen, "%s/data: %s", o->dir, strerror(errno));
		goto bad;
	}
	if (!S_ISDIR(st.st_mode)) {
		fail(err, errlen, "%s/data: not a folder", o->dir);
		goto bad;
	}
	if ((fd = openat(d->dfd, RUNNING, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0 ||
	    close(fd) ||
	    (d->jfd = openat(d->dfd, JOURNAL, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0 ||
	    (d->sync && fsync(d->mfd))) {
		fail(err, errlen, "%s/%s: %s", o->dir, META, strerror(errno));
		goto bad;
	}
	return d;
oom:
	fail(err, errlen, "out of memory");
bad:
	free_ds(d);
	return NULL;
}

int
ds_contains(struct ds *d, enum ds_kind kind, const char *id)
{
	return set_has(kind == DS_TILE ? &d->tiles : &d->stills, id);
}

uint64_t
ds_count(struct ds *d, enum ds_kind kind)
{
	return kind == DS_TILE ? d->ntiles : d->nstills;
}

/* --- commit --- */

/* Overlay file names keep letters, digits, '-' and '_' of a row's tag. */
static void
safe_tag(const char *tag, char *out, size_t outlen)
{
	size_t n = 0;

	if (tag == NULL || *tag == '\0')
		tag = "row";
	for (; *tag && n < 96 && n + 1 < outlen; tag++) {
		char c = *tag;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_';
		out[n++] = ok ? c : '_';
	}
	out[n] = '\0';
}

/* A copy of messages with every image part naming ref pointed at path. */
static json_t *
messages_with_image(json_t *messages, const char *ref, const char *path)
{
	json_t *m = json_deep_copy(messages), *msg, *part, *im;
	size_t i, j;

	json_array_foreach(m, i, msg) {
		json_array_foreach(json_object_get(msg, "content"), j, part) {
			im = json_object_get(part, "image");
			if (ref && json_is_string(im) && strcmp(json_string_value(im), ref) == 0)
				json_object_set_new(part, "image", json_string(path));
		}
	}
	return m;
}

/* Append a dump of j and a newline to the memstream f. */
static int
dump_line(FILE *f, json_t *j)
{
	char *s = json_dumps(j, DUMP_FLAGS);
	int rc;

	if (s == NULL)
		return -1;
	rc = fputs(s, f) < 0 || fputc('\n', f) < 0 ? -1 : 0;
	free(s);
	return rc;
}

static int
append_split(struct ds *d, int si, const char *buf, size_t len, char *err, size_t errlen)
{
	char path[64];
	struct split *s = &d->sp[si];

	snprintf(path, sizeof path, "data/%s.jsonl", split_names[si]);
	if (len == 0)
		return 0;
	if (s->fd < 0 && (s->fd = openat(d->dfd, path, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0644)) < 0)
		return fail(err, errlen, "%s/%s: %s", d->dir, path, strerror(errno));
	/* One write(2): the rows of an item land together or are cut off on resume. */
	if (write_all(s->fd, buf, len) || (d->sync && fsync(s->fd)))
		return fail(err, errlen, "%s/%s: %s", d->dir, path, strerror(errno));
	return 0;
}

/* Journal lines for the classes of it the folder has no name for yet. */
static int
class_lines(struct ds *d, json_t *classes, FILE *jf, char *err, size_t errlen)
{
	json_t *c, *line, *cid;
	struct cls *known;
	const char *name, *color;
	size_t i;

	json_array_foreach(classes, i, c) {
		cid = json_object_get(c, "id");
		name = json_string_value(json_object_get(c, "name"));
		color = json_string_value(json_object_get(c, "color"));
		if (!json_is_integer(cid) || name == NULL)
			continue;
		known = find_class(d, (long)json_integer_value(cid), 0);
		if (known && known->name)
			continue;
		line = json_pack("{s:s, s:I, s:s, s:s?}", "k", "class", "id",
		    json_integer_value(cid), "name", name, "color", color);
		if (line == NULL || dump_line(jf, line) || apply(d, line, err, errlen)) {
			json_decref(line);
			return fail(err, errlen, "out of memory");
		}
		json_decref(line);
	}
	return 0;
}

int
ds_commit(struct ds *d, struct ds_item *it, char *err, size_t errlen)
{
	char dir[64], tag[100], img[512], meta[512], mask[512];
	char **ovp = NULL, *rbuf = NULL, *jbuf = NULL, *side = NULL;
	size_t nrows = json_array_size(it->rows), rlen = 0, jlen = 0;
	uint64_t shard;
	json_t *line = NULL, *row, *srows, *px = NULL;
	FILE *rf = NULL, *jf = NULL;
	const char *split;
	int si, rc = -1;

	if (ds_contains(d, it->kind, it->id))
		return 1;
	if (it->noverlays && it->noverlays != nrows)
		return fail(err, errlen, "%s: %zu overlays for %zu rows", it->id, it->noverlays,
		    nrows);
	split = ds_split(it->base_poi_id);
	si = split_index(split);
	mask[0] = '\0';
	if (it->kind == DS_TILE) {
		shard = d->ntiles / (uint64_t)d->max;
		if (shard_dir(d, TOP_IMAGES, shard, dir, sizeof dir, err, errlen))
			goto out;
		snprintf(img, sizeof img, "%s/%s.png", dir, it->id);
		if (put_file(d, img, it->image.data, it->image.len, err, errlen))
			goto out;
		if (it->mask.len) {
			if (shard_dir(d, TOP_MASKS, shard, dir, sizeof dir, err, errlen))
				goto out;
			snprintf(mask, sizeof mask, "%s/%s.png", dir, it->id);
			if (put_file(d, mask, it->mask.data, it->mask.len, err, errlen))
				goto out;
		}
		if (it->noverlays && (ovp = calloc(it->noverlays, sizeof *ovp)) == NULL)
			goto oom;
		for (size_t i = 0; i < it->noverlays; i++) {
			uint64_t slot = d->noverlays + i;
			if (shard_dir(d, TOP_OVERLAYS, slot / (uint64_t)d->max, dir, sizeof dir, err,
			    errlen))
				goto out;
			safe_tag(it->tags ? it->tags[i] : NULL, tag, sizeof tag);
			if (asprintf(&ovp[i], "%s/%s__%03zu_%s.png", dir, it->id, i, tag) < 0) {
				ovp[i] = NULL;
				goto oom;
			}
			if (put_file(d, ovp[i], it->overlays[i].data, it->overlays[i].len, err,
			    errlen))
				goto out;
		}
		json_object_set_new(it->sidecar, "image", json_string(img));
		json_object_set_new(it->sidecar, "mask", mask[0] ? json_string(mask) : json_null());
		srows = json_object_get(it->sidecar, "rows");
		for (size_t i = 0; i < json_array_size(srows); i++)
			if (json_is_object(json_array_get(srows, i)))
				json_object_set_new(json_array_get(srows, i), "overlay",
				    ovp && i < it->noverlays ? json_string(ovp[i]) : json_null());
		if (shard_dir(d, TOP_METADATA, shard, dir, sizeof dir, err, errlen))
			goto out;
		snprintf(meta, sizeof meta, "%s/%s.json", dir, it->id);
		if ((side = json_dumps(it->sidecar, DUMP_FLAGS)) == NULL)
			goto oom;
		{
			size_t n = strlen(side);
			char *nl = realloc(side, n + 2);
			if (nl == NULL)
				goto oom;
			side = nl;
			side[n] = '\n';
			side[n + 1] = '\0';
			if (put_file(d, meta, side, n + 1, err, errlen))
				goto out;
		}
	} else {
		shard = d->nstills / (uint64_t)d->max;
		if (shard_dir(d, TOP_STILLS, shard, dir, sizeof dir, err, errlen))
			goto out;
		snprintf(img, sizeof img, "%s/%s.png", dir, it->id);
		if (put_file(d, img, it->image.data, it->image.len, err, errlen))
			goto out;
	}

	/* The rows: messages only (+ the overlay), image placeholder made a path. */
	if ((rf = open_memstream(&rbuf, &rlen)) == NULL)
		goto oom;
	for (size_t i = 0; i < nrows; i++) {
		json_t *msgs = json_object_get(json_array_get(it->rows, i), "messages");
		if (!json_is_array(msgs)) {
			fail(err, errlen, "%s: row %zu has no messages array", it->id, i);
			goto out;
		}
		row = json_object();
		json_object_set_new(row, "messages", messages_with_image(msgs, it->image_ref, img));
		if (ovp)
			json_object_set_new(row, "bbox_overlay_image", json_string(ovp[i]));
		if (dump_line(rf, row)) {
			json_decref(row);
			goto oom;
		}
		json_decref(row);
	}
	if (fclose(rf)) {
		rf = NULL;
		goto oom;
	}
	rf = NULL;
	if (append_split(d, si, rbuf, rlen, err, errlen))
		goto out;

	/* The commit point: one journal write with the split's new length. */
	if ((jf = open_memstream(&jbuf, &jlen)) == NULL)
		goto oom;
	if (class_lines(d, it->classes, jf, err, errlen))
		goto out;
	if (it->kind == DS_TILE) {
		px = it->px ? json_incref(it->px) : json_object();
		line = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:b, s:o}",
		    "k", "tile", "id", it->id, "poi", it->poi_id, "base", it->base_poi_id,
		    "split", split, "rows", (json_int_t)nrows,
		    "end", (json_int_t)(d->sp[si].end + rlen), "shard", (json_int_t)shard,
		    "nov", (json_int_t)it->noverlays, "mask", mask[0] != '\0', "px", px);
	} else
		line = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}",
		    "k", "still", "id", it->id, "poi", it->poi_id, "base", it->base_poi_id,
		    "split", split, "rows", (json_int_t)nrows,
		    "end", (json_int_t)(d->sp[si].end + rlen), "shard", (json_int_t)shard);
	if (line == NULL || dump_line(jf, line))
		goto oom;
	if (fclose(jf)) {
		jf = NULL;
		goto oom;
	}
	jf = NULL;
	if (write_all(d->jfd, jbuf, jlen) || (d->sync && fsync(d->jfd))) {
		fail(err, errlen, "%s/%s: %s", d->dir, JOURNAL, strerror(errno));
		goto out;
	}
	if (apply(d, line, err, errlen))
		goto out;
	rc = 0;
	goto out;
oom:
	fail(err, errlen, "out of memory");
out:
	if (rf)
		fclose(rf);
	if (jf)
		fclose(jf);
	for (size_t i = 0; ovp && i < it->noverlays; i++)
		free(ovp[i]);
	free(ovp);
	free(rbuf);
	free(jbuf);
	free(side);
	json_decref(line);
	return rc;
}

/* --- merge --- */

struct source {
	const char *dir;
	int dfd, mfd;
	int fd[3];		/* its splits, opened as needed */
	uint64_t start[3];	/* where the next item's rows begin */
};

/* The rows an item of src committed: its split's bytes [start, end), one per line. */
static json_t *
source_rows(struct source *s, int si, uint64_t end, long long want, char *err, size_t errlen)
{
	char path[64], *buf, *p, *nl;
	uint64_t len = end - s->start[si];
	json_t *rows;
	ssize_t n;
	size_t got = 0;

	snprintf(path, sizeof path, "data/%s.jsonl", split_names[si]);
	if (end < s->start[si]) {
		fail(err, errlen, "%s/%s: journal ends go backwards", s->dir, JOURNAL);
		return NULL;
	}
	if (s->fd[si] < 0 && len > 0 &&
	    (s->fd[si] = openat(s->dfd, path, O_RDONLY | O_CLOEXEC)) < 0) {
		fail(err, errlen, "%s/%s: %s", s->dir, path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(len + 1)) == NULL || (rows = json_array()) == NULL) {
		free(buf);
		fail(err, errlen, "out of memory");
		return NULL;
	}
	while (got < len) {
		n = pread(s->fd[si], buf + got, len - got, (off_t)(s->start[si] + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fail(err, errlen, "%s/%s: %s", s->dir, path, n < 0 ? strerror(errno) :
			    "shorter than its journal says");
			goto bad;
		}
		got += (size_t)n;
	}
	buf[len] = '\0';
	for (p = buf; p < buf + len; p = nl + 1) {
		json_t *row;
		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			nl = buf + len;
		if ((row = json_loadb(p, (size_t)(nl - p), 0, NULL)) == NULL) {
			fail(err, errlen, "%s/%s: a row at byte %llu is not JSON", s->dir, path,
			    (unsigned long long)(s->start[si] + (uint64_t)(p - buf)));
			goto bad;
		}
		json_array_append_new(rows, row);
	}
	if ((long long)json_array_size(rows) != want) {
		fail(err, errlen, "%s/%s: %zu rows where the journal says %lld", s->dir, path,
		    json_array_size(rows), want);
		goto bad;
	}
	free(buf);
	s->start[si] = end;
	return rows;
bad:
	free(buf);
	json_decref(rows);
	return NULL;
}

static int
source_file(struct source *s, const char *rel, struct ds_file *f, char *err, size_t errlen)
{
	unsigned char *buf;
	size_t len;

	if (rel == NULL || read_all(s->dfd, rel, &buf, &len))
		return fail(err, errlen, "%s/%s: %s", s->dir, rel ? rel : "(file)",
		    rel ? strerror(errno) : "missing in the sidecar");
	f->data = buf;
	f->len = len;
	return 0;
}

/* Re-commit one item of src: its files, sidecar and rows, at this folder's next slots. */
static int
merge_item(struct ds *d, struct source *s, json_t *line, int tile, json_t *classes,
    char *err, size_t errlen)
{
	const char *id = json_string_value(json_object_get(line, "id"));
	int si = split_index(json_string_value(json_object_get(line, "split")));
	uint64_t shard = (uint64_t)json_integer_value(json_object_get(line, "shard"));
	uint64_t end = (uint64_t)json_integer_value(json_object_get(line, "end"));
	long long nrows = json_integer_value(json_object_get(line, "rows"));
	struct ds_item it;
	struct ds_file *ov = NULL;
	const char **tags = NULL;
	json_t *rows, *side = NULL, *srows;
	char rel[600], ref[600];
	size_t n = 0;
	int rc = -1;

	memset(&it, 0, sizeof it);
	if ((rows = source_rows(s, si, end, nrows, err, errlen)) == NULL)
		return -1;
	if (ds_contains(d, tile ? DS_TILE : DS_STILL, id)) {
		json_decref(rows);
		return 1;
	}
	it.kind = tile ? DS_TILE : DS_STILL;
	it.id = id;
	it.poi_id = json_string_value(json_object_get(line, "poi"));
	it.base_poi_id = json_string_value(json_object_get(line, "base"));
	it.rows = rows;
	it.classes = classes;
	if (!tile) {
		snprintf(rel, sizeof rel, "mapbox_stills/s%05llu/%s.png", (unsigned long long)shard,
		    id);
		if (source_file(s, rel, &it.image, err, errlen))
			goto out;
		it.image_ref = rel;
		rc = ds_commit(d, &it, err, errlen);
		goto out;
	}
	snprintf(rel, sizeof rel, "metadata/s%05llu/%s.json", (unsigned long long)shard, id);
	{
		struct ds_file f;
		if (source_file(s, rel, &f, err, errlen))
			goto out;
		side = json_loadb((const char *)f.data, f.len, 0, NULL);
		free((void *)f.data);
		if (!json_is_object(side)) {
			fail(err, errlen, "%s/%s: not a JSON object", s->dir, rel);
			goto out;
		}
	}
	it.sidecar = side;
	it.px = json_object_get(line, "px");
	/* A copy: ds_commit overwrites the sidecar's "image" before it rewrites the rows. */
	snprintf(ref, sizeof ref, "%s", json_string_value(json_object_get(side, "image")) ?
	    json_string_value(json_object_get(side, "image")) : "");
	it.image_ref = ref;
	if (source_file(s, ref[0] ? ref : NULL, &it.image, err, errlen))
		goto out;
	if (json_is_true(json_object_get(line, "mask")) &&
	    source_file(s, json_string_value(json_object_get(side, "mask")), &it.mask, err,
	    errlen))
		goto out;
	srows = json_object_get(side, "rows");
	n = (size_t)json_integer_value(json_object_get(line, "nov"));
	if (n) {
		if (n != json_array_size(srows) || n != (size_t)nrows) {
			fail(err, errlen, "%s/%s: %zu overlays for %zu rows", s->dir, rel, n,
			    json_array_size(srows));
			goto out;
		}
		if ((ov = calloc(n, sizeof *ov)) == NULL || (tags = calloc(n, sizeof *tags)) == NULL) {
			fail(err, errlen, "out of memory");
			goto out;
		}
		it.noverlays = n;
		it.overlays = ov;
		it.tags = tags;
		for (size_t i = 0; i < n; i++) {
			json_t *r = json_array_get(srows, i);
			tags[i] = json_string_value(json_object_get(r, "tag"));
			if (source_file(s, json_string_value(json_object_get(r, "overlay")), &ov[i],
			    err, errlen))
				goto out;
		}
	}
	rc = ds_commit(d, &it, err, errlen);
out:
	for (size_t i = 0; ov && i < it.noverlays; i++)
		free((void *)ov[i].data);
	free(ov);
	free(tags);
	free((void *)it.image.data);
	free((void *)it.mask.data);
	json_decref(side);
	json_decref(rows);
	return rc;
}

long
ds_merge(struct ds *d, const char *src, char *err, size_t errlen)
{
	struct source s = { src, -1, -1, { -1, -1, -1 }, { 0, 0, 0 } };
	struct stat a, b;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long long lineno = 0;
	long added = 0;
	json_t *pending = json_array(), *j;
	FILE *fp = NULL;
	int fd, rc;

	if ((s.dfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fail(err, errlen, "%s: %s", src, strerror(errno));
		goto bad;
	}
	if (fstat(s.dfd, &a) == 0 && fstat(d->dfd, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino) {
		fail(err, errlen, "%s: is the output folder", src);
		goto bad;
	}
	if ((s.mfd = openat(s.dfd, META, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (fd = openat(s.dfd, JOURNAL, O_RDONLY | O_CLOEXEC)) < 0) {
		fail(err, errlen, "%s: no %s: not a folder written by shard-write", src, JOURNAL);
		goto bad;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		fail(err, errlen, "%s: %s", src, strerror(errno));
		goto bad;
	}
	if (flock(s.mfd, LOCK_SH | LOCK_NB)) {
		fail(err, errlen, "%s: in use by a running shard-write", src);
		goto bad;
	}
	if (fstatat(s.dfd, RUNNING, &a, 0) == 0) {
		fail(err, errlen, "%s: its last run was interrupted; finish it with "
		    "shard-write --resume first", src);
		goto bad;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		const char *k;
		lineno++;
		if (line[n - 1] != '\n' || (j = json_loadb(line, (size_t)n, 0, NULL)) == NULL) {
			fail(err, errlen, "%s/%s: line %lld is damaged", src, JOURNAL, lineno);
			goto bad;
		}
		k = json_string_value(json_object_get(j, "k"));
		if (k && strcmp(k, "class") == 0) {
			/* Classes travel with the next item written, as in a direct run. */
			json_array_append_new(pending, json_pack("{s:O, s:O, s:O?}", "id",
			    json_object_get(j, "id"), "name", json_object_get(j, "name"),
			    "color", json_object_get(j, "color")));
		} else if (k && (strcmp(k, "tile") == 0 || strcmp(k, "still") == 0)) {
			if (split_index(json_string_value(json_object_get(j, "split"))) < 0 ||
			    !json_is_string(json_object_get(j, "id")) ||
			    !json_is_string(json_object_get(j, "poi")) ||
			    !json_is_string(json_object_get(j, "base"))) {
				json_decref(j);
				fail(err, errlen, "%s/%s: line %lld is damaged", src, JOURNAL, lineno);
				goto bad;
			}
			rc = merge_item(d, &s, j, strcmp(k, "tile") == 0, pending, err, errlen);
			if (rc < 0) {
				json_decref(j);
				goto bad;
			}
			if (rc == 0) {
				added++;
				json_array_clear(pending);
			}
		}
		json_decref(j);
	}
	goto done;
bad:
	added = -1;
done:
	free(line);
	if (fp)
		fclose(fp);
	for (int i = 0; i < 3; i++)
		if (s.fd[i] >= 0)
			close(s.fd[i]);
	if (s.mfd >= 0)
		close(s.mfd);
	if (s.dfd >= 0)
		close(s.dfd);
	json_decref(pending);
	return added;
}

/* --- end of a run: state.json and the card --- */

static int
by_id(const void *a, const void *b)
{
	long x = ((const struct cls *)a)->id, y = ((const struct cls *)b)->id;

	return x < y ? -1 : x > y;
}

static json_t *
state_json(struct ds *d)
{
	json_t *splits = json_object(), *classes = json_array();

	for (int i = 0; i < 3; i++) {
		struct split *s = &d->sp[i];
		json_object_set_new(splits, split_names[i], json_pack("{s:I, s:I, s:I, s:I, s:I}",
		    "pois", (json_int_t)s->pois, "tiles", (json_int_t)s->tiles,
		    "stills", (json_int_t)s->stills, "rows", (json_int_t)s->rows,
		    "bytes", (json_int_t)s->end));
	}
	for (size_t i = 0; i < d->ncls; i++)
		json_array_append_new(classes, json_pack("{s:I, s:s?, s:s?, s:I}",
		    "id", (json_int_t)d->cls[i].id, "name", d->cls[i].name,
		    "color", d->cls[i].color, "pixels", (json_int_t)d->cls[i].pixels));
	return json_pack("{s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
	    "version", 1, "title", d->title, "license", d->license,
	    "max_files_per_dir", (json_int_t)d->max, "pois", (json_int_t)d->pois.n,
	    "base_pois", (json_int_t)d->bases.n, "tiles", (json_int_t)d->ntiles,
	    "stills", (json_int_t)d->nstills, "overlays", (json_int_t)d->noverlays,
	    "masks", (json_int_t)d->nmasks, "splits", splits, "classes", classes);
}

static char *
card_of(struct ds *d)
{
	struct card_info ci;
	struct card_class *cc;
	char *md;

	memset(&ci, 0, sizeof ci);
	if ((cc = calloc(d->ncls ? d->ncls : 1, sizeof *cc)) == NULL)
		return NULL;
	for (size_t i = 0; i < d->ncls; i++) {
		cc[i].id = d->cls[i].id;
		cc[i].name = d->cls[i].name;
		cc[i].color = d->cls[i].color;
		cc[i].pixels = d->cls[i].pixels;
	}
	ci.title = d->title;
	ci.license = d->license;
	ci.max_per_dir = d->max;
	ci.pois = d->pois.n;
	ci.base_pois = d->bases.n;
	ci.tiles = d->ntiles;
	ci.stills = d->nstills;
	ci.overlays = d->noverlays;
	ci.masks = d->nmasks;
	for (int i = 0; i < 3; i++) {
		ci.splits[i].name = split_names[i];
		ci.splits[i].pois = d->sp[i].pois;
		ci.splits[i].tiles = d->sp[i].tiles;
		ci.splits[i].stills = d->sp[i].stills;
		ci.splits[i].rows = d->sp[i].rows;
	}
	ci.classes = cc;
	ci.nclasses = d->ncls;
	md = card_render(&ci);
	free(cc);
	return md;
}

int
ds_close(struct ds *d, char *err, size_t errlen)
{
	json_t *st;
	char *s = NULL, *md = NULL;
	int rc = -1;

	if (d->ncls)
		qsort(d->cls, d->ncls, sizeof *d->cls, by_id);
	if ((st = state_json(d)) == NULL || (s = json_dumps(st, JSON_INDENT(2) |
	    JSON_REAL_PRECISION(15))) == NULL || (md = card_of(d)) == NULL) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	{
		size_t n = strlen(s);
		char *nl = realloc(s, n + 2);
		if (nl == NULL) {
			fail(err, errlen, "out of memory");
			goto out;
		}
		s = nl;
		s[n] = '\n';
		s[n + 1] = '\0';
	}
	if (put_file(d, STATE, s, strlen(s), err, errlen) ||
	    put_file(d, "README.md", md, strlen(md), err, errlen))
		goto out;
	for (int i = 0; i < 3; i++)
		if (d->sp[i].fd >= 0 && d->sync && fsync(d->sp[i].fd)) {
			fail(err, errlen, "%s/data/%s.jsonl: %s", d->dir, split_names[i],
			    strerror(errno));
			goto out;
		}
	if ((d->sync && fsync(d->jfd)) || (unlinkat(d->dfd, RUNNING, 0) && errno != ENOENT)) {
		fail(err, errlen, "%s/%s: %s", d->dir, META, strerror(errno));
		goto out;
	}
	unlinkat(d->dfd, TMPFILE, 0);
	unlinkat(d->dfd, TMPDIR, AT_REMOVEDIR);
	if (d->sync)
		fsync(d->mfd);
	rc = 0;
out:
	json_decref(st);
	free(s);
	free(md);
	free_ds(d);
	return rc;
}
