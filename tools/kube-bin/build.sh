#!/usr/bin/env bash
# Builds kube-apiserver, etcd and kube-controller-manager from the Go module proxy with the machine's Go,
# into a cache outside the repository keyed by version. Only missing binaries are built (a cache made
# before kube-controller-manager was added gains just that one), each moved into place atomically so a
# test run reading the cache meanwhile never sees a half-written file. k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces
# every staging module with ./staging/...), so a throwaway wrapper module pins each staging module to
# its published v0.X.Y and builds both main packages from there.
set -euo pipefail
KUBE_VERSION="${KUBE_VERSION:-v1.35.4}"
STAGING_VERSION="v0.${KUBE_VERSION#v1.}"
MINOR="$(echo "$KUBE_VERSION" | cut -d. -f2)"
CACHE_ROOT="${WSS_KUBE_BIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/webhook-secret-sync/kube-bin}"
OUT="$CACHE_ROOT/$KUBE_VERSION"
export GOOS="$(go env GOHOSTOS 2>/dev/null)" GOARCH="$(go env GOHOSTARCH 2>/dev/null)" # the host's binaries, even when GOOS/GOARCH are set for a cross build
step() { printf '[kube-bin %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

BINS=(kube-apiserver etcd kube-controller-manager)
MISSING=()
for b in "${BINS[@]}"; do [ -x "$OUT/$b" ] || MISSING+=("$b"); done
if [ "${#MISSING[@]}" -eq 0 ]; then
  step "cached: $OUT"
  echo "$OUT"
  exit 0
fi
missing() { case " ${MISSING[*]} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
command -v go >/dev/null || { echo "go is required to build kube-apiserver (Go 1.25+)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
step "building ${MISSING[*]} $KUBE_VERSION into $OUT (first time: about 10-15 minutes on 2 cores)"
go mod init kubebin.local >/dev/null 2>&1
step "1/5 reading k8s.io/kubernetes@$KUBE_VERSION go.mod from the module proxy"
GOMOD="$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*$/\1/p')"
go mod edit -require="k8s.io/kubernetes@$KUBE_VERSION"
count=0
for m in $(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$GOMOD"); do
  go mod edit -replace="$m=$m@$STAGING_VERSION"
  count=$((count + 1))
done
step "2/5 pinned $count staging modules to $STAGING_VERSION"
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "go.etcd.io/etcd/server/v3/etcdmain"
	_ "k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	_ "k8s.io/kubernetes/cmd/kube-apiserver/app"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)
GO
step "3/5 resolving and downloading modules (go mod tidy, ~1 GB the first time)"
go mod tidy
TMP_OUT="$WORK/out"
mkdir -p "$TMP_OUT"
V="k8s.io/component-base/version"
KUBE_LDFLAGS="-s -w -X $V.gitVersion=$KUBE_VERSION -X $V.gitMajor=1 -X $V.gitMinor=$MINOR -X $V.gitTreeState=clean"
if missing kube-apiserver; then
  step "4/5 compiling kube-apiserver (the long part)"
  CGO_ENABLED=0 go build -trimpath -ldflags "$KUBE_LDFLAGS" -o "$TMP_OUT/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  "$TMP_OUT/kube-apiserver" --version >&2
fi
if missing kube-controller-manager; then
  step "4/5 compiling kube-controller-manager (garbage collector, namespace deletion)"
  CGO_ENABLED=0 go build -trimpath -ldflags "$KUBE_LDFLAGS" -o "$TMP_OUT/kube-controller-manager" k8s.io/kubernetes/cmd/kube-controller-manager
  "$TMP_OUT/kube-controller-manager" --version >&2
fi
if missing etcd; then
  step "5/5 compiling etcd"
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$TMP_OUT/etcd" go.etcd.io/etcd/server/v3
  "$TMP_OUT/etcd" --version | head -1 >&2
fi
mkdir -p "$OUT"
# Same filesystem as $OUT is not guaranteed for $WORK: copy next to the target, then rename.
for b in "${MISSING[@]}"; do
  cp "$TMP_OUT/$b" "$OUT/.$b.tmp" && mv -f "$OUT/.$b.tmp" "$OUT/$b"
done
step "done: $OUT"
echo "$OUT"
