#!/usr/bin/env bash
# Link profiles/<name> to ~/.config/snakemake/<name> so that
# `snakemake --profile slurm fig4a` works as written from this checkout.
#
# A link left by another clone of this project (it points at that clone's
# profiles/<name>) would make `--profile slurm` here silently read that clone's
# cluster settings: it is named, and replaced with --relink. Anything else of
# the same name is left alone (use --profile profiles/<name> then).
set -euo pipefail

relink=0
if [ "${1:-}" = "--relink" ]; then relink=1; fi

repo="$(cd "$(dirname "$0")/.." && pwd)"
config_dir="${XDG_CONFIG_HOME:-$HOME/.config}/snakemake"
mkdir -p "$config_dir"
for profile in "$repo"/profiles/*/; do
    name="$(basename "$profile")"
    target="$config_dir/$name"
    if [ -L "$target" ] && [ "$(readlink -f "$target")" = "$(readlink -f "$profile")" ]; then
        continue
    fi
    if [ -L "$target" ]; then
        points="$(readlink "$target")"
        # Another clone's profile: <clone>/profiles/<name> beside a resources/link-profiles.sh.
        if [ "$(basename "$(dirname "$points")")" = profiles ] \
            && [ -f "$(dirname "$(dirname "$points")")/resources/link-profiles.sh" ]; then
            if [ "$relink" = 1 ]; then
                ln -sfn "${profile%/}" "$target"
                echo "profiles: relinked $target -> ${profile%/} (was another clone's: $points)" >&2
            else
                echo "profiles: $target points at another clone ($points);" \
                    "--profile $name there reads that clone's settings." \
                    "Relink it to this one: bash resources/link-profiles.sh --relink" \
                    "(or use --profile profiles/$name)" >&2
            fi
            continue
        fi
    fi
    if [ -e "$target" ] || [ -L "$target" ]; then
        echo "profiles: $target exists and is not this project's; kept it" \
            "(use --profile profiles/$name)" >&2
        continue
    fi
    ln -s "${profile%/}" "$target"
    echo "profiles: linked $target -> ${profile%/}" >&2
done
