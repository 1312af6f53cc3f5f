#!/bin/sh
# caption --templates: the defaults as a file, user overrides, and bad template files.
. "$(dirname "$0")/lib.sh"

mk() { $PY "$TOP/tests/t07-mkrec.py" "$@"; }
jr() { head -n 1 "$1" | jq -r "$2"; }
EX=$TOP/examples/templates.json

mk "0 1 1 1" "0 1 1 1" "2 1 1 1" "2 2 2 2" >"$T/l3.rec"

check 'examples/templates.json holds exactly the built-in defaults' '
	caption --print-templates >"$T/def.json" &&
	jq "del(._comment)" "$EX" | cmp - "$T/def.json"'
check 'running with the example file changes no byte' '
	caption --min-area 1 <"$T/l3.rec" >"$T/a.out" &&
	caption --min-area 1 --templates "$EX" <"$T/l3.rec" >"$T/b.out" &&
	cmp "$T/a.out" "$T/b.out"'

cat >"$T/mine.json" <<'EOF'
{
  "_comment": "a user's own task mix",
  "caption_prompt": "What covers the ground here?",
  "caption_answer": "Mostly {classes}.",
  "caption_class": "{words} [{id}] {percent} percent",
  "list_pair": " plus ",
  "list_sep": "; ",
  "list_last": "; finally ",
  "grounding_prompt": "Box every {target}. Reply as JSON [{\"label\": str, \"bbox\": [x1,y1,x2,y2]}] in 0-1 units.",
  "grounding_all_target": "land-cover patch",
  "grounding_class_target": "patch of {words} (class {id})",
  "classfocus_prompt": "Only {name}, please.",
  "classfocus_answer": "{name}: {percent}% of the valid pixels; {layout}",
  "layout_few": "compact"
}
EOF
check 'overrides reach every row; the grounding answer stays JSON' '
	caption --min-area 1 --templates "$T/mine.json" <"$T/l3.rec" >"$T/m.out" &&
	[ "$(jr "$T/m.out" .caption)" = "Mostly trees [1] 56.2 percent; grass [2] 31.2 percent; finally water [0] 12.5 percent." ] &&
	[ "$(jr "$T/m.out" ".rows[0].messages[0].content[1].text")" = "What covers the ground here?" ] &&
	[ "$(jr "$T/m.out" ".rows[1].messages[0].content[1].text")" = "Box every land-cover patch. Reply as JSON [{\"label\": str, \"bbox\": [x1,y1,x2,y2]}] in 0-1 units." ] &&
	[ "$(jr "$T/m.out" ".rows[2].messages[0].content[1].text")" = "Only trees, please." ] &&
	[ "$(jr "$T/m.out" ".rows[2].messages[1].content[0].text")" = "trees: 56.2% of the valid pixels; compact" ] &&
	[ "$(jr "$T/m.out" ".rows[3].messages[0].content[1].text")" = "Box every patch of trees (class 1). Reply as JSON [{\"label\": str, \"bbox\": [x1,y1,x2,y2]}] in 0-1 units." ] &&
	jr "$T/m.out" ".rows[3].messages[1].content[0].text" | jq -e ".[0].label == \"trees\" and (.[0].bbox | length) == 4" >/dev/null'
check 'a two-item list uses list_pair; keys left out keep the default' '
	mk "0 0 1 1" | caption --min-area 1 --templates "$T/mine.json" >"$T/p.out" &&
	[ "$(jr "$T/p.out" .caption)" = "Mostly water [0] 50.0 percent plus trees [1] 50.0 percent." ] &&
	mk "0 . 0 . 0 . 0" | caption --min-area 1 --templates "$T/mine.json" >"$T/q.out" &&
	[ "$(jr "$T/q.out" ".rows[2].messages[1].content[0].text")" = "water: 100.0% of the valid pixels; several separated patches." ]'
check '--print-templates shows the overrides in force' '
	caption --templates "$T/mine.json" --print-templates >"$T/pt.json" &&
	[ "$(jq -r .list_pair "$T/pt.json")" = " plus " ] &&
	[ "$(jq -r .layout_many "$T/pt.json")" = "many small fragments across the tile." ] &&
	[ "$(jq -r "keys | length" "$T/pt.json")" -eq 16 ]'

check 'bad template files: exit 2, the file and the reason named' '
	printf "{\"caption_answr\": \"x\"}" >"$T/t1.json" &&
	fails 2 "caption --templates \"$T/t1.json\" </dev/null 2>\"$T/e1\"" &&
	grep -q "^caption: --templates .*/t1.json: unknown template \"caption_answr\"" "$T/e1" &&
	printf "{\"classfocus_answer\": \"{name} {precent}\"}" >"$T/t2.json" &&
	fails 2 "caption --templates \"$T/t2.json\" </dev/null 2>\"$T/e2\"" &&
	grep -q "unknown placeholder {precent} (allowed: {name} {words} {id} {percent} {layout})" "$T/e2" &&
	printf "{\"caption_prompt\": [1]}" >"$T/t3.json" &&
	fails 2 "caption --templates \"$T/t3.json\" </dev/null 2>\"$T/e3\"" &&
	grep -q "\"caption_prompt\": not a string" "$T/e3" &&
	printf "{\"caption_prompt\": \"x\",\n  oops}" >"$T/t4.json" &&
	fails 2 "caption --templates \"$T/t4.json\" </dev/null 2>\"$T/e4\"" &&
	grep -q "t4.json:2:" "$T/e4" &&
	fails 2 "caption --templates \"$T/none.json\" </dev/null 2>\"$T/e5\"" &&
	grep -q "none.json: No such file or directory" "$T/e5" &&
	fails 2 "caption --templates \"$T/t1.json\" <\"$T/l3.rec\" >\"$T/o6\" 2>/dev/null" && [ ! -s "$T/o6" ]'
