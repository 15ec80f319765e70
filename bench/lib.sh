# Shared by the scripts in bench/: source it after scripts/lib.sh.

# A free TCP port on 127.0.0.1.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# The server binary the benchmarks run: the release build, or the one LP_SERVER_BIN names.
LP_SERVER="${LP_SERVER_BIN:-$ROOT/target/release/luckyplans}"

# Starts $LP_SERVER on a fresh data folder under $1 and waits until it is ready. Sets
# LP_PORT and LP_PID. Builds the release server and sites first when missing.
start_release_server() {
  local work=$1
  [ -x "$LP_SERVER" ] && [ -d "$ROOT/target/site/landing/pkg" ] || "$ROOT/scripts/build"
  mkdir -p "$work/data"
  LP_PORT=$(free_port)
  LP_LOG=warn LP_SITE_ROOT="$ROOT/target/site" "$LP_SERVER" serve \
    --addr "127.0.0.1:$LP_PORT" --data-dir "$work/data" &
  LP_PID=$!
  for _ in $(seq 1 100); do
    node -e "fetch('http://127.0.0.1:$LP_PORT/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" && return 0
    sleep 0.1
  done
  die "the release server did not become ready"
}

# Saves the page at $2 on host $1 (a site of the server on $LP_PORT) to the file $3,
# failing unless it answers 200; $4, when given, is sent as the Cookie header. (Node's
# fetch would replace the Host header.)
save_page() {
  node -e '
    const [host, path, out, port, cookie] = process.argv.slice(1);
    const headers = { host: `${host}:${port}`, ...(cookie ? { cookie } : {}) };
    require("http").get({ host: "127.0.0.1", port, path, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        if (res.statusCode !== 200) { console.error(`${host}${path}: ${res.statusCode}`); process.exit(1); }
        require("fs").writeFileSync(out, Buffer.concat(chunks));
      });
    });' "$1" "$2" "$3" "$LP_PORT" "${4:-}"
}
