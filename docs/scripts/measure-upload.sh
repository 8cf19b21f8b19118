#!/bin/bash
# Times seven uploads in a row of one agency's extract through `pprl serve` and curl, alternating
# between two versions, and prints each receipt's added and removed counts. Expects cs1.pprl and
# cs2.pprl (children's services encoded with examples/agency-schema.json; cs2 without a few of cs1's
# records) in $WORK (default /tmp/measure). Uses port 18091 and a fresh data directory $WORK/data.
# PPRL_JAR=path runs another build's jar instead of ./pprl (to compare with an earlier commit).
set -e
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
if [ -n "${PPRL_JAR:-}" ]; then P="java -jar $PPRL_JAR"; else P="$ROOT/pprl"; fi
cd "${WORK:-/tmp/measure}"
rm -rf data
export PPRL_DATA_DIR="$PWD/data"
$P admin create-agency childrens_services >/dev/null
ADMIN=$($P admin create-token --role admin | tail -1)
CS=$($P admin create-token --role steward --agency childrens_services | tail -1)
$P serve --port 18091 > serve.log 2>&1 &
SERVER=$!
trap 'kill $SERVER' EXIT
for _ in $(seq 60); do curl -sf localhost:18091/health >/dev/null && break; sleep 1; done
URL=localhost:18091/projects
FP=$($P inspect cs1.pprl | grep -i 'fingerprint' | awk '{print $NF}')
ATTRS=$(python3 -c 'import json, sys; print(json.dumps([a["name"] for a in json.load(open(sys.argv[1]))["pprl"]["attributes"]]))' "$ROOT/examples/agency-schema.json")
curl -sf -X POST -H "Authorization: Bearer $ADMIN" $URL -d "{\"name\":\"m\",\"agencies\":[\"childrens_services\"],\"schemaFingerprint\":\"$FP\",\"attributes\":$ATTRS}" >/dev/null
for i in 1 2 3 4 5 6 7; do
  f=cs$(( (i + 1) % 2 + 1 )).pprl
  curl -sf -o receipt.json -w "upload $i ($f): %{time_total} s" -X PUT -H "Authorization: Bearer $CS" \
      --data-binary @$f $URL/1/extracts/childrens_services
  python3 -c 'import json; r=json.load(open("receipt.json")); print(", version", r["version"], "added", r.get("added"), "removed", r.get("removed"))'
done
