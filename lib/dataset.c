/*
 * dataset.c - the dataset folder shard-write owns: shards, temp + rename,
 * JSONL splits, the journal (commit point, resume, no duplicates), state.json
 * and the dataset card.  See dataset.h for the protocol; merging is dsmerge.c.
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
#include "dsint.h"
#include "sha256.h"
#include "strset.h"

#define DEFAULT_MAX	8000
#define DEFAULT_TITLE	"Sentinel-2 land-cover vision-language SFT dataset"
#define DEFAULT_LICENSE	"cc-by-4.0"

const char *const ds_split_names[3] = { "train", "validation", "test" };
enum { TOP_IMAGES, TOP_METADATA, TOP_MASKS, TOP_OVERLAYS, TOP_STILLS, NTOP };
static const char *top_names[NTOP] = { "images", "metadata", "masks", "overlays",
    "mapbox_stills" };

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
		return errf(err, errlen, "%s/%s: %s", d->dir, TMPFILE, strerror(errno));
	if (write_all(fd, data, len) || (d->sync && fsync(fd))) {
		int e = errno;
		close(fd);
		return errf(err, errlen, "%s/%s: %s", d->dir, rel, strerror(e));
	}
	if (close(fd))
		return errf(err, errlen, "%s/%s: %s", d->dir, rel, strerror(errno));
	if (renameat(d->dfd, TMPFILE, d->dfd, rel))
		return errf(err, errlen, "%s/%s: %s", d->dir, rel, strerror(errno));
	if (d->sync) {
		parent_of(rel, parent, sizeof parent);
		if (fsync_dir(d->dfd, parent))
			return errf(err, errlen, "%s/%s: %s", d->dir, parent, strerror(errno));
	}
	return 0;
}

int
ds_read_all(int dfd, const char *rel, unsigned char **out, size_t *outlen)
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
		return errf(err, errlen, "%s/%s: %s", d->dir, out, strerror(errno));
	snprintf(d->made[top], sizeof d->made[top], "%s", out);
	return 0;
}

/* Write data as top/sNNNNN/{id}{ext}; path gets its name relative to the folder. */
static int
put_in_shard(struct ds *d, int top, uint64_t shard, const char *id, const char *ext,
    const void *data, size_t len, char *path, size_t pathlen, char *err, size_t errlen)
{
	char dir[64];

	if (shard_dir(d, top, shard, dir, sizeof dir, err, errlen))
		return -1;
	snprintf(path, pathlen, "%s/%s%s", dir, id, ext);
	return put_file(d, path, data, len, err, errlen);
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
	return v <= 7 ? ds_split_names[0] : v == 8 ? ds_split_names[1] : ds_split_names[2];
}

