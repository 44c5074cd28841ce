#!/usr/bin/env bash
# Gets the Pulumi CLI the way a user's machine or CI would, for the engine suite (tests/engine/).
#
#   scripts/pulumi-cli.sh          # prepare: a `pulumi` on PATH, else the cached build, else build it
#   scripts/pulumi-cli.sh --path   # print the CLI's path only; never builds (exit 1 if there is none)
#
# The version has one home: tools/pulumi-cli/go.mod (`require github.com/pulumi/pulumi/pkg/v3 vX`).
# It must equal the lockfile's @pulumi/pulumi, whose automation API and dynamic-provider host the
# tests use with it; a mismatch fails here. `go install module@version` refuses pkg/v3 (its go.mod
# has replace lines), so the build goes through that small tool module. The binary lives outside
# the repository, in ~/.cache/pulumi-volumes/pulumi-v<ver>/bin/pulumi (PULUMI_VOLUMES_CACHE
# overrides the parent folder), and is reused when present.
# A `pulumi` already on PATH wins (a user's machine); PULUMI_VOLUMES_CLI names one explicitly.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-prepare}"

version="$(awk '$1 == "require" && $2 == "github.com/pulumi/pulumi/pkg/v3" { print $3 }' "$repo/tools/pulumi-cli/go.mod")"
[ -n "$version" ] || { echo "pulumi-cli: no pkg/v3 version in tools/pulumi-cli/go.mod" >&2; exit 1; }
sdk="$(awk '$1 == "github.com/pulumi/pulumi/sdk/v3" { print $2 }' "$repo/tools/pulumi-cli/go.mod")"
if [ "$sdk" != "$version" ]; then
    echo "pulumi-cli: tools/pulumi-cli/go.mod requires pkg/v3 $version but sdk/v3 ${sdk:-(none)}; they must be equal" >&2
    exit 1
fi
locked="v$(node -e 'const l = require(process.argv[1]); console.log(l.packages["node_modules/@pulumi/pulumi"].version)' "$repo/package-lock.json")"
if [ "$version" != "$locked" ]; then
    echo "pulumi-cli: tools/pulumi-cli/go.mod builds $version but package-lock.json has @pulumi/pulumi $locked; make them equal" >&2
    exit 1
fi

cache="${PULUMI_VOLUMES_CACHE:-$HOME/.cache/pulumi-volumes}/pulumi-$version"
bin="$cache/bin/pulumi"

if [ -n "${PULUMI_VOLUMES_CLI:-}" ]; then
    found="$PULUMI_VOLUMES_CLI"
elif found="$(command -v pulumi)"; then
    :
elif [ -x "$bin" ]; then
    found="$bin"
else
    found=""
fi

if [ "$mode" = "--path" ]; then
    [ -n "$found" ] || { echo "pulumi-cli: no Pulumi CLI on PATH nor at $bin; run: npm run engine:setup" >&2; exit 1; }
    echo "$found"
    exit 0
fi

if [ -n "$found" ]; then
    echo "pulumi-cli: using $found ($("$found" version)); build time 0 s (not built)" >&2
    echo "$found"
    exit 0
fi

command -v go >/dev/null || { echo "pulumi-cli: no pulumi on PATH and no Go toolchain to build $version" >&2; exit 1; }
echo "pulumi-cli: building the Pulumi CLI $version from the Go module proxy into $cache (minutes on a cold module cache)" >&2
start=$(date +%s)
mkdir -p "$cache/bin"
tmp="$cache/bin/pulumi.partial.$$"
(
    cd "$repo/tools/pulumi-cli"
    # go.sum pins every module; the version is stamped as Pulumi's own release build does.
    go build -o "$tmp" \
        -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
)
mv -f "$tmp" "$bin"
echo "pulumi-cli: built $("$bin" version) in $(($(date +%s) - start)) s" >&2
echo "$bin"
