#!/bin/bash
# Times a linkage run, the first (loading) and later (cached) answers to the foster-care-to-shelter
# question and a steward's consented matches through `pprl serve` and curl. Expects cs.pprl and
# hs.pprl (children's and homeless services, encoded with examples/agency-schema.json) in $WORK
# (default /tmp/svc). Uses port 18090 and a fresh data directory $WORK/data.
set -e
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
P="$ROOT/pprl"
cd "${WORK:-/tmp/svc}"
rm -rf data
export PPRL_DATA_DIR="$PWD/data"
$P admin create-agency childrens_services >/dev/null
$P admin create-agency homeless_services >/dev/null
ADMIN=$($P admin create-token --role admin | tail -1)
ANALYST=$($P admin create-token --role analyst | tail -1)
CS=$($P admin create-token --role steward --agency childrens_services | tail -1)
HS=$($P admin create-token --role steward --agency homeless_services | tail -1)
$P serve --port 18090 > serve.log 2>&1 &
SERVER=$!
trap 'kill $SERVER' EXIT
for _ in $(seq 60); do curl -sf localhost:18090/health >/dev/null && break; sleep 1; done
URL=localhost:18090/projects
FP=$($P inspect cs.pprl | grep -i 'fingerprint' | awk '{print $NF}')
ATTRS=$(python3 -c 'import json, sys; print(json.dumps([a["name"] for a in json.load(open(sys.argv[1]))["pprl"]["attributes"]]))' "$ROOT/examples/agency-schema.json")
curl -sf -X POST -H "Authorization: Bearer $ADMIN" $URL -d "{\"name\":\"m\",\"agencies\":[\"childrens_services\",\"homeless_services\"],\"schemaFingerprint\":\"$FP\",\"purposes\":[\"research\",\"service_coordination\"],\"attributes\":$ATTRS}" >/dev/null
/usr/bin/time -f "upload cs %e s" curl -sf -X PUT -H "Authorization: Bearer $CS" --data-binary @cs.pprl $URL/1/extracts/childrens_services >/dev/null
/usr/bin/time -f "upload hs %e s" curl -sf -X PUT -H "Authorization: Bearer $HS" --data-binary @hs.pprl $URL/1/extracts/homeless_services >/dev/null
curl -sf -X POST -H "Authorization: Bearer $ADMIN" $URL/1/runs >/dev/null
while curl -sf -H "Authorization: Bearer $ADMIN" $URL/1/runs/1 | grep -q '"status":"\(queued\|running\)"'; do sleep 0.5; done
curl -sf -H "Authorization: Bearer $ADMIN" $URL/1/runs/1 | python3 -c 'import json,sys; r=json.load(sys.stdin); print("run", r["status"], r["startedAt"], r["finishedAt"], "entities", r["summary"].get("entities"))'
Q='{"purpose":"research","question":{"cohort":{"agency":"childrens_services","where":{"foster_care":["Y"]}},"from":{"agency":"childrens_services","attribute":"foster_discharge_date"},"to":{"agency":"homeless_services","attribute":"shelter_entry_date"},"days":[30,90,180,365],"rows":{"agency":"homeless_services","attribute":"shelter_type"}}}'
for i in 1 2 3; do /usr/bin/time -f "question $i %e s" curl -sf -X POST -H "Authorization: Bearer $ANALYST" $URL/1/questions -d "$Q" > answer.json; done
python3 -c 'import json; t=json.load(open("answer.json"))["table"]; print("base", t["base"], "cells", t["cells"], "suppressed", t["primarySuppressions"], t["complementarySuppressions"])'
for i in 1 2; do /usr/bin/time -f "matches $i %e s" curl -sf -H "Authorization: Bearer $CS" "$URL/1/matches?purpose=service_coordination" > matches.json; done
python3 -c 'import json; print("matches", json.load(open("matches.json"))["count"])'
