#!/usr/bin/env bash
# Regenerates docs/images/invoice-pt-BR.png, page 1 of the sample pt-BR invoice (decision 0018b): prints the samples of
# tests/Agora.Testing/InvoiceSamples.cs with the application's PDF adapter, then rasterizes page 1 with PDFium compiled
# to WebAssembly (tools/invoice-png/render.mjs), so no system rasterizer is needed. Also leaves the sample PDFs in
# $OUT (default: a temporary folder) for a look at the English invoice, the credit note and a 300-line invoice.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${OUT:-$(mktemp -d)}"
dotnet run "$root/tools/invoice-png/sample.cs" -- "$out"
npm ci --prefix "$root/tools/invoice-png" --no-audit --no-fund >/dev/null
mkdir -p "$root/docs/images"
node "$root/tools/invoice-png/render.mjs" "$out/invoice-pt-BR.pdf" "$root/docs/images/invoice-pt-BR.png" 1 1.6
