# Output paths of study 2 (templates on the study object). A run is
# (dataset, N, split); dataset tags read calpha2, disc, digits, celeba.

harmonic.RUN = "{dataset}/N{n}{split}"
harmonic.POOL = f"{harmonic.results}/data/{{dataset}}/pool.h5"
harmonic.TEST = f"{harmonic.results}/data/{{dataset}}/test.h5"
harmonic.SPLIT = f"{harmonic.results}/data/{{dataset}}/N{{n}}{{split}}.h5"
harmonic.RUN_DIR = f"{harmonic.results}/train/{harmonic.RUN}"
harmonic.MODEL = f"{harmonic.RUN_DIR}/model.pt"
harmonic.PAIR = f"{harmonic.results}/measure/pair/{{dataset}}/N{{n}}.csv"
harmonic.PAIR_IMAGES = f"{harmonic.results}/measure/pair/{{dataset}}/N{{n}}_images.csv"
harmonic.PSNR = f"{harmonic.results}/measure/psnr/{harmonic.RUN}.csv"
harmonic.JACOBIAN = f"{harmonic.results}/measure/jacobian/{harmonic.RUN}_{{part}}.csv"

HARMONIC_WILDCARDS = {
    "dataset": r"calpha[0-9.]+|disc|digits|celeba",
    "n": r"\d+",
    "split": "A|B",
}

#: Minutes a training attempt asks for: its images at a conservative rate, plus start-up.
HARMONIC_TRAIN_MINUTES = (
    harmonic.config["training"]["epochs"]
    * harmonic.config["training"]["epoch_images"]
    / harmonic.config["cluster"]["train_images_per_minute"]
    + 10
)


def harmonic_path(template, run, **extra):
    return template.format(dataset=run.dataset, n=run.N, split=run.split, **extra)


def harmonic_jacobian_paths(part):
    return lambda figure: [
        harmonic_path(harmonic.JACOBIAN, r, part=part)
        for r in HARMONIC_PLAN.jacobian_runs()
    ]


def harmonic_main_paths(template):
    main = HARMONIC_PLAN.main()
    return lambda figure: [
        template.format(dataset=main, n=n) for n in harmonic.config["sizes"]
    ]


for harmonic_kind, harmonic_paths_of in {
    "pair": harmonic_main_paths(harmonic.PAIR),
    "pair_images": harmonic_main_paths(harmonic.PAIR_IMAGES),
    "psnr": lambda figure: [
        harmonic_path(harmonic.PSNR, r) for r in HARMONIC_PLAN.psnr_runs()
    ],
    "spectrum": harmonic_jacobian_paths("spectrum"),
    "summary": harmonic_jacobian_paths("summary"),
    "basis": harmonic_jacobian_paths("basis"),
}.items():
    harmonic.add_inputs(harmonic_kind, harmonic_paths_of)
harmonic.add_data(
    lambda: [harmonic_path(harmonic.SPLIT, r) for r in HARMONIC_PLAN.runs()]
)
harmonic.add_models(
    lambda: [harmonic_path(harmonic.MODEL, r) for r in HARMONIC_PLAN.runs()]
)


def harmonic_checked_named(function):
    """Input function: named inputs (a dict that depends on the wildcards), their existing
    files checked whole and for their identity first."""

    def inputs(wildcards):
        return harmonic.checked(**function(wildcards))(wildcards)

    return inputs


def harmonic_pool_input(w):
    return (
        {"pool": harmonic.POOL.format(dataset=w.dataset)}
        if HARMONIC_PLAN.finite(w.dataset)
        else {}
    )


def harmonic_pool_arg(wildcards, input):
    return f"--pool {input.pool}" if "pool" in input.keys() else ""
