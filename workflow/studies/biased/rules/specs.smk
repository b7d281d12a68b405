"""Job specs of study 1: the params that define each job's result (JSON for --spec).

A value belongs here only if changing it changes the result, because params
changes rerun jobs. Where and how a job runs (device, threads) is not a spec.
"""

import json


def biased_json(payload):
    return json.dumps(payload, sort_keys=True)


def biased_wildcard_model(w):
    return BiasedModel(int(w.n), int(w.split), int(w.seed))


def biased_model_spec(w):
    return {"n": int(w.n), "split": int(w.split), "seed": int(w.seed)}


def biased_diffusion_spec():
    """The diffusion and the precision of every job that evaluates a model."""
    return {
        "diffusion": biased.config["diffusion"],
        "mixed_precision": biased.config["evaluation"]["mixed_precision"],
    }


def biased_data_spec():
    return biased_json(
        {"grammar": biased.config["grammar"], "data": biased.config["data"]}
    )


def biased_train_spec(n):
    cfg = biased.config
    training = cfg["training"]
    model = dict(
        cfg["model"], vocab=cfg["grammar"]["q"], length=2 ** cfg["grammar"]["l"]
    )
    keys = (
        "batch_size",
        "lr",
        "lr_warm_epochs",
        "lr_mid",
        "lr_final",
        "mixed_precision",
    )

    def spec(w):
        return biased_json(
            {
                "n": n,
                "split": int(w.split),
                "seed": int(w.seed),
                "epochs": BIASED_PLAN.epochs_of[n],
                "checkpoints": BIASED_PLAN.checkpoints(n),
                "model": model,
                "T": cfg["diffusion"]["T"],
                "beta_start": cfg["diffusion"]["beta_start"],
                "beta_end": cfg["diffusion"]["beta_end"],
                **{k: training[k] for k in keys},
            }
        )

    return spec


def biased_loss_spec(w):
    evaluation = biased.config["evaluation"]
    return biased_json(
        {
            **biased_model_spec(w),
            **biased_diffusion_spec(),
            "loss_sequences": evaluation["loss_sequences"],
            "train_loss_sequences": evaluation["train_loss_sequences"],
            "eval_seed": evaluation["seed"],
            "batch_size": biased.config["sampling"]["batch_size"],
        }
    )


def biased_initial_noise_spec(w):
    grammar = biased.config["grammar"]
    return biased_json(
        {
            "rows": int(w.rows),
            "length": 2 ** grammar["l"],
            "q": grammar["q"],
            "seed": biased.config["sampling"]["seed"],
        }
    )


def biased_sample_spec(w):
    # The model and epoch are part of the spec: the output cache keys a job by
    # its params and upstream jobs, and every checkpoint comes from one job.
    return biased_json(
        {
            "model": biased_model_spec(w),
            "epoch": int(w.epoch),
            **biased_diffusion_spec(),
            "n_samples": biased.config["figures"]["fig4a"]["n_samples"],
            "mode": "fix-noise",
            "seed": biased.config["sampling"]["seed"],
            "batch_size": biased.config["sampling"]["batch_size"],
        }
    )


def biased_nn_spec(w):
    fig = biased.config["figures"]["fig4a"]
    return biased_json(
        {
            **biased_model_spec(w),
            "n_samples": fig["n_samples"],
            "kl_floor": fig["kl_floor"],
        }
    )


def biased_evaluation_spec():
    return {
        **biased_diffusion_spec(),
        "eval_seed": biased.config["evaluation"]["seed"],
        "batch_size": biased.config["sampling"]["batch_size"],
    }


def biased_sequential_spec(w):
    fig = BIASED_PLAN.measurement(w.measurement)
    keys = ("t_fraction", "n_sequences", "reps", "ks")
    return biased_json(
        {
            **biased_model_spec(w),
            **biased_evaluation_spec(),
            **{k: fig[k] for k in keys},
        }
    )


def biased_pair_spec(w):
    """Every pair of the size's models, by index into the spec's model list."""
    n, fig = int(w.n), BIASED_PLAN.measurement(w.measurement)
    models = BIASED_PLAN.pair_models(w.measurement, n)
    index = {model: i for i, model in enumerate(models)}
    pairs = [
        {
            "first": index[pair.first],
            "second": index[pair.second],
            "same_split": pair.same_split,
        }
        for pair in BIASED_PLAN.pairs(w.measurement, n)
    ]
    return biased_json(
        {
            "n": n,
            "models": [{"split": m.split, "seed": m.seed} for m in models],
            "epochs": BIASED_PLAN.checkpoints(n),
            "pairs": pairs,
            **biased_evaluation_spec(),
            **{k: fig[k] for k in ("t_fraction", "n_sequences", "reps")},
            "train_panel": biased.config["sample_split"]["train_panel"],
        }
    )


def biased_grid(fractions):
    """A t grid for a spec: a list of t/T, or None for every step ("all")."""
    return None if fractions == "all" else fractions


def biased_score_spec(w):
    fig = biased.config["figures"]["fig3b"]
    return biased_json(
        {
            "n": int(w.n),
            **biased_evaluation_spec(),
            "t_fractions": biased_grid(fig["t_fractions"]),
            **{k: fig[k] for k in ("n_sequences", "reps", "trajectory")},
            "sampling_seed": biased.config["sampling"]["seed"],
        }
    )


def biased_bp_gap_spec():
    fig = biased.config["figures"]["fig3b"]
    return biased_json(
        {
            **biased_evaluation_spec(),
            "t_fractions": biased_grid(fig["t_fractions"]),
            "n_sequences": fig["n_sequences"],
            "reps": fig["reps"],
            "ks": fig["bp_ks"],
        }
    )


def biased_decomposition_spec(w):
    fig = biased.config["figures"]["fig4b"]
    keys = ("t_fraction", "n_sequences")
    return biased_json(
        {
            **biased_model_spec(w),
            **biased_evaluation_spec(),
            **{k: fig[k] for k in keys},
        }
    )


def biased_uturn_spec(w):
    fig = biased.config["figures"]["fig5"]
    keys = ("t_fractions", "n_sequences", "reps")
    return biased_json(
        {
            **biased_model_spec(w),
            **biased_diffusion_spec(),
            **{k: fig[k] for k in keys},
            "reference": w.reference,
            "uturn_seed": biased.config["sampling"]["seed"],
            "batch_size": biased.config["sampling"]["batch_size"],
        }
    )


def biased_uturn_random_spec(w):
    fig = biased.config["figures"]["figA11"]
    keys = ("t_fractions", "n_sequences", "reps", "ks", "empirical_size")
    return biased_json(
        {
            **biased_model_spec(w),
            **biased_diffusion_spec(),
            **{k: fig[k] for k in keys},
            "uturn_seed": biased.config["sampling"]["seed"],
            "batch_size": biased.config["sampling"]["batch_size"],
        }
    )
