#!/usr/bin/env bash
# Builds the AWS Lambda Runtime Interface Emulator (aws-lambda-rie) from the Go module proxy into a
# cache outside the repository, keyed by version, and prints the binary's path. RIE is not on npm
# and its tags are not semver, hence the pseudo-version.
set -euo pipefail
RIE_VERSION="${RIE_VERSION:-v0.0.0-20261030222936-bef5c4ba774d}"
CACHE_ROOT="${WSS_RIE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/webhook-secret-sync/lambda-rie}"
OUT="$CACHE_ROOT/$RIE_VERSION"
step() { printf '[lambda-rie %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ -x "$OUT/aws-lambda-rie" ]; then
  step "cached: $OUT/aws-lambda-rie"
  echo "$OUT/aws-lambda-rie"
  exit 0
fi
command -v go >/dev/null || { echo "go is required to build aws-lambda-rie (Go 1.25+)" >&2; exit 1; }
step "building aws-lambda-rie@$RIE_VERSION into $OUT"
mkdir -p "$OUT.tmp"
CGO_ENABLED=0 GOBIN="$OUT.tmp" go install -trimpath -ldflags "-s -w" \
  "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$RIE_VERSION"
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
step "done: $OUT/aws-lambda-rie"
echo "$OUT/aws-lambda-rie"
