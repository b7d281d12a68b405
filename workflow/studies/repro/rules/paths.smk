# Output paths of study 3 (templates), kept on the study object.

repro.SET = "{dataset}/N{N}"
repro.DATA = f"{repro.results}/data/{repro.SET}.h5"
repro.LATENTS = f"{repro.results}/latents/{{dataset}}.h5"
repro.THRESHOLD = f"{repro.results}/threshold/{{dataset}}.csv"
repro.RUN_DIR = f"{repro.results}/train/{repro.SET}/{{model}}"
repro.CHECKPOINT = f"{repro.RUN_DIR}/model.pt"
repro.SAMPLES = f"{repro.results}/samples/{repro.SET}/{{model}}.h5"
repro.SCORE = f"{repro.results}/score/{repro.SET}_{{group}}.csv"
repro.JACOBIAN = f"{repro.results}/jacobian/{repro.SET}/{{model}}.csv"

#: Wildcard formats, set per rule.
REPRO_WILDCARDS = {
    "dataset": "molrg|digits|images",
    "N": r"\d+",
    "model": r"(mlp|ddpmpp)\d+-(edm|vp)-seed\d+|dn|dstar",
    "group": "sizes|families",
}
REPRO_NET = r"(mlp|ddpmpp)\d+-(edm|vp)-seed\d+"
REPRO_TRAIN_WILDCARDS = {**REPRO_WILDCARDS, "model": REPRO_NET}
