/*
 * card.c - render the dataset card: Hub YAML front matter and the counts of
 * a dataset folder as Markdown.  Same counts, same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"

const char *
card_size_category(uint64_t n)
{
	static const char *cat[] = { "n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M",
	    "1M<n<10M", "10M<n<100M", "100M<n<1B", "1B<n<10B", "10B<n<100B", "100B<n<1T",
	    "n>1T" };
	uint64_t lim = 1000;

	for (size_t i = 0; i + 1 < sizeof cat / sizeof *cat; i++, lim *= 10)
		if (n < lim)
			return cat[i];
	return cat[sizeof cat / sizeof *cat - 1];
}

/* A YAML double-quoted scalar. */
static void
yaml_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* Markdown table cell text: a pipe or newline would break the row. */
static void
md_cell(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
}

static void
front_matter(FILE *f, const struct card_info *ci, uint64_t rows)
{
	int listed = 0;

	fputs("---\n", f);
	fputs("license: ", f);
	yaml_str(f, ci->license);
	fputs("\npretty_name: ", f);
	yaml_str(f, ci->title);
	fputs("\nlanguage:\n- en\n", f);
	fputs("task_categories:\n- image-to-text\n- image-text-to-text\n- object-detection\n", f);
	fputs("tags:\n- satellite-imagery\n- sentinel-2\n- remote-sensing\n- earth-observation\n"
	    "- land-cover\n- geospatial\n- vision-language\n- grounding\n- sft\n", f);
	fprintf(f, "size_categories:\n- %s\n", card_size_category(rows));
	/*
	 * A split with no rows is left out: an empty data file has no columns
	 * and the Hub's loader fails on it.
	 */
	fputs("configs:\n- config_name: default\n  data_files:\n", f);
	for (int i = 0; i < 3; i++)
		if (ci->splits[i].rows > 0) {
			fprintf(f, "  - split: %s\n    path: data/%s.jsonl\n", ci->splits[i].name,
			    ci->splits[i].name);
			listed++;
		}
	if (listed == 0)
		fputs("  - split: train\n    path: data/train.jsonl\n", f);
	fputs("---\n\n", f);
}

static void
counts(FILE *f, const struct card_info *ci)
{
	uint64_t t[4] = { 0, 0, 0, 0 };
	const char *what[4] = { "POIs", "tiles", "overview stills", "rows" };

	fputs("## Counts\n\n| | train | validation | test | total |\n|---|---:|---:|---:|---:|\n", f);
	for (int k = 0; k < 4; k++) {
		uint64_t sum = 0;
		fprintf(f, "| %s |", what[k]);
		for (int i = 0; i < 3; i++) {
			const struct card_split *s = &ci->splits[i];
			uint64_t v = k == 0 ? s->pois : k == 1 ? s->tiles : k == 2 ? s->stills : s->rows;
			fprintf(f, " %llu |", (unsigned long long)v);
			sum += v;
		}
		fprintf(f, " %llu |\n", (unsigned long long)sum);
		t[k] = sum;
	}
	fprintf(f, "\n%llu POIs (%llu distinct places before geo-jitter), %llu tiles, "
	    "%llu overview stills, %llu rows; %llu bounding-box overlays, %llu label masks. "
	    "At most %ld files per leaf folder.\n\n",
	    (unsigned long long)ci->pois, (unsigned long long)ci->base_pois,
	    (unsigned long long)ci->tiles, (unsigned long long)ci->stills,
	    (unsigned long long)t[3], (unsigned long long)ci->overlays,
	    (unsigned long long)ci->masks, ci->max_per_dir);
}

static void
classes(FILE *f, const struct card_info *ci)
{
	uint64_t total = 0;

	for (size_t i = 0; i < ci->nclasses; i++)
		total += ci->classes[i].pixels;
	fputs("## Land cover\n\n", f);
	if (ci->nclasses == 0) {
		fputs("No land-cover labels were written.\n\n", f);
		return;
	}
	fprintf(f, "Share of the %llu valid label pixels of all tiles (at output size), "
	    "per class:\n\n| id | class | colour | pixels | share |\n|---:|---|---|---:|---:|\n",
	    (unsigned long long)total);
	for (size_t i = 0; i < ci->nclasses; i++) {
		const struct card_class *c = &ci->classes[i];
		fprintf(f, "| %ld | ", c->id);
		if (c->name)
			md_cell(f, c->name);
		else
			fprintf(f, "class %ld", c->id);
		fputs(" | ", f);
		if (c->color)
			fprintf(f, "`#%s`", c->color);
		fprintf(f, " | %llu | %.2f%% |\n", (unsigned long long)c->pixels,
		    total ? 100.0 * (double)c->pixels / (double)total : 0.0);
	}
	fputs("\n", f);
}

static const char layout_text[] =
"## Layout\n"
"\n"
"- `data/{train,validation,test}.jsonl`: one SFT row per line, "
"`{\"messages\": [...]}` in the leap-finetune `vlm_sft` shape (user: image + text, "
"assistant: text), plus `bbox_overlay_image` when overlays were written. Image paths are "
"relative to the dataset root: set `image_root` to the snapshot folder.\n"
"- `images/sNNNNN/{stem}.png`: Sentinel-2 RGB chips, 8-bit.\n"
"- `metadata/sNNNNN/{stem}.json`: one sidecar per chip: POI, split, WGS 84 bounding box, "
"scene and assets, label shape, CRS and class pixel counts, grid, tile origin, caption, "
"regions (boxes normalised 0-1, x right, y down, exclusive right/bottom edges), class "
"fractions, and the tag and boxes of each row.\n"
"- `masks/sNNNNN/{stem}.png`: the land-cover label as an 8-bit palette PNG (when written).\n"
"- `overlays/sNNNNN/{stem}__{NNN}_{tag}.png`: the chip with the boxes of row NNN drawn "
"(when written).\n"
"- `mapbox_stills/sNNNNN/{poi_id}.png`: overhead context stills (when written).\n"
"\n"
"Shards `sNNNNN` are filled in order and hold at most the number of files above, under "
"the Hub's 10k-per-folder limit.\n"
"\n"
"## Splits\n"
"\n"
"A row's split is decided by its base POI (the place before geo-jitter): the first 16 hex "
"digits of SHA-256(base_poi_id) as an unsigned 64-bit integer, modulo 10: 0-7 train, 8 "
"validation, 9 test. Jittered variants of one place therefore never straddle splits.\n"
"\n"
"## Sources and licences\n"
"\n"
"Contains modified Copernicus Sentinel data. Land-cover labels come from the source named "
"in each sidecar (`land_cover_label_meta.source`); follow that source's licence and "
"attribution (ESA WorldCover and Dynamic World: CC BY 4.0; OpenStreetMap: ODbL 1.0). "
"Overview stills, when present, are Mapbox imagery and subject to the Mapbox terms of "
"service.\n"
"\n"
"Written by `shard-write` of the s2vl toolkit; the counts above are recomputed from "
"`.shard-write/journal` at the end of every run.\n";

char *
card_render(const struct card_info *ci)
{
	char *buf = NULL;
	size_t len = 0;
	uint64_t rows = 0;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	for (int i = 0; i < 3; i++)
		rows += ci->splits[i].rows;
	front_matter(f, ci, rows);
	fprintf(f, "# %s\n\n", ci->title);
	fputs("Vision-language SFT rows (captions, land-cover grounding boxes, per-class "
	    "descriptions) over Sentinel-2 RGB chips with per-pixel land-cover labels.\n\n", f);
	counts(f, ci);
	classes(f, ci);
	fputs(layout_text, f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
