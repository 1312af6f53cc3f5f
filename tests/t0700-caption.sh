#!/bin/sh
# caption on small hand-written labels, against expectations computed by hand.
. "$(dirname "$0")/lib.sh"

mk() { $PY "$TOP/tests/t07-mkrec.py" "$@"; }
# j FILE FILTER: jq over the first record's JSON line (payload bytes follow it).
j() { head -n 1 "$1" | jq -c "$2"; }
jr() { head -n 1 "$1" | jq -r "$2"; }
# eq WANT GOT
eq() { [ "$1" = "$2" ] || { printf 'want: %s\ngot:  %s\n' "$1" "$2"; return 1; }; }

# One pixel of crops (class 4) at column 3, row 2 of a 5x5 nodata tile.
mk '. . . . .' '. . . . .' '. . . 4 .' '. . . . .' '. . . . .' >"$T/one.rec"
check 'single pixel: exclusive box [0.6,0.4,0.8,0.6], area 1' '
	caption --min-area 1 <"$T/one.rec" >"$T/one.out" &&
	eq "[{\"label\":\"crops\",\"class_id\":4,\"bbox\":[0.6,0.4,0.8,0.6],\"area_px\":1}]" \
	    "$(j "$T/one.out" .regions)" &&
	eq "\"This satellite imagery is dominated by crops (4.0%).\"" "$(j "$T/one.out" .caption)" &&
	eq "{\"4\":1}" "$(j "$T/one.out" .class_fractions)"'
check 'single pixel: rows caption, ground_all, classfocus_crops, ground_crops' '
	eq "[\"caption\",\"ground_all\",\"classfocus_crops\",\"ground_crops\"]" \
	    "$(j "$T/one.out" "[.rows[].tag]")" &&
	eq "[[0],[0],[0],[0]]" "$(j "$T/one.out" "[.rows[].boxes]")" &&
	eq "\"[{\\\"label\\\": \\\"crops\\\", \\\"bbox\\\": [0.6, 0.4, 0.8, 0.6]}]\"" \
	    "$(j "$T/one.out" ".rows[1].messages[1].content[0].text")" &&
	eq "\"In this satellite imagery, **crops** accounts for about 100.0% of valid pixels, showing one or two dominant contiguous patches.\"" \
	    "$(j "$T/one.out" ".rows[2].messages[1].content[0].text")"'
check 'row shape: user image placeholder + prompt, assistant text' '
	eq "[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"image\":\"{image}\"},{\"type\":\"text\",\"text\":\"The input is satellite imagery (RGB). Describe this imagery in detail, including surface cover and structure where visible.\"}]},{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"This satellite imagery is dominated by crops (4.0%).\"}]}]" \
	    "$(j "$T/one.out" ".rows[0].messages")"'
check 'grounding prompts carry the JSON format instruction' '
	eq "\"The input is satellite imagery. Inspect it and detect the land cover regions visible in this satellite imagery. Provide result as a valid JSON: [{\\\"label\\\": str, \\\"bbox\\\": [x1,y1,x2,y2]}, ...]. Coordinates must be normalized to 0-1.\"" \
	    "$(j "$T/one.out" ".rows[1].messages[0].content[1].text")" &&
	j "$T/one.out" ".rows[3].messages[0].content[1].text" | grep -q "detect the crops. Provide result as a valid JSON"'

# Default min-area (50, no tile key): the pixel is no region.
check 'below min-area: no regions sentence, layout "mixed", no grounding rows' '
	caption <"$T/one.rec" >"$T/one50.out" &&
	eq "[]" "$(j "$T/one50.out" .regions)" &&
	eq "\"This satellite imagery shows no clear land-cover regions above the size threshold in the model output resolution.\"" \
	    "$(j "$T/one50.out" .caption)" &&
	eq "[\"caption\",\"classfocus_crops\"]" "$(j "$T/one50.out" "[.rows[].tag]")" &&
	j "$T/one50.out" ".rows[1].messages[1].content[0].text" |
	    grep -q "about 100.0% of valid pixels, showing spatially mixed appearance in this resolution."'