int
ds_split_index(const char *name)
{
	for (int i = 0; i < 3; i++)
		if (name && strcmp(name, ds_split_names[i]) == 0)
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
		return errf(err, errlen, "no \"k\"");
	if (strcmp(k, "shard-write") == 0)
		return 0;
	if (strcmp(k, "class") == 0) {
		v = json_object_get(line, "id");
		if (!json_is_integer(v) || (c = find_class(d, (long)json_integer_value(v), 1)) == NULL)
			return errf(err, errlen, "class without an integer id");
		if (c->name == NULL && json_is_string(json_object_get(line, "name"))) {
			c->name = strdup(json_string_value(json_object_get(line, "name")));
			if (json_is_string(json_object_get(line, "color")))
				c->color = strdup(json_string_value(json_object_get(line, "color")));
		}
		return 0;
	}
	if (strcmp(k, "tile") != 0 && strcmp(k, "still") != 0)
		return errf(err, errlen, "unknown kind \"%s\"", k);
	si = ds_split_index(json_string_value(json_object_get(line, "split")));
	if (id == NULL || poi == NULL || base == NULL || si < 0 ||
	    !json_is_integer(json_object_get(line, "end")) ||
	    !json_is_integer(json_object_get(line, "rows")))
		return errf(err, errlen, "%s line lacks id, poi, base, split, rows or end", k);
	s = &d->sp[si];
	if (strcmp(k, "tile") == 0) {
		if (strset_add(&d->tiles, id) < 0)
			return errf(err, errlen, "out of memory");
		d->ntiles++;
		s->tiles++;
		d->noverlays += (uint64_t)json_integer_value(json_object_get(line, "nov"));
		d->nmasks += json_is_true(json_object_get(line, "mask"));
		px = json_object_get(line, "px");
		json_object_foreach(px, key, v) {
			if (parse_class_id(key, &cid) || !json_is_integer(v) ||
			    (c = find_class(d, cid, 1)) == NULL)
				return errf(err, errlen, "px: bad class \"%s\"", key);
			c->pixels += (uint64_t)json_integer_value(v);
		}
	} else {
		if (strset_add(&d->stills, id) < 0)
			return errf(err, errlen, "out of memory");
		d->nstills++;
		s->stills++;
	}
	s->end = (uint64_t)json_integer_value(json_object_get(line, "end"));
	s->rows += (uint64_t)json_integer_value(json_object_get(line, "rows"));
	if ((added = strset_add(&d->pois, poi)) < 0 || strset_add(&d->bases, base) < 0)
		return errf(err, errlen, "out of memory");
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

	if (ds_read_all(d->dfd, STATE, &buf, &len) == 0) {
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
		snprintf(path, sizeof path, "data/%s.jsonl", ds_split_names[i]);
		if (fstatat(d->dfd, path, &st, 0) == 0)
			return errf(err, errlen, "%s: has %s but no %s: not a folder written by "
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
		return errf(err, errlen, "%s/%s: %s", d->dir, JOURNAL, strerror(errno));
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return errf(err, errlen, "%s/%s: %s", d->dir, JOURNAL, strerror(errno));
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] != '\n') {
			torn = n;
			break;
		}
		lineno++;
		if ((j = json_loadb(line, (size_t)n, 0, NULL)) == NULL) {
			rc = errf(err, errlen, "%s/%s: line %lld is not JSON: the journal is damaged",
			    d->dir, JOURNAL, lineno);
			break;
		}
		if (lineno == 1) {
			json_t *m = json_object_get(j, "max_files_per_dir");
			if (!json_is_integer(m) || json_integer_value(m) < 1 || strcmp("shard-write",
			    json_string_value(json_object_get(j, "k")) ?
			    json_string_value(json_object_get(j, "k")) : "") != 0) {
				json_decref(j);
				rc = errf(err, errlen, "%s/%s: no header line: not a shard-write journal",
				    d->dir, JOURNAL);
				break;
			}
			d->max = (long)json_integer_value(m);
		}
		if (apply(d, j, why, sizeof why)) {
			json_decref(j);
			rc = errf(err, errlen, "%s/%s: line %lld: %s", d->dir, JOURNAL, lineno, why);
			break;
		}
		json_decref(j);
		good += n;
	}
	free(line);
	if (rc == 0 && ferror(fp))
		rc = errf(err, errlen, "%s/%s: %s", d->dir, JOURNAL, strerror(errno));
	if (rc == 0 && lineno == 0)
		/* Killed before the header was renamed into place cannot happen; empty is damage. */
		rc = errf(err, errlen, "%s/%s: empty journal", d->dir, JOURNAL);
	if (rc == 0 && torn) {
		if (!o->resume)
			rc = errf(err, errlen, "%s: an earlier run was interrupted; rerun with "
			    "--resume to finish it", d->dir);
		else if (ftruncate(fd, good))
			rc = errf(err, errlen, "%s/%s: %s", d->dir, JOURNAL, strerror(errno));
		else
			note(d, "%s/%s: dropped a torn last line (%lld bytes)", d->dir, JOURNAL,
			    (long long)torn);
	}
	fclose(fp);
	if (rc == 0 && o->max_per_dir && o->max_per_dir != d->max)
		rc = errf(err, errlen, "%s: written with --max-files-per-dir %ld, not %ld; use the "
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
		snprintf(path, sizeof path, "data/%s.jsonl", ds_split_names[i]);
		if (fstatat(d->dfd, path, &st, 0) == 0)
			size = (uint64_t)st.st_size;
		else if (errno != ENOENT)
			return errf(err, errlen, "%s/%s: %s", d->dir, path, strerror(errno));
		if (size < end)
			return errf(err, errlen, "%s/%s: %llu bytes, but %llu were committed: changed "
			    "outside shard-write", d->dir, path, (unsigned long long)size,
			    (unsigned long long)end);
		if (size == end)
			continue;
		if (!running)
			return errf(err, errlen, "%s/%s: %llu bytes after the last commit: changed "
			    "outside shard-write", d->dir, path, (unsigned long long)(size - end));
		if (!resume)
			return errf(err, errlen, "%s: an earlier run was interrupted; rerun with "
			    "--resume to finish it", d->dir);
		/* A split that had no committed row did not exist in an unbroken run. */
		if (end == 0 ? unlinkat(d->dfd, path, 0) : truncate_at(d, path, end))
			return errf(err, errlen, "%s/%s: %s", d->dir, path, strerror(errno));
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
		return errf(err, errlen, "%s/%s: %s", d->dir, TMPDIR, strerror(errno));
	if ((fd = openat(d->dfd, TMPDIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (dp = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return errf(err, errlen, "%s/%s: %s", d->dir, TMPDIR, strerror(errno));
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
	strset_free(&d->tiles);
	strset_free(&d->stills);
	strset_free(&d->pois);
	strset_free(&d->bases);
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
		errf(err, errlen, "out of memory");
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
		errf(err, errlen, "%s: %s", o->dir, strerror(errno));
		goto bad;
	}
	if ((d->dfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    mkdir_at(d->dfd, META) ||
	    (d->mfd = openat(d->dfd, META, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		errf(err, errlen, "%s: %s", o->dir, strerror(errno));
		goto bad;
	}
	/* One writer per folder: a second one would interleave rows and slots. */
	if (flock(d->mfd, LOCK_EX | LOCK_NB)) {
		errf(err, errlen, "%s: %s", o->dir, errno == EWOULDBLOCK ?
		    "in use by another shard-write" : strerror(errno));
		goto bad;
	}
	running = fstatat(d->dfd, RUNNING, &st, 0) == 0;
	if (running && !o->resume) {
		errf(err, errlen, "%s: an earlier run was interrupted; rerun with --resume to "
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
		errf(err, errlen, "%s/%s: %s", o->dir, JOURNAL, strerror(errno));
		goto bad;
	} else if (new_journal(d, o, err, errlen))
		goto bad;
	if (repair_splits(d, running, o->resume, err, errlen))
		goto bad;
	if (mkdir_at(d->dfd, "data") || fstatat(d->dfd, "data", &st, 0)) {
		errf(err, errlen, "%s/data: %s", o->dir, strerror(errno));
		goto bad;
	}
	if (!S_ISDIR(st.st_mode)) {
		errf(err, errlen, "%s/data: not a folder", o->dir);
		goto bad;
	}
	if ((fd = openat(d->dfd, RUNNING, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0 ||
	    close(fd) ||
	    (d->jfd = openat(d->dfd, JOURNAL, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0 ||
	    (d->sync && fsync(d->mfd))) {
		errf(err, errlen, "%s/%s: %s", o->dir, META, strerror(errno));
		goto bad;
	}
	return d;
oom:
	errf(err, errlen, "out of memory");
bad:
	free_ds(d);
	return NULL;
}

int
ds_contains(struct ds *d, enum ds_kind kind, const char *id)
{
	return strset_has(kind == DS_TILE ? &d->tiles : &d->stills, id);
}

int
ds_dirfd(struct ds *d)
{
	return d->dfd;
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

	snprintf(path, sizeof path, "data/%s.jsonl", ds_split_names[si]);
	if (len == 0)
		return 0;
	if (s->fd < 0 && (s->fd = openat(d->dfd, path, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0644)) < 0)
		return errf(err, errlen, "%s/%s: %s", d->dir, path, strerror(errno));
	/* One write(2): the rows of an item land together or are cut off on resume. */
	if (write_all(s->fd, buf, len) || (d->sync && fsync(s->fd)))
		return errf(err, errlen, "%s/%s: %s", d->dir, path, strerror(errno));
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
			return errf(err, errlen, "out of memory");
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
		return errf(err, errlen, "%s: %zu overlays for %zu rows", it->id, it->noverlays,
		    nrows);
	split = ds_split(it->base_poi_id);
	si = ds_split_index(split);
	mask[0] = '\0';
	if (it->kind == DS_TILE) {
		shard = d->ntiles / (uint64_t)d->max;
		if (put_in_shard(d, TOP_IMAGES, shard, it->id, ".png", it->image.data, it->image.len,
		    img, sizeof img, err, errlen))
			goto out;
		if (it->mask.len && put_in_shard(d, TOP_MASKS, shard, it->id, ".png", it->mask.data,
		    it->mask.len, mask, sizeof mask, err, errlen))
			goto out;
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
			if (put_in_shard(d, TOP_METADATA, shard, it->id, ".json", side, n + 1, meta,
			    sizeof meta, err, errlen))
				goto out;
		}
	} else {
		shard = d->nstills / (uint64_t)d->max;
		if (put_in_shard(d, TOP_STILLS, shard, it->id, ".png", it->image.data, it->image.len,
		    img, sizeof img, err, errlen))
			goto out;
	}

	/* The rows: messages only (+ the overlay), image placeholder made a path. */
	if ((rf = open_memstream(&rbuf, &rlen)) == NULL)
		goto oom;
	for (size_t i = 0; i < nrows; i++) {
		json_t *msgs = json_object_get(json_array_get(it->rows, i), "messages");
		if (!json_is_array(msgs)) {
			errf(err, errlen, "%s: row %zu has no messages array", it->id, i);
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
		errf(err, errlen, "%s/%s: %s", d->dir, JOURNAL, strerror(errno));
		goto out;
	}
	if (apply(d, line, err, errlen))
		goto out;
	rc = 0;
	goto out;
oom:
	errf(err, errlen, "out of memory");
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
		json_object_set_new(splits, ds_split_names[i], json_pack("{s:I, s:I, s:I, s:I, s:I}",
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
		ci.splits[i].name = ds_split_names[i];
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
		errf(err, errlen, "out of memory");
		goto out;
	}
	{
		size_t n = strlen(s);
		char *nl = realloc(s, n + 2);
		if (nl == NULL) {
			errf(err, errlen, "out of memory");
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
			errf(err, errlen, "%s/data/%s.jsonl: %s", d->dir, ds_split_names[i],
			    strerror(errno));
			goto out;
		}
	if ((d->sync && fsync(d->jfd)) || (unlinkat(d->dfd, RUNNING, 0) && errno != ENOENT)) {
		errf(err, errlen, "%s/%s: %s", d->dir, META, strerror(errno));
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
