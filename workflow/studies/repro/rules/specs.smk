"""Job specs of study 3: the params that define each job's result (JSON for --spec)."""

import json

from diffgen.repro import models as repro_models
from diffgen.repro.networks import describe as repro_describe


def repro_json(payload):
    return json.dumps(payload, sort_keys=True)


def repro_data_spec(w):
    return repro_json(
        {
            "dataset": w.dataset,
            "N": int(w.N),
            "held_out": repro.config["held_out"],
            "images_path": (
                repro.config["images_path"] if w.dataset == "images" else None
            ),
            "molrg": repro.config["molrg"],
        }
    )


def repro_latents_spec(w):
    sampling = repro.config["sampling"]
    return repro_json(
        {
            "shape": REPRO_PLAN.shape(w.dataset),
            "count": sampling["latents"],
            "first_seed": sampling["first_seed"],
        }
    )


def repro_train_spec(w):
    training = repro.config["training"]
    parts = repro_models.parse(w.model)
    network = repro_describe(
        parts["arch"], REPRO_PLAN.shape(w.dataset), parts["width"], parts["precond"]
    )
    loss = {
        key: training[key]
        for key in ("p_mean", "p_std", "uniform_fraction", "epsilon_t")
    }
    loss.update(sigma_lo=0.002, sigma_hi=80.0)
    return repro_json(
        {
            "N": int(w.N),
            "seed": parts["seed"],
            "network": network,
            "steps": training["steps"],
            "batch_size": training["batch_size"],
            "lr": training["lr"],
            "warmup_steps": REPRO_PLAN.warmup_steps(),
            "ema_decay": training["ema_decay"],
            "loss": loss,
            "log_every": training["log_every"],
        }
    )


def repro_denoiser_kind(model):
    return "net" if repro_models.parse(model) is not None else model


def repro_sample_spec(w):
    sampling = repro.config["sampling"]
    kind = repro_denoiser_kind(w.model)
    return repro_json(
        {
            "denoiser": kind,
            "model": w.model,
            "N": int(w.N),
            "batch_size": sampling["batch_size"],
            "sampler": {
                "solver": "euler" if kind == "dn" else "heun",
                **{k: sampling[k] for k in ("steps", "sigma_min", "sigma_max", "rho")},
            },
        }
    )


def repro_threshold_spec(w):
    measure = repro.config["measure"]
    return repro_json({k: measure[k] for k in ("pairs", "quantile", "seed")})


def repro_score_spec(w):
    measure = repro.config["measure"]
    return repro_json(
        {
            "models": REPRO_PLAN.scored()[(w.dataset, int(w.N), w.group)],
            "N": int(w.N),
            "ratio": measure["ratio"],
            "subspace_tolerance": measure["subspace_tolerance"],
            "sscd_path": repro.config["sscd_path"],
        }
    )


def repro_jacobian_spec(w):
    jacobian = repro.config["jacobian"]
    return repro_json(
        {
            "denoiser": repro_denoiser_kind(w.model),
            "model": w.model,
            "N": int(w.N),
            **{k: jacobian[k] for k in ("sigmas", "draws", "seed", "energy")},
        }
    )
