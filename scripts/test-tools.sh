#!/usr/bin/env bash
# Installs what the tests need beyond npm packages, so a fresh machine gets it from the project's own files:
#  - moto server (the AWS emulator of the integration tests) and cfn-lint (AWS's CloudFormation linter), pinned;
#    on this machine image both are already in Python and pip is satisfied without PyPI;
#  - Debian's chromium, which the HTML report tests drive headless through playwright-core (playwright's own browser
#    download does not work behind a closed network; Debian's package does).
set -euo pipefail
python3 -m pip install --quiet --disable-pip-version-check "moto[server]==5.2.1" "cfn-lint==1.51.0"
if ! command -v chromium >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
