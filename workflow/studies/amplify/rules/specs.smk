"""Job specs of study 4: the params that define each job's result (JSON for --spec).

A value belongs here only if changing it changes the result, because params
changes rerun jobs. Where and how a job runs (device, threads) is not a spec.
The run and data set names are part of the specs: identity records carry them,
so a file of another run is refused.
"""

import json


def amplify_json(payload):
    return json.dumps(payload, sort_keys=True)


def amplify_data_of(dataset):
    data = amplify.config["data"]
    return {
        "name": dataset.name(),
        "source": data["source"],
        "mnist_path": data["mnist_path"] if data["source"] == "mnist" else None,
        "split": dataset.split,
        "classes": list(dataset.classes),
        "rho": dataset.rho,
        "class_size": dataset.class_size,
        "no_digit": dataset.no_digit,
        "resolution": data["resolution"],
        "seed": data["seed"],
    }


def amplify_data_spec(w):
    return amplify_json(amplify_data_of(AMPLIFY_PLAN.dataset(w.dataset)))


def amplify_edm_model_of(variant):
    model = amplify.config["models"][variant]
    resolution = 32 if amplify.config["data"]["source"] == "mnist" else None
    return {
        "resolution": resolution or amplify.config["data"]["resolution"],
        "channels": model["channels"],
        "channel_mult": model["channel_mult"],
        "num_blocks": model["num_blocks"],
        "attn_resolutions": model["attn_resolutions"],
        # Defaults inside a map of variants are not filled by the schema.
        "dropout": model.get("dropout", 0.1),
        "label_dropout": model.get("label_dropout", 0.1),
    }


def amplify_train_edm_spec(w):
    run = AMPLIFY_PLAN.run(w.run)
    return amplify_json(
        {
            "run": w.run,
            "data": run.data.name(),
            "model": amplify_edm_model_of(run.variant),
            "num_classes": len(run.data.classes),
            **amplify.config["training"],
        }
    )


def amplify_sample_edm_spec(w):
    run, setting = AMPLIFY_PLAN.run(w.run), AMPLIFY_PLAN.setting(w.setting)
    sampler = amplify.config["sampler"]
    return amplify_json(
        {
            "run": w.run,
            "data": run.data.name(),
            "variant": run.variant,
            "sampler": {
                "solver": setting.solver,
                "steps": setting.steps,
                "s_churn": setting.s_churn,
                **{key: sampler[key] for key in ("s_min", "s_max", "s_noise")},
            },
            "per_class": setting.per_class,
            "seed": sampler["seed"],
        }
    )


def amplify_train_ddpm_spec(w):
    fig5 = amplify.config["figures"]["fig5"]
    data = AMPLIFY_PLAN.ddpm_data()
    return amplify_json(
        {
            "data": data.name(),
            "network": {
                **fig5["network"],
                "T": int(w.T),
                "num_labels": len(data.classes),
            },
            **fig5["training"],
        }
    )


def amplify_sample_ddpm_spec(w):
    fig5 = amplify.config["figures"]["fig5"]
    keys = ("steps", "order", "time_map", "per_class", "seed")
    return amplify_json(
        {
            "data": AMPLIFY_PLAN.ddpm_data().name(),
            "T": int(w.T),
            "w": float(w.w),
            **{key: fig5[key] for key in keys},
        }
    )


def amplify_figa_spec(w):
    figa = amplify.config["figures"]["figA"]
    return amplify_json(
        {"data": w.dataset, "sigmas": figa["sigmas"], "seed": figa["seed"]}
    )
