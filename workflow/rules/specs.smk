"""Job specs: the params that define each job's result (JSON for the CLI's --spec).

A value belongs here only if changing it changes the result, because params
changes rerun jobs. Where and how a job runs (device, threads) is not a spec.
"""


def as_json(payload):
    return json.dumps(payload, sort_keys=True)


def wildcard_model(w):
    return ModelId(int(w.n), int(w.split), int(w.seed))


def model_spec(w):
    return {"n": int(w.n), "split": int(w.split), "seed": int(w.seed)}


def diffusion_spec():
    """The diffusion and the precision of every job that evaluates a model."""
    return {
        "diffusion": config["diffusion"],
        "mixed_precision": config["evaluation"]["mixed_precision"],
    }


def data_spec():
    return as_json({"grammar": config["grammar"], "data": config["data"]})


def train_spec(n):
    training = config["training"]
    model = dict(
        config["model"],
        vocab=config["grammar"]["q"],
        length=2 ** config["grammar"]["l"],
    )
    keys = ("batch_size", "lr", "lr_warm_epochs", "lr_mid", "lr_final")

    def spec(w):
        return as_json(
            {
                "n": n,
                "split": int(w.split),
                "seed": int(w.seed),
                "epochs": PLAN.epochs_of[n],
                "checkpoints": PLAN.checkpoints(n),
                "model": model,
                "T": config["diffusion"]["T"],
                "beta_start": config["diffusion"]["beta_start"],
                "beta_end": config["diffusion"]["beta_end"],
                "mixed_precision": config["mixed_precision"],
                **{k: training[k] for k in keys},
            }
        )

    return spec


def loss_spec(w):
    return as_json(
        {
            **model_spec(w),
            **diffusion_spec(),
            "loss_sequences": config["evaluation"]["loss_sequences"],
            "eval_seed": config["evaluation"]["seed"],
        }
    )


def initial_noise_spec(w):
    return as_json(
        {
            "rows": int(w.rows),
            "length": 2 ** config["grammar"]["l"],
            "q": config["grammar"]["q"],
            "seed": config["sampling"]["seed"],
        }
    )


def sample_spec(w):
    # The model and epoch are part of the spec: the output cache keys a job by
    # its params and upstream jobs, and every checkpoint comes from one job.
    return as_json(
        {
            "model": model_spec(w),
            "epoch": int(w.epoch),
            **diffusion_spec(),
            "n_samples": config["figures"]["fig4a"]["n_samples"],
            "mode": "fix-noise",
            "seed": config["sampling"]["seed"],
            "batch_size": config["sampling"]["batch_size"],
        }
    )


def nn_spec(w):
    fig = config["figures"]["fig4a"]
    return as_json(
        {**model_spec(w), "n_samples": fig["n_samples"], "kl_floor": fig["kl_floor"]}
    )


def evaluation_spec():
    return {
        **diffusion_spec(),
        "eval_seed": config["evaluation"]["seed"],
        "batch_size": config["sampling"]["batch_size"],
    }


def sequential_spec(w):
    fig = config["figures"]["fig1b"]
    keys = ("t_fraction", "n_sequences", "ks")
    return as_json({**model_spec(w), **evaluation_spec(), **{k: fig[k] for k in keys}})


def pair_spec(w):
    fig = config["figures"]["fig1b"]
    name = f"{w.kind}_split{w.split1}_seed{w.seed1}_vs_split{w.split2}_seed{w.seed2}"
    return as_json(
        {
            "n": int(w.n),
            "pair": name,
            "same_split": w.kind == "same",
            **evaluation_spec(),
            "t_fraction": fig["t_fraction"],
            "n_sequences": fig["n_sequences"],
        }
    )


def score_spec(w):
    fig = config["figures"]["fig3b"]
    keys = ("t_fractions", "n_sequences", "ks", "trajectory")
    return as_json(
        {
            **model_spec(w),
            **evaluation_spec(),
            **{k: fig[k] for k in keys},
            "sampling_seed": config["sampling"]["seed"],
        }
    )


def decomposition_spec(w):
    fig = config["figures"]["fig4b"]
    keys = ("t_fraction", "n_sequences")
    return as_json({**model_spec(w), **evaluation_spec(), **{k: fig[k] for k in keys}})


def uturn_spec(figure, extra_keys=()):
    def spec(w):
        fig = config["figures"][figure]
        keys = ("t_fractions", "n_sequences", "reps", *extra_keys)
        return as_json(
            {
                **model_spec(w),
                **diffusion_spec(),
                **{k: fig[k] for k in keys},
                "reference": getattr(w, "reference", "test_loss_min"),
                "uturn_seed": config["sampling"]["seed"],
                "batch_size": config["sampling"]["batch_size"],
            }
        )

    return spec
