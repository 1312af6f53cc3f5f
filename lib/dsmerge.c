/*
 * dsmerge.c - merge dataset folders written by shard-write into another:
 * each source's items in its journal order, files copied to the target's
 * next shard slots, paths in rows and sidecars rewritten, ids present already
 * skipped.  Everything goes through ds_commit, so merging the folders of two
 * halves of a stream gives the folder of one run over the whole stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset.h"
#include "dsint.h"

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

	snprintf(path, sizeof path, "data/%s.jsonl", ds_split_names[si]);
	if (end < s->start[si]) {
		errf(err, errlen, "%s/%s: journal ends go backwards", s->dir, JOURNAL);
		return NULL;
	}
	if (s->fd[si] < 0 && len > 0 &&
	    (s->fd[si] = openat(s->dfd, path, O_RDONLY | O_CLOEXEC)) < 0) {
		errf(err, errlen, "%s/%s: %s", s->dir, path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(len + 1)) == NULL || (rows = json_array()) == NULL) {
		free(buf);
		errf(err, errlen, "out of memory");
		return NULL;
	}
	while (got < len) {
		n = pread(s->fd[si], buf + got, len - got, (off_t)(s->start[si] + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			errf(err, errlen, "%s/%s: %s", s->dir, path, n < 0 ? strerror(errno) :
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
			errf(err, errlen, "%s/%s: a row at byte %llu is not JSON", s->dir, path,
			    (unsigned long long)(s->start[si] + (uint64_t)(p - buf)));
			goto bad;
		}
		json_array_append_new(rows, row);
	}
	if ((long long)json_array_size(rows) != want) {
		errf(err, errlen, "%s/%s: %zu rows where the journal says %lld", s->dir, path,
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

	if (rel == NULL || ds_read_all(s->dfd, rel, &buf, &len))
		return errf(err, errlen, "%s/%s: %s", s->dir, rel ? rel : "(file)",
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
	int si = ds_split_index(json_string_value(json_object_get(line, "split")));
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
			errf(err, errlen, "%s/%s: not a JSON object", s->dir, rel);
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
			errf(err, errlen, "%s/%s: %zu overlays for %zu rows", s->dir, rel, n,
			    json_array_size(srows));
			goto out;
		}
		if ((ov = calloc(n, sizeof *ov)) == NULL || (tags = calloc(n, sizeof *tags)) == NULL) {
			errf(err, errlen, "out of memory");
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
		errf(err, errlen, "%s: %s", src, strerror(errno));
		goto bad;
	}
	if (fstat(s.dfd, &a) == 0 && fstat(ds_dirfd(d), &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino) {
		errf(err, errlen, "%s: is the output folder", src);
		goto bad;
	}
	if ((s.mfd = openat(s.dfd, META, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (fd = openat(s.dfd, JOURNAL, O_RDONLY | O_CLOEXEC)) < 0) {
		errf(err, errlen, "%s: no %s: not a folder written by shard-write", src, JOURNAL);
		goto bad;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		errf(err, errlen, "%s: %s", src, strerror(errno));
		goto bad;
	}
	if (flock(s.mfd, LOCK_SH | LOCK_NB)) {
		errf(err, errlen, "%s: in use by a running shard-write", src);
		goto bad;
	}
	if (fstatat(s.dfd, RUNNING, &a, 0) == 0) {
		errf(err, errlen, "%s: its last run was interrupted; finish it with "
		    "shard-write --resume first", src);
		goto bad;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		const char *k;
		lineno++;
		if (line[n - 1] != '\n' || (j = json_loadb(line, (size_t)n, 0, NULL)) == NULL) {
			errf(err, errlen, "%s/%s: line %lld is damaged", src, JOURNAL, lineno);
			goto bad;
		}
		k = json_string_value(json_object_get(j, "k"));
		if (k && strcmp(k, "class") == 0) {
			/* Classes travel with the next item written, as in a direct run. */
			json_array_append_new(pending, json_pack("{s:O, s:O, s:O?}", "id",
			    json_object_get(j, "id"), "name", json_object_get(j, "name"),
			    "color", json_object_get(j, "color")));
		} else if (k && (strcmp(k, "tile") == 0 || strcmp(k, "still") == 0)) {
			if (ds_split_index(json_string_value(json_object_get(j, "split"))) < 0 ||
			    !json_is_string(json_object_get(j, "id")) ||
			    !json_is_string(json_object_get(j, "poi")) ||
			    !json_is_string(json_object_get(j, "base"))) {
				json_decref(j);
				errf(err, errlen, "%s/%s: line %lld is damaged", src, JOURNAL, lineno);
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
