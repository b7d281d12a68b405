#!/usr/bin/env bash
# Link profiles/<name> to ~/.config/snakemake/<name> so that
# `snakemake --profile slurm fig4a` works as written. An existing profile of
# the same name is left alone (use --profile profiles/<name> then).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
config_dir="${XDG_CONFIG_HOME:-$HOME/.config}/snakemake"
mkdir -p "$config_dir"
for profile in "$repo"/profiles/*/; do
    name="$(basename "$profile")"
    target="$config_dir/$name"
    if [ -L "$target" ] && [ "$(readlink -f "$target")" = "$(readlink -f "$profile")" ]; then
        continue
    fi
    if [ -e "$target" ] || [ -L "$target" ]; then
        echo "profiles: $target exists and is not this project's; kept it" \
            "(use --profile profiles/$name)" >&2
        continue
    fi
    ln -s "${profile%/}" "$target"
    echo "profiles: linked $target -> ${profile%/}" >&2
done
