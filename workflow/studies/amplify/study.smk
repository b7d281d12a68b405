# Study 4: Bias amplification by the sampler (study `amplify`), made by `diffgen new-study`: data -> moments -> the toy
# figure. Targets: amplify_toy, amplify (all), amplify_data, amplify_models.

import json

from diffgen.amplify.config import check_consistency as amplify_check
from diffgen.amplify.registry import FIGURES as AMPLIFY_FIGURES
from diffgen.amplify.tables import COLUMNS as AMPLIFY_COLUMNS

amplify = Study(
    "amplify",
    "Study 4: Bias amplification by the sampler",
    check=amplify_check,
    figures=AMPLIFY_FIGURES,
    paths={"DATA": "data/points.h5", "MOMENTS": "measure/moments.csv"},
    identity=True,
)
amplify.add_inputs("moments", lambda: [amplify.MOMENTS], AMPLIFY_COLUMNS["moments"])
amplify.add_data(lambda: [amplify.DATA])


# Job specs: config mapped to each job's --spec (the schema owns the defaults).

def amplify_data_spec(wildcards):
    return json.dumps(amplify.config["data"], sort_keys=True)


def amplify_moments_spec(wildcards):
    spec = {**amplify.config["moments"], "dim": amplify.config["data"]["dim"]}
    return json.dumps(spec, sort_keys=True)


include: "rules/measure.smk"
