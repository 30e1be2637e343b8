#!/usr/bin/env bash
# The one test command (README, CI): every test on the regular build, then the tests that start the proxy as its own
# process again on the native (AOT) build, so both ways of shipping EdgeProxy are tested. The native part needs clang
# and zlib1g-dev (Debian packages); without them it says so and is skipped.
set -uo pipefail
cd "$(dirname "$0")"

dotnet test EdgeProxy.sln
status=$?

# grep without -q reads all of compgen's list: with -q it may stop early, and pipefail then sees compgen's SIGPIPE.
if compgen -c clang | grep -E '^clang(-[0-9]+)?$' >/dev/null && [ -e /usr/include/zlib.h ]; then
    native=$(mktemp -d)
    echo "native build: publishing (PublishAot) and running the separate-process tests on it"
    if dotnet publish src/Proxy -c Release -r linux-x64 -p:PublishAot=true -o "$native" -v quiet -nologo; then
        EDGEPROXY_TEST_EXECUTABLE="$native/EdgeProxy" dotnet test tests/EdgeProxy.Tests --filter "Process=Separate" || status=1
    else
        echo "native build: publish failed"
        status=1
    fi
    rm -rf "$native"
else
    echo "native build: skipped (needs the Debian packages clang and zlib1g-dev)"
fi

exit "$status"
