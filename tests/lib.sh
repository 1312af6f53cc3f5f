# tests/lib.sh - sourced by every shell test.  Provides:
#   check 'description' 'commands'   one test: passes when the commands exit 0
#   fails N 'commands'               run commands, succeed iff they exit exactly N
#   T                                a fresh scratch folder for this script
#   FIX                              ../shared/fixtures (read-only real data)
#   PY                               a python3 with numpy (Debian's)
#   free_port, start_server SCRIPT ARGS, start_nginx ROOT
#                                    servers on 127.0.0.1 only, stopped at exit
#   hf_rows_csv FILE                 the rows of the /rows replay as a CSV file
# Binaries come first on PATH from $S2VL_BIN.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd -P)
PATH=$S2VL_BIN:$PATH
export PATH
FIX=${S2VL_FIXTURES:-$TOP/../shared/fixtures}
[ -d "$FIX" ] || { echo "not ok - fixtures not found at $FIX"; exit 1; }
FIX=$(cd "$FIX" && pwd -P)
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
T=${S2VL_TMP:-$TOP/tests/tmp}/$(basename "$0" .sh)
rm -rf "$T" && mkdir -p "$T"
_cleanup=""
at_exit() { _cleanup="$1; $_cleanup"; }
trap 'eval "$_cleanup"' EXIT
trap 'exit 130' INT TERM

check() {
	if ( eval "$2" ) >"$T/.check.out" 2>&1; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		sed 's/^/#   /' "$T/.check.out" | tail -n 25
	fi
}

# fails N cmd...: the command must exit with status N (not a crash: 128+ never passes).
fails() {
	_want=$1; shift
	( eval "$*" ); _st=$?
	[ "$_st" -eq "$_want" ] && return 0
	echo "expected exit $_want, got $_st: $*" >&2
	return 1
}

free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT: until something listens (5 s at most).
wait_port() {
	i=0
	while [ $i -lt 100 ]; do
		$PY -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$1)))" && return 0
		sleep 0.05; i=$((i + 1))
	done
	echo "nothing listens on port $1" >&2; return 1
}

# start_server [NAME=VALUE...] SCRIPT ARGS...: run our tests/servers/SCRIPT on a free
# port of 127.0.0.1 (the port is its first argument), stopped at exit, with the NAME=VALUE
# pairs in its environment only (a token the tool under test must not inherit).  Sets
# SERVER_PORT; its stderr goes to $T/SCRIPT.PORT.err.  Not started: the test fails there.
start_server() {
	for _s; do case $_s in *=*) ;; *) break;; esac; done
	SERVER_PORT=$(free_port)
	(
		while :; do case $1 in *=*) export "$1"; shift;; *) break;; esac; done
		shift
		exec $PY "$TOP/tests/servers/$_s" "$SERVER_PORT" "$@"
	) 2>"$T/$_s.$SERVER_PORT.err" &
	at_exit "kill $! 2>/dev/null"
	wait_port "$SERVER_PORT" || { echo "not ok - $_s did not start"; exit 1; }
}

# start_nginx ROOT: serve ROOT read-only with range requests on a free port.
# Sets NGINX_PORT, NGINX_URL, NGINX_LOG (access log: "$request" status bytes "$http_range").
start_nginx() {
	NGINX_PORT=$(free_port)
	_nd=$T/nginx.$NGINX_PORT
	mkdir -p "$_nd"
	NGINX_LOG=$_nd/access.log
	cat >"$_nd/nginx.conf" <<NGX
daemon on;
$( [ "$(id -u)" = 0 ] && echo 'user root;')
pid $_nd/nginx.pid;
error_log $_nd/error.log;
worker_processes 1;
events { worker_connections 256; }
http {
	log_format rangelog '"\$request" \$status \$body_bytes_sent "\$http_range"';
	access_log $NGINX_LOG rangelog;
	client_body_temp_path $_nd;
	proxy_temp_path $_nd;
	fastcgi_temp_path $_nd;
	uwsgi_temp_path $_nd;
	scgi_temp_path $_nd;
	types { application/json json; image/tiff tif; image/png png; }
	keepalive_requests 10000;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $1;
		location / { }
	}
}
NGX
	nginx -c "$_nd/nginx.conf" -e "$_nd/error.log" || return 1
	at_exit "kill \$(cat $_nd/nginx.pid 2>/dev/null) 2>/dev/null"
	wait_port "$NGINX_PORT" || return 1
	NGINX_URL=http://127.0.0.1:$NGINX_PORT
}

# hf_rows_csv FILE: the 1050 rows of tests/servers/hf_rows.py (the /rows replay, bad rows
# included) as CSV with the default dataset's columns, so that --from runs see the
# same places as the dataset runs.
hf_rows_csv() {
	$PY - "$TOP/tests/servers" "$FIX" "$1" <<'EOF'
import csv, sys
sys.path.insert(0, sys.argv[1])
import hf_rows
rows = hf_rows.build_rows(sys.argv[2], 1050)
with open(sys.argv[3], "w", newline="") as fp:
    w = csv.writer(fp)
    cols = ["country_iso_alpha2", "latitude", "longitude", "address"]
    w.writerow(cols)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r[c] for c in cols])
EOF
}
