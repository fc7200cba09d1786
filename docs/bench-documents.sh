#!/bin/bash
# Measures upload/download throughput and server RSS for 100 MB and 1 GB files, and the time
# from upload to a ready preview of a 20-page PDF, on a release server; $1 = local | s3.
set -euo pipefail
MODE=$1
FILES=$(mktemp -d)
head -c 100M /dev/urandom > "$FILES/100m.bin"
head -c 1G /dev/urandom > "$FILES/1g.bin"
python3 - "$FILES/twenty.pdf" <<'PY'
import sys
pages=20; out=sys.argv[1]
objs=["<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join("%d 0 R"%(4+2*n) for n in range(pages)), pages),
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
for n in range(pages):
    objs.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << /Font << /F1 3 0 R >> >> >>" % (5+2*n))
    stream="0.%d 0.45 0.75 rg 0 700 595 142 re f\n0 0 0 rg\nBT /F1 36 Tf 56 760 Td (Benchmark catalogue) Tj ET\nBT /F1 18 Tf 56 640 Td (Page %d of %d) Tj ET\n" % (n%10, n+1, pages)
    objs.append("<< /Length %d >>\nstream\n%sendstream" % (len(stream), stream))
data=b"%PDF-1.4\n"
offs=[]
for i,o in enumerate(objs):
    offs.append(len(data)); data+=("%d 0 obj\n%s\nendobj\n"%(i+1,o)).encode()
x=len(data)
data+=("xref\n0 %d\n0000000000 65535 f \n"%(len(objs)+1)).encode()
for o in offs: data+=("%010d 00000 n \n"%o).encode()
data+=("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"%(len(objs)+1,x)).encode()
open(out,"wb").write(data)
PY
BIN=${CARGO_TARGET_DIR:-$HOME/.cache/entente-target}/release/entente-server
PORT=$((20000 + RANDOM % 10000))
DATA=$(mktemp -d)
export ENTENTE_DATA_DIR=$DATA LEPTOS_SITE_ADDR=127.0.0.1:$PORT LEPTOS_SITE_ROOT=$(git rev-parse --show-toplevel)/target/site RUST_LOG=warn
export ENTENTE_MAX_UPLOAD_BYTES=2147483648
if [ "$MODE" = s3 ]; then
  MPORT=$((30000 + RANDOM % 10000))
  ${CARGO_TARGET_DIR:-$HOME/.cache/entente-target}/s3-venv/bin/moto_server -p $MPORT > $DATA/moto.log 2>&1 &
  MOTO=$!
  sleep 3
  curl -s -X PUT http://127.0.0.1:$MPORT/bench > /dev/null
  export ENTENTE_BLOB_URL=s3://bench ENTENTE_S3_ENDPOINT=http://127.0.0.1:$MPORT ENTENTE_S3_ALLOW_HTTP=1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
fi
$BIN migrate > /dev/null 2>&1 || true
$BIN serve > $DATA/server.log 2>&1 &
PID=$!
for i in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:$PORT/healthz && break; sleep 0.2; done
J=$DATA/jar
O="Origin: http://127.0.0.1:$PORT"
curl -s -c $J -b $J -H "$O" -H 'Accept: application/json' --data-urlencode account_name="Bench Co" --data-urlencode name="Ben Mark" --data-urlencode email="ben@bench.example" --data-urlencode password="a long bench passphrase" http://127.0.0.1:$PORT/api/sign_up > /dev/null
ROOT=$(curl -s -c $J -b $J -H "$O" -H 'Accept: application/json' -X POST http://127.0.0.1:$PORT/api/documents/folder | python3 -c 'import json,sys; print(json.load(sys.stdin)["folder"]["id"])')
rss() { grep -E "^$1" /proc/$PID/status | awk '{print $2}'; }
echo "mode=$MODE idle RSS=$(rss VmRSS) kB"
for F in 100m 1g; do
  START=$(date +%s.%N)
  OUT=$(curl -s -b $J -H "$O" -H "Accept: application/json" -F folder=$ROOT -F file=@$FILES/$F.bin http://127.0.0.1:$PORT/documents/upload)
  END=$(date +%s.%N)
  ID=$(echo "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  SIZE=$(stat -c %s $FILES/$F.bin)
  UP=$(python3 -c "print(f'{$SIZE/($END-$START)/1e6:.0f} MB/s in {$END-$START:.2f} s')")
  START=$(date +%s.%N)
  curl -s -b $J -o /dev/null http://127.0.0.1:$PORT/documents/download?file=$ID
  END=$(date +%s.%N)
  DOWN=$(python3 -c "print(f'{$SIZE/($END-$START)/1e6:.0f} MB/s in {$END-$START:.2f} s')")
  echo "mode=$MODE file=$F upload $UP; download $DOWN; RSS now $(rss VmRSS) kB, peak $(rss VmHWM) kB"
done
START=$(date +%s.%N)
OUT=$(curl -s -b $J -H "$O" -H 'Accept: application/json' -F folder=$ROOT -F file=@$FILES/twenty.pdf http://127.0.0.1:$PORT/documents/upload)
ID=$(echo "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
for i in $(seq 600); do
  STATE=$(curl -s -b $J -H "$O" -H 'Accept: application/json' --data-urlencode file=$ID http://127.0.0.1:$PORT/api/documents/file | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["preview"]))')
  case "$STATE" in *Ready*|*Failed*) break;; esac
  sleep 0.1
done
END=$(date +%s.%N)
echo "mode=$MODE 20-page PDF: preview $STATE $(python3 -c "print(f'{$END-$START:.2f}')") s after the upload started; RSS peak $(rss VmHWM) kB"
kill $PID; wait $PID 2>/dev/null || true
[ "$MODE" = s3 ] && kill $MOTO
rm -rf "$DATA" "$FILES"