# Diagonal neighbours are one region (8-connectivity); so are anti-diagonal ones.
mk '1 . . 2' '. 1 2 .' '. . 1 .' '. . . 1' >"$T/diag.rec"
check 'diagonal-touching pixels join: trees 4 px [0,0,1,1], grass 2 px [0.5,0,1,0.5]' '
	caption --min-area 1 <"$T/diag.rec" >"$T/diag.out" &&
	eq "[{\"label\":\"trees\",\"class_id\":1,\"bbox\":[0,0,1,1],\"area_px\":4},{\"label\":\"grass\",\"class_id\":2,\"bbox\":[0.5,0,1,0.5],\"area_px\":2}]" \
	    "$(j "$T/diag.out" .regions)" &&
	eq "\"This satellite imagery is dominated by trees (25.0%) and grass (12.5%).\"" \
	    "$(j "$T/diag.out" .caption)" &&
	eq "{\"1\":0.6667,\"2\":0.3333}" "$(j "$T/diag.out" .class_fractions)"'

# A class touching every edge gives the whole-tile box.
mk '7 7 7 7 7 7' '7 7 7 7 7 7' '7 7 4 7 7 7' '7 7 7 4 7 7' '7 7 7 7 7 7' '7 7 7 7 7 7' >"$T/frame.rec"
check 'class touching every edge -> [0,0,1,1]; inner diagonal pair [0.3333,..,0.6667]' '
	caption --min-area 1 <"$T/frame.rec" >"$T/frame.out" &&
	eq "[{\"label\":\"bare_ground\",\"class_id\":7,\"bbox\":[0,0,1,1],\"area_px\":34},{\"label\":\"crops\",\"class_id\":4,\"bbox\":[0.3333,0.3333,0.6667,0.6667],\"area_px\":2}]" \
	    "$(j "$T/frame.out" .regions)" &&
	head -n 1 "$T/frame.out" | grep -qF "\"bbox\":[0.0,0.0,1.0,1.0]" &&
	eq "[\"caption\",\"ground_all\",\"classfocus_bare_ground\",\"ground_bare_ground\",\"classfocus_crops\",\"ground_crops\"]" \
	    "$(j "$T/frame.out" "[.rows[].tag]")" &&
	eq "[[0,1],[0,1],[0],[0],[1],[1]]" "$(j "$T/frame.out" "[.rows[].boxes]")" &&
	eq "\"[{\\\"label\\\": \\\"bare_ground\\\", \\\"bbox\\\": [0.0, 0.0, 1.0, 1.0]}, {\\\"label\\\": \\\"crops\\\", \\\"bbox\\\": [0.3333, 0.3333, 0.6667, 0.6667]}]\"" \
	    "$(j "$T/frame.out" ".rows[1].messages[1].content[0].text")"'

mk '. . . .' '. . . .' '. . . .' '. . . .' >"$T/empty.rec"
check 'all nodata: no regions, empty fractions, only the caption row' '
	caption --min-area 1 <"$T/empty.rec" >"$T/empty.out" &&
	eq "[]" "$(j "$T/empty.out" .regions)" && eq "{}" "$(j "$T/empty.out" .class_fractions)" &&
	eq "[\"caption\"]" "$(j "$T/empty.out" "[.rows[].tag]")" &&
	j "$T/empty.out" .caption | grep -q "no clear land-cover regions"'

# English lists: one, two, three, four (and five, of which four are named).
check 'caption lists: "A", "A and B", "A, B, and C", top 4 of 5' '
	mk "0 0 0 0" "0 0 0 0" | caption --min-area 1 >"$T/l1.out" &&
	eq "\"This satellite imagery is dominated by water (100.0%).\"" "$(j "$T/l1.out" .caption)" &&
	mk "0 1 1 1" "0 1 1 1" ". 1 1 1" ". . . ." | caption --min-area 1 >"$T/l2.out" &&
	eq "\"This satellite imagery is dominated by trees (56.2%) and water (12.5%).\"" \
	    "$(j "$T/l2.out" .caption)" &&
	mk "0 1 1 1" "0 1 1 1" "2 1 1 1" "2 2 2 2" | caption --min-area 1 >"$T/l3.out" &&
	eq "\"This satellite imagery is dominated by trees (56.2%), grass (31.2%), and water (12.5%).\"" \
	    "$(j "$T/l3.out" .caption)" &&
	mk "0 1 1 1 1" "0 1 1 1 1" "2 2 2 3 3" "4 4 4 4 4" | caption --min-area 1 >"$T/l5.out" &&
	eq "\"This satellite imagery is dominated by trees (40.0%), crops (25.0%), grass (15.0%), and water (10.0%).\"" \
	    "$(j "$T/l5.out" .caption)" &&
	caption --min-area 1 --caption-classes 2 <"$T/l3.out" >"$T/l3b.out" &&
	eq "\"This satellite imagery is dominated by trees (56.2%) and grass (31.2%).\"" \
	    "$(j "$T/l3b.out" .caption)"'

