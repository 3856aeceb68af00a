#!/usr/bin/env bash
# The sale after checkout as its users do it, against the README's backend (dotnet run --project functions/Agora.LocalHost):
# a 1,000-line order of the demo buyer at the demo supplier, held in both warehouses, split into one lot per warehouse,
# packed, dispatched and delivered, with each lot's invoice read (JSON, PDF) and paid by the ERP, then a 100-line return approved and
# received, ending in a credit note. Prints each call's status, time and
# Cosmos requests (the x-cosmos-requests header every response carries). Figures in docs/performance.md ("Shipments").
# Usage: tools/sale-walkthrough.sh [lines]   (default 1000; needs curl and python3)
set -euo pipefail
N=${1:-1000}
H=${AGORA_URL:-http://localhost:7071}/api
S=acme-distribuidora
B=construtora-horizonte
W=$(mktemp -d)
tok() { curl -s -X POST "${H%/api}/dev/token/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }
ANA=$(tok ana); BRUNO=$(tok bruno); DIEGO=$(tok diego); IGOR=$(tok igor)
RUN=$(date +%s)
key() { python3 -c 'import uuid; print(uuid.uuid4())'; }
# call NAME TOKEN METHOD PATH [BODY-FILE] [CONTENT-TYPE]: prints "NAME status seconds requests", keeps the body in $W/NAME.json
call() {
  local name=$1 token=$2 method=$3 path=$4 body=${5:-} type=${6:-application/json}
  local args=(-s -X "$method" "$H$path" -H "Authorization: Bearer $token" -H "Idempotency-Key: $(key)" -o "$W/$name.json" -D "$W/$name.h" -w '%{http_code} %{time_total}')
  [ -n "$body" ] && args+=(-H "Content-Type: $type" --data-binary "@$body")
  local out; out=$(curl "${args[@]}")
  printf '%-28s %s %ss %s requests\n' "$name" "${out% *}" "${out#* }" "$(grep -i '^x-cosmos-requests' "$W/$name.h" | tr -dc 0-9)"
}
json() { python3 -c "import json,sys; d=json.load(open('$W/$1.json')); print($2)"; }
wait_import() {
  for _ in $(seq 1 120); do
    status=$(curl -s "$H/orgs/$S/imports/$1" -H "Authorization: Bearer $ANA" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    [ "$status" = completed ] && return 0; sleep 1
  done
  echo "import $1 did not complete" >&2; exit 1
}

python3 - "$W" "$N" "$RUN" <<'PY'
import json, sys
w, n, run = sys.argv[1], int(sys.argv[2]), sys.argv[3]
skus = [f"W{run}-{i:04d}" for i in range(n)]
open(f"{w}/b-catalog.csv", "w").write("sku;nome;categoria;marca;unidade;embalagens\n" + "".join(f"{s};Item {s};Ferramentas > Manuais;Marca;UN;CX=10\n" for s in skus))
open(f"{w}/b-prices.csv", "w").write("sku;unidade;preco\n" + "".join(f"{s};UN;1,00\n" for s in skus))
for k, wh, q in ((1, "sp-guarulhos", 1), (2, "rj-duque-caxias", 5)):
    json.dump({"items": [{"sku": s, "warehouseId": wh, "onHand": q, "asOf": "2026-01-02T00:00:00Z"} for s in skus]}, open(f"{w}/b-stock{k}.json", "w"))
open(f"{w}/b-quick.txt", "w").write("".join(f"{s} 6 UN\n" for s in skus))
json.dump({"addressId": "sede", "purchaseOrderNumber": f"PO-{run}"}, open(f"{w}/b-checkout.json", "w"))
PY

call catalog-import "$ANA" POST "/orgs/$S/imports?kind=catalog&file=walk-$RUN.csv" "$W/b-catalog.csv" text/csv
wait_import "$(json catalog-import 'd["id"]')"
call price-import "$ANA" POST "/orgs/$S/imports?kind=prices&file=walk-prices-$RUN.csv" "$W/b-prices.csv" text/csv
wait_import "$(json price-import 'd["id"]')"
call stock-sp "$DIEGO" POST "/orgs/$S/stock" "$W/b-stock1.json"
call stock-rj "$DIEGO" POST "/orgs/$S/stock" "$W/b-stock2.json"
curl -s -X DELETE "$H/orgs/$B/suppliers/$S/cart" -H "Authorization: Bearer $IGOR" -o /dev/null
call quick-order "$IGOR" POST "/orgs/$B/suppliers/$S/cart/quick-order" "$W/b-quick.txt" text/plain
call checkout "$IGOR" POST "/orgs/$B/suppliers/$S/checkout" "$W/b-checkout.json"
O=$(json checkout 'd["id"]')
echo '{"decision":"approve","comment":"walkthrough"}' > "$W/b-approve.json"
[ "$(json checkout 'd["status"]')" = pendingApproval ] && call approve "$BRUNO" POST "/orgs/$S/orders/$O/approvals" "$W/b-approve.json"
echo '{"status":"confirmed"}' > "$W/b-confirm.json"
call confirm "$BRUNO" POST "/orgs/$S/orders/$O/status" "$W/b-confirm.json"
python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
o = json.load(open(f"{w}/checkout.json"))
lots = {}
for i, line in enumerate(o["lines"]):
    for h in line["held"]:
        lots.setdefault(h["warehouseId"], []).append({"line": i, "quantity": h["quantity"], "inBaseUnits": True})
json.dump({"lots": [{"warehouseId": k, "lines": v} for k, v in lots.items()]}, open(f"{w}/b-lots.json", "w"))
json.dump({"reason": "Lote com defeito", "lines": [{"line": i, "quantity": 2} for i in range(min(100, len(o["lines"])))]}, open(f"{w}/b-return.json", "w"))
PY
call split "$DIEGO" POST "/orgs/$S/orders/$O/shipments" "$W/b-lots.json"
echo '{"status":"packed"}' > "$W/b-pack.json"
echo '{"status":"dispatched","carrier":"Jadlog","trackingNumber":"JD-WALK"}' > "$W/b-dispatch.json"
echo '{"status":"delivered"}' > "$W/b-deliver.json"
i=0
for s in $(json split '" ".join(x["id"] for x in d["items"])'); do
  i=$((i+1))
  call "pack-$i" "$DIEGO" POST "/orgs/$S/shipments/$s/status" "$W/b-pack.json"
  call "dispatch-$i" "$DIEGO" POST "/orgs/$S/shipments/$s/status" "$W/b-dispatch.json"
  call "deliver-$i (buyer)" "$IGOR" POST "/orgs/$B/shipments/$s/status" "$W/b-deliver.json"
done
echo "order $(json checkout 'd["number"]'): $(curl -s "$H/orgs/$S/orders/$O" -H "Authorization: Bearer $ANA" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
# Each lot that left was invoiced under its own id: read them as the buyer (JSON and PDF), then pay them from the ERP.
TOTAL=0
i=0
for s in $(json split '" ".join(x["id"] for x in d["items"])'); do
  i=$((i+1))
  call "invoice-$i" "$IGOR" GET "/orgs/$B/invoices/$s"
  echo "  $(json "invoice-$i" 'd["displayNumber"] + " " + str(d["total"]) + " in " + str(len(d["installments"])) + " installments"')"
  curl -s "$H/orgs/$B/invoices/$s?format=pdf" -H "Authorization: Bearer $IGOR" -o "$W/invoice-$i.pdf" -w "  pdf %{http_code} %{size_download} bytes %{time_total}s\n"
  TOTAL=$(python3 -c "print($TOTAL + $(json "invoice-$i" 'd["total"]'))")
done
python3 -c "import json,datetime; json.dump({'payments': [{'paymentId': 'walk-$RUN', 'buyerId': '$B', 'amount': $TOTAL, 'currency': 'BRL', 'receivedOn': datetime.date.today().isoformat()}]}, open('$W/b-payments.json', 'w'))"
call payment "$ANA" POST "/orgs/$S/payments" "$W/b-payments.json"
call statement "$IGOR" GET "/orgs/$B/suppliers/$S/statement"
echo "  balance after paying $TOTAL: $(json statement 'd["balance"]')"
call return "$IGOR" POST "/orgs/$B/orders/$O/returns" "$W/b-return.json"
R=$(json return 'd["id"]')
call return-approve "$BRUNO" POST "/orgs/$S/returns/$R/decision" "$W/b-approve.json"
python3 -c "import json; json.dump({'lines': [{'line': i, 'condition': 'resellable' if i % 2 == 0 else 'damaged'} for i in range(len(json.load(open('$W/b-return.json'))['lines']))]}, open('$W/b-receipt.json', 'w'))"
call return-receive "$DIEGO" POST "/orgs/$S/returns/$R/receipt" "$W/b-receipt.json"
echo "return $R: $(json return-receive 'd["status"]'), stock moved: $(json return-receive 'd["stockMoved"]'), credit notes: $(json return-receive '", ".join(d["creditNoteIds"])')"
call statement-after "$IGOR" GET "/orgs/$B/suppliers/$S/statement"
echo "  balance after the credit note: $(json statement-after 'd["balance"]')"
