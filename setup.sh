#!/usr/bin/env bash
# ir-kg set-up: Chromium for the browser tests (Debian packages), then the package with the
# spaCy English model and the test tools (PyPI). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v chromium >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
        echo "setup.sh: install Debian's chromium (as root) for the browser tests; they are skipped without it" >&2
    fi
fi
python -m pip install -q -e ".[model,test]"
