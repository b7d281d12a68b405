# Snakemake's between-workflow output cache, declared only when one is in use.
#
# Datasets, checkpoints and sample banks are worth sharing between checkouts
# (`--cache` with $SNAKEMAKE_OUTPUT_CACHE set). A rule that declares `cache:`
# while no cache is configured makes Snakemake print a notice for it at every
# call, so rules say `cache: CACHE` and it is off unless `--cache` was given.

CACHE = "omit-software" if workflow.workflow_settings.cache is not None else False
