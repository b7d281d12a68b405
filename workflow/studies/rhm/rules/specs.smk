"""Job specs of study 5: the params that define each job's result (JSON for --spec).

A value belongs here only if changing it changes the result, because params
changes rerun jobs. Where and how a job runs (device, threads) is not a spec.
"""

import json


def rhm_json(payload):
    return json.dumps(payload, sort_keys=True)


def rhm_grammar_of(name):
    shape = RHM_PLAN.shapes[name]
    return {"v": shape.v, "n": shape.n, "m": shape.m, "s": shape.s, "L": shape.L}


def rhm_run_of(w):
    return {"grammar": w.grammar, "P": int(w.P), "seed": int(w.seed)}


def rhm_data_spec(w):
    data = rhm.config["data"]
    return rhm_json(
        {
            "grammar": rhm_grammar_of(w.grammar),
            "seed_rules": data["seed_rules"],
            "rules_path": rhm.config["rules_path"],
            "P": int(w.P),
            "P_test": data["P_test"],
            "seed_sample": data["seed_sample"],
            "replacement": data["replacement"],
        }
    )


def rhm_network_of(name):
    shape = RHM_PLAN.shapes[name]
    return {
        "v": shape.v,
        "s": shape.s,
        "d": shape.d,
        "width": rhm.config["model"]["width"],
        "depth": RHM_PLAN.depth(name),
        "T": rhm.config["diffusion"]["T"],
    }


def rhm_train_spec(w):
    training = rhm.config["training"]
    keys = ("batch_size", "lr", "n_trajectories", "mixed_precision", "log_every")
    return rhm_json(
        {
            **rhm_run_of(w),
            "steps": RHM_PLAN.steps(int(w.P)),
            "checkpoints": RHM_PLAN.checkpoints(int(w.P)),
            "network": rhm_network_of(w.grammar),
            "seed_model": rhm.config["model"]["seed_model"] + int(w.seed),
            "diffusion": rhm.config["diffusion"],
            **{key: training[key] for key in keys},
        }
    )


def rhm_sample_spec(w):
    # The run and the step are part of the spec: the output cache keys a job by
    # its params and upstream jobs, and every checkpoint comes from one job.
    evaluation = rhm.config["evaluation"]
    return rhm_json(
        {
            "run": rhm_run_of(w),
            "step": int(w.step),
            "diffusion": rhm.config["diffusion"],
            "n_samples": evaluation["n_samples"],
            "seed": evaluation["sampling_seed"],
            "batch_size": evaluation["batch_size"],
            "mixed_precision": evaluation["mixed_precision"],
        }
    )


def rhm_measure_spec(w):
    evaluation = rhm.config["evaluation"]
    keys = ("eval_seed", "loss_strings", "batch_size", "mixed_precision")
    return rhm_json(
        {
            "run": rhm_run_of(w),
            "diffusion": rhm.config["diffusion"],
            **{key: evaluation[key] for key in keys},
        }
    )


def rhm_strings_spec(w):
    return rhm_json(
        {
            "grammar": rhm_grammar_of(w.grammar),
            "seed_rules": rhm.config["data"]["seed_rules"],
            "rules_path": rhm.config["rules_path"],
            "count": RHM_PLAN.string_count(w.grammar),
            "seed": rhm.config["forward_backward"]["seed"],
        }
    )


def rhm_fb_bp_spec(w):
    fb = rhm.config["forward_backward"]
    return rhm_json(
        {
            "grammar": w.grammar,
            "count": fb["n_strings"],
            "t": fb["t"],
            "diffusion": rhm.config["diffusion"],
            "seed": fb["seed"],
            "dtype": fb["dtype"],
            "batch_size": fb["batch_size"],
        }
    )


def rhm_fb_model_spec(w):
    fb = rhm.config["forward_backward"]
    return rhm_json(
        {
            "run": rhm_run_of(w),
            "step": RHM_PLAN.checkpoints(int(w.P))[-1],
            "t": fb["model_t"],
            "count": fb["model_strings"],
            "diffusion": rhm.config["diffusion"],
            "seed": fb["seed"],
            "batch_size": fb["batch_size"],
            "mixed_precision": rhm.config["evaluation"]["mixed_precision"],
        }
    )
