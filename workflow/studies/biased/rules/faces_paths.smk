"""CelebA part of study 1 (U-Nets on face images): paths, plan, job specs, input functions.

Everything here is named biased_faces_* / biased.FACES_* (the study's shared namespace).
"""

from diffgen.biased.faces.config import check_consistency as biased_faces_check
from diffgen.biased.faces.plan import FacesPlan as BiasedFacesPlan

try:
    biased_faces_check(biased.config["faces"])
except DiffgenError as err:
    fail(err)

BIASED_FACES = biased.config["faces"]
BIASED_FACES_PLAN = BiasedFacesPlan(BIASED_FACES)

biased.FACES = f"{biased.results}/faces"
biased.FACES_LOGS = f"{biased.logs}/faces"
biased.FACES_DATA = f"{biased.FACES}/data/faces.h5"
biased.FACES_RUN = f"{biased.FACES}/train/split{{split}}"
biased.FACES_CHECKPOINT = f"{biased.FACES_RUN}/epoch{{epoch}}.pt"
biased.FACES_LOSS = f"{biased.FACES}/measure/loss/split{{split}}.csv"
biased.FACES_SAMPLES = f"{biased.FACES}/samples/split{{split}}.h5"
biased.FACES_SIMILARITY = f"{biased.FACES}/measure/generation_split.csv"
biased.FACES_REPRESENTATIVES = f"{biased.FACES}/measure/representatives.h5"
biased.FACES_NOISE = f"{biased.FACES}/measure/noise_prediction/epoch{{epoch}}.csv"
biased.FACES_REFERENCE = f"{biased.FACES}/reference.json"


# -- job specs: what defines each job's result -------------------------------


def biased_faces_json(payload):
    return json.dumps(payload, sort_keys=True)


def biased_faces_diffusion():
    return {"diffusion": BIASED_FACES["diffusion"]}


def biased_faces_data_spec():
    data = BIASED_FACES["data"]
    return biased_faces_json(
        {
            "data": {k: data[k] for k in ("path", "size", "seed")},
            **{k: BIASED_FACES[k] for k in ("splits", "n", "n_test")},
        }
    )


def biased_faces_train_spec(w):
    training = BIASED_FACES["training"]
    return biased_faces_json(
        {
            "split": int(w.split),
            "seed": int(w.split),
            "n": BIASED_FACES["n"],
            "epochs": training["epochs"],
            "checkpoints": BIASED_FACES_PLAN.grid,
            "model": BIASED_FACES["model"],
            **biased_faces_diffusion(),
            "batch_size": BIASED_FACES_PLAN.batch_size(),
            "lr": training["lr"],
            "mixed_precision": training["mixed_precision"],
        }
    )


def biased_faces_loss_spec(w):
    return biased_faces_json(
        {
            "split": int(w.split),
            "n": BIASED_FACES["n"],
            **biased_faces_diffusion(),
            **BIASED_FACES["loss"],
        }
    )


def biased_faces_generate_spec(w):
    return biased_faces_json(
        {
            "split": int(w.split),
            **biased_faces_diffusion(),
            "size": BIASED_FACES["data"]["size"],
            **{
                k: v
                for k, v in BIASED_FACES["generation"].items()
                if k != "checkpoints"
            },
        }
    )


def biased_faces_pairs_spec():
    return biased_faces_json(
        {
            "splits": BIASED_FACES["splits"],
            "n": BIASED_FACES["n"],
            **BIASED_FACES["similarity"],
        }
    )


def biased_faces_noise_spec(w):
    noise = BIASED_FACES["noise_prediction"]
    return biased_faces_json(
        {
            "epoch": int(w.epoch),
            "splits": BIASED_FACES["splits"],
            "n": BIASED_FACES["n"],
            **biased_faces_diffusion(),
            **{k: v for k, v in noise.items() if k != "checkpoints"},
        }
    )


# -- input functions ----------------------------------------------------------


def biased_faces_checkpoints(split, epochs):
    return [biased.FACES_CHECKPOINT.format(split=split, epoch=e) for e in epochs]


def biased_faces_run_checkpoints(w):
    return biased_faces_checkpoints(w.split, BIASED_FACES_PLAN.grid)


def biased_faces_generation_checkpoints(w):
    return biased_faces_checkpoints(w.split, BIASED_FACES_PLAN.generation_epochs)


def biased_faces_epoch_checkpoints(w):
    """Every model's checkpoint at the wildcard epoch, in split order."""
    return [
        biased.FACES_CHECKPOINT.format(split=s, epoch=w.epoch)
        for s in BIASED_FACES_PLAN.splits
    ]


def biased_faces_per_model(template):
    return [template.format(split=s) for s in BIASED_FACES_PLAN.splits]


def biased_faces_folder(w):
    """The img_align_celeba folder (its modification time reruns the data job), if any."""
    path = BIASED_FACES["data"]["path"]
    return [path] if path else []


def biased_faces_train_runtime():
    """Minutes for one attempt: epochs * n images at the configured throughput."""
    per_minute = BIASED_FACES["cluster"]["train_images_per_minute"]
    images = BIASED_FACES["training"]["epochs"] * BIASED_FACES["n"]
    return capped_runtime(images / per_minute)


# The kinds of measurement files the face figures of the registry read.
for biased_kind, biased_paths_of in {
    "faces_similarity": lambda: [biased.FACES_SIMILARITY],
    "faces_loss": lambda: biased_faces_per_model(biased.FACES_LOSS),
    "faces_reference": lambda: [biased.FACES_REFERENCE],
    "faces_representatives": lambda: [biased.FACES_REPRESENTATIVES],
    "faces_noise_prediction": lambda: [
        biased.FACES_NOISE.format(epoch=e)
        for e in BIASED_FACES_PLAN.noise_prediction_epochs
    ],
}.items():
    biased.add_inputs(biased_kind, biased_paths_of, BIASED_COLUMNS.get(biased_kind))
biased.add_data(lambda: [biased.FACES_DATA])
biased.add_models(
    lambda: [
        path
        for split in BIASED_FACES_PLAN.splits
        for path in biased_faces_checkpoints(split, BIASED_FACES_PLAN.grid)
    ]
)
