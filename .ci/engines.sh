#!/usr/bin/env bash
# CI helper for the engine conformance tests (tests/test_conformance.py): Spark needs a Java
# runtime (17 or newer). Installs one from Debian's packages when `java` is absent; pyspark itself
# comes with the test extras. Exports nothing: .ci/run sets FRONTDESK_POSTGRES_URL.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

java_major() {
    # "openjdk version "17.0.15" 2025-04-15" -> 17 ("1.8.0_x" -> 1, too old either way)
    java -version 2>&1 | awk -F '"' '/version/ {split($2, v, "."); print v[1]; exit}'
}

if command -v java >/dev/null 2>&1 && [ "$(java_major)" -ge 17 ] 2>/dev/null; then
    echo "engines: $(java -version 2>&1 | head -1)"
    exit 0
fi

apt-get update -q
if apt-cache show openjdk-17-jre-headless >/dev/null 2>&1; then
    apt-get install -y -q --no-install-recommends openjdk-17-jre-headless
else
    apt-get install -y -q --no-install-recommends default-jre-headless
fi
echo "engines: $(java -version 2>&1 | head -1)"