# The 11 WorldCover classes as stripes 1..11 columns wide, 2 rows: areas 2..22 of 132.
stripes() {
	i=1
	for c in 10 20 30 40 50 60 70 80 90 95 100; do
		k=0; while [ $k -lt $i ]; do printf "%s " $c; k=$((k + 1)); done
		i=$((i + 1))
	done
}
mk -c wc "$(stripes)" "$(stripes)" >"$T/wc.rec"
check '11 WorldCover classes: caption, fractions, order of regions' '
	caption --min-area 1 <"$T/wc.rec" >"$T/wc.out" &&
	! head -n 1 "$T/wc.out" | grep -Eq "[0-9]\.[0-9]{5}" &&
	eq "\"This satellite imagery is dominated by Moss and lichen (16.7%), Mangroves (15.2%), Herbaceous wetland (13.6%), and Permanent water bodies (12.1%).\"" \
	    "$(j "$T/wc.out" .caption)" &&
	eq "{\"10\":0.0152,\"20\":0.0303,\"30\":0.0455,\"40\":0.0606,\"50\":0.0758,\"60\":0.0909,\"70\":0.1061,\"80\":0.1212,\"90\":0.1364,\"95\":0.1515,\"100\":0.1667}" \
	    "$(j "$T/wc.out" .class_fractions)" &&
	eq "[100,95,90,80,70,60,50,40,30,20,10]" "$(j "$T/wc.out" "[.regions[].class_id]")" &&
	eq "[22,20,18,16,14,12,10,8,6,4,2]" "$(j "$T/wc.out" "[.regions[].area_px]")" &&
	eq "{\"label\":\"Moss and lichen\",\"class_id\":100,\"bbox\":[0.8333,0,1,1],\"area_px\":22}" \
	    "$(j "$T/wc.out" ".regions[0]")" &&
	eq "{\"label\":\"Bare / sparse vegetation\",\"class_id\":60,\"bbox\":[0.2273,0,0.3182,1],\"area_px\":12}" \
	    "$(j "$T/wc.out" ".regions[5]")" &&
	eq "{\"label\":\"Tree cover\",\"class_id\":10,\"bbox\":[0,0,0.0152,1],\"area_px\":2}" \
	    "$(j "$T/wc.out" ".regions[10]")"'
check '11 WorldCover classes: per-class rows above 5% (8 of 11), by fraction, names as tags' '
	eq "[\"caption\",\"ground_all\",\"classfocus_moss_and_lichen\",\"ground_moss_and_lichen\",\"classfocus_mangroves\",\"ground_mangroves\",\"classfocus_herbaceous_wetland\",\"ground_herbaceous_wetland\",\"classfocus_permanent_water_bodies\",\"ground_permanent_water_bodies\",\"classfocus_snow_and_ice\",\"ground_snow_and_ice\",\"classfocus_bare_sparse_vegetation\",\"ground_bare_sparse_vegetation\",\"classfocus_built_up\",\"ground_built_up\",\"classfocus_cropland\",\"ground_cropland\"]" \
	    "$(j "$T/wc.out" "[.rows[].tag]")" &&
	j "$T/wc.out" ".rows[14].messages[1].content[0].text" |
	    grep -qF "**Built-up** accounts for about 7.6% of valid pixels" &&
	j "$T/wc.out" ".rows[5].messages[1].content[0].text" |
	    grep -qF "[{\\\"label\\\": \\\"Mangroves\\\", \\\"bbox\\\": [0.6818, 0.0, 0.8333, 1.0]}]"'
