"""Job specs of study 2: the params that define each job's result (JSON for --spec)."""

import json


def harmonic_json(payload):
    return json.dumps(payload, sort_keys=True)


def harmonic_run_of(w):
    split = {"split": w.split} if "split" in w.keys() else {}
    return {
        "dataset": w.dataset,
        "alpha": HARMONIC_PLAN.alpha(w.dataset),
        "N": int(w.n),
        "main": w.dataset == HARMONIC_PLAN.main(),
        **split,
    }


def harmonic_pool_spec(w):
    return harmonic_json(
        {"name": w.dataset, "celeba_path": harmonic.config["celeba_path"]}
    )


def harmonic_data_spec(part):
    def spec(w):
        c = harmonic.config
        return harmonic_json(
            {
                "dataset": HARMONIC_PLAN.kind(w.dataset),
                "L": c["L"],
                "seed": c["seed"],
                "part": part or w.split,
                "n": c["n_test"] if part == "test" else int(w.n),
                "pool": c["pool_size"],
            }
        )

    return spec


def harmonic_network():
    net = dict(harmonic.config["network"])
    if net["arch"] == "unet":
        net.pop("depth")
    else:
        net.pop("B")
    return net


def harmonic_train_spec(w):
    """The training settings and the spec of the split it trains on (its identity)."""
    data = json.loads(harmonic_data_spec(None)(w))
    training = {**harmonic.config["training"], "network": harmonic_network()}
    return harmonic_json({**training, "data": data})


def harmonic_pair_spec(w):
    sampler = dict(harmonic.config["sampler"])
    return harmonic_json(
        {
            "run": harmonic_run_of(w),
            "seed": sampler.pop("seed"),
            "samples": sampler.pop("samples"),
            "shown": sampler.pop("shown"),
            "sampler": sampler,
            "variance": harmonic.config["measure"]["variance"],
        }
    )


def harmonic_psnr_spec(w):
    return harmonic_json(
        {"run": harmonic_run_of(w), **harmonic.config["measure"]["psnr"]}
    )


def harmonic_jacobian_spec(w):
    return harmonic_json(
        {"run": harmonic_run_of(w), **harmonic.config["measure"]["jacobian"]}
    )
