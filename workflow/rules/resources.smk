"""Resources of the job kinds: what a scheduler (SLURM) needs to place them."""

GPU_THREADS = config["threads"]["gpu_job"]
CPU_THREADS = config["threads"]["cpu_job"]


def train_runtime(n):
    """Minutes for one attempt: estimated from epochs * n, grows with the attempt."""
    cluster = config["cluster"]
    minutes = PLAN.epochs_of[n] * n / cluster["train_sequences_per_minute"]

    def runtime(wildcards, attempt):
        return int(min(cluster["max_runtime_minutes"], max(10, minutes * attempt)))

    return runtime


def gpu_runtime(base_minutes):
    def runtime(wildcards, attempt):
        return int(
            min(config["cluster"]["max_runtime_minutes"], base_minutes * attempt)
        )

    return runtime