check '--max-classes-per-tile 3 and --min-class-fraction 0.15' '
	caption --min-area 1 --max-classes-per-tile 3 <"$T/wc.rec" >"$T/wc3.out" &&
	eq "[\"classfocus_moss_and_lichen\",\"classfocus_mangroves\",\"classfocus_herbaceous_wetland\"]" \
	    "$(j "$T/wc3.out" "[.rows[].tag | select(startswith(\"classfocus\"))]")" &&
	caption --min-area 1 --min-class-fraction 0.15 <"$T/wc.rec" >"$T/wc15.out" &&
	eq "[\"classfocus_moss_and_lichen\",\"classfocus_mangroves\"]" \
	    "$(j "$T/wc15.out" "[.rows[].tag | select(startswith(\"classfocus\"))]")"'
check 'switches: --no-grounding, --no-per-class, --no-per-class-grounding' '
	caption --min-area 1 --no-grounding <"$T/frame.rec" >"$T/s1.out" &&
	eq "[\"caption\",\"classfocus_bare_ground\",\"classfocus_crops\"]" "$(j "$T/s1.out" "[.rows[].tag]")" &&
	caption --min-area 1 --no-per-class <"$T/frame.rec" >"$T/s2.out" &&
	eq "[\"caption\",\"ground_all\"]" "$(j "$T/s2.out" "[.rows[].tag]")" &&
	caption --min-area 1 --no-per-class-grounding <"$T/frame.rec" >"$T/s3.out" &&
	eq "[\"caption\",\"ground_all\",\"classfocus_bare_ground\",\"classfocus_crops\"]" \
	    "$(j "$T/s3.out" "[.rows[].tag]")"'

# Layout words by region count: 0 / 1-2 / 3-5 / more.
check 'layout words: 3 patches "several", 6 patches "many small fragments"' '
	mk "0 . 0 . 0 . . ." ". . . . . . . ." "0 . 0 . 0 . . ." >"$T/lay.rec" &&
	caption --min-area 1 --max-per-class 3 <"$T/lay.rec" >"$T/lay3.out" &&
	jr "$T/lay3.out" ".rows[2].messages[1].content[0].text" | grep -q "showing several separated patches.$" &&
	eq 3 "$(j "$T/lay3.out" ".regions | length")" &&
	caption --min-area 1 <"$T/lay.rec" >"$T/lay6.out" &&
	jr "$T/lay6.out" ".rows[2].messages[1].content[0].text" | grep -q "showing many small fragments across the tile.$" &&
	eq "[[0,0,0.125,0.3333],[0.25,0,0.375,0.3333],[0.5,0,0.625,0.3333]]" \
	    "$(j "$T/lay3.out" "[.regions[].bbox]")"'

# min-area is in native pixels, scaled by out/size of the tile key: floor, at least 1.
check 'min-area scaled by tile out/size: 50*10/100 = 5 keeps 5 px, drops 4 px' '
	mk -t 100,10 "1 1 1 1 1 . 2 2" ". . . . . . 2 2" >"$T/sc.rec" &&
	caption <"$T/sc.rec" >"$T/sc.out" &&
	eq "[[1,5]]" "$(j "$T/sc.out" "[.regions[] | [.class_id, .area_px]]")" &&
	caption --min-area 40 <"$T/sc.rec" >"$T/sc40.out" &&
	eq "[[1,5],[2,4]]" "$(j "$T/sc40.out" "[.regions[] | [.class_id, .area_px]]")" &&
	mk -t 1000,10 "1 . 2" | caption >"$T/sc1.out" &&
	eq 2 "$(j "$T/sc1.out" ".regions | length")"'

# A label value missing from the table: "class <id>", one warning for the whole run.
check 'unknown label value: named "class 42", warned once' '
	{ mk "42 42 1" "42 . 1"; mk "42 42 42" "1 1 1"; } >"$T/unk.rec" &&
	caption --min-area 1 <"$T/unk.rec" >"$T/unk.out" 2>"$T/unk.err" &&
	eq "\"This satellite imagery is dominated by class 42 (50.0%) and trees (33.3%).\"" \
	    "$(j "$T/unk.out" .caption)" &&
	j "$T/unk.out" "[.rows[].tag]" | grep -q classfocus_class_42 &&
	eq 1 "$(grep -c "label value 42 is not in landcover.classes" "$T/unk.err")"'

# uint16 labels (as for sources with big codes) with their own nodata.
printf '[{"id":7201,"name":"forest"},{"id":8200,"name":"water"}]' >"$T/osm.json"
check 'uint16 label, nodata 0 from the raster' '
	mk -d uint16 -n 0 -c "$T/osm.json" "7201 7201 ." ". 8200 8200" >"$T/u16.rec" &&
	caption --min-area 1 <"$T/u16.rec" >"$T/u16.out" &&
	eq "[[7201,2,[0,0,0.6667,0.5]],[8200,2,[0.3333,0.5,1,1]]]" \
	    "$(j "$T/u16.out" "[.regions[] | [.class_id, .area_px, .bbox]]")" &&
	eq "{\"7201\":0.5,\"8200\":0.5}" "$(j "$T/u16.out" .class_fractions)"'

# Deterministic and lossless: same bytes twice; the payload passes unchanged.
check 'same input twice gives identical bytes; payload and other keys pass through' '
	cat "$T/one.rec" "$T/frame.rec" "$T/wc.rec" "$T/u16.rec" >"$T/all.rec" &&
	caption --min-area 1 <"$T/all.rec" >"$T/all1.out" &&
	caption --min-area 1 <"$T/all.rec" >"$T/all2.out" &&
	cmp "$T/all1.out" "$T/all2.out" &&
	caption --min-area 1 <"$T/all1.out" >"$T/all3.out" && cmp "$T/all1.out" "$T/all3.out" &&
	[ "$(tail -c 12 "$T/u16.rec" | od -An -tx1)" = "$(tail -c 12 "$T/all1.out" | od -An -tx1)" ]'

# Speed on the worst case: a 4096x4096 label of 9 random classes is millions of
# specks under --min-area, with 12 squares per class planted in it.  The specks
# must not be sorted (that took 5.5 s here, now about 1 s); what is kept is the
# planted squares, largest first, at most 24 per class, none under 50 px.
$PY -c '
import json, sys, numpy as np
n = 4096
r = np.random.default_rng(7)
a = r.integers(0, 9, size=(n, n), dtype=np.uint8)
for c in range(9):
    for k in range(12):
        s = 10 + k
        y, x = 40 * k + 8, 440 * c + 8
        a[y - 1:y + s + 1, x - 1:x + s + 1] = (c + 1) % 9
        a[y:y + s, x:x + s] = c
rec = {"poi_id": "noise", "landcover": {"source": "x", "nodata": 255,
       "classes": [{"id": i, "name": "c%d" % i} for i in range(9)]},
       "rasters": [{"role": "label", "width": n, "height": n, "bands": ["label"],
                    "dtype": "uint8", "bytes": n * n, "nodata": 255}]}
sys.stdout.buffer.write(json.dumps(rec).encode() + b"\n" + a.tobytes())
' >"$T/noise.rec" || echo "not ok - could not make the noise label"
s=$(date +%s.%N)
caption -q <"$T/noise.rec" >"$T/noise.out"
e=$(date +%s.%N)
SECS=$($PY -c "print(round($e - $s, 2))")
echo "# caption: 4096x4096 random label in $SECS s"
# The time is reported, not asserted (speed belongs to benchmarks, not tests).
check "4096x4096 random label ($SECS s): regions largest first, <= 24 per class, >= 50 px" '
	head -n 1 "$T/noise.out" | jq -e "
	    (.regions | length) >= 9 * 12 and
	    ([.regions[].area_px] | . == (sort | reverse)) and
	    ([.regions[].area_px] | min) >= 50 and
	    ([.regions | group_by(.class_id)[] | length] | max) <= 24 and
	    ([.regions[] | select(.area_px == 441)] | length) >= 9" >/dev/null'
