# Output paths of study 1 (templates), kept on the study object.

biased.MODEL = "n{n}/split{split}_seed{seed}"
biased.DATA = f"{biased.results}/data/grammar.h5"
biased.RUN_DIR = f"{biased.results}/train/{biased.MODEL}"
biased.CHECKPOINT = f"{biased.RUN_DIR}/epoch{{epoch}}.pt"
biased.LOSS = f"{biased.results}/measure/loss/{biased.MODEL}.csv"
biased.INITIAL_NOISE = f"{biased.results}/samples/initial_noise_{{rows}}.h5"
biased.SAMPLES = f"{biased.results}/samples/{biased.MODEL}/epoch{{epoch}}.h5"
biased.NN = f"{biased.results}/measure/nn_divergence/{biased.MODEL}.csv"
# {measurement}: a sequential-learning measurement, by its name under `sequential`
biased.SEQUENTIAL = (
    f"{biased.results}/measure/sequential/{{measurement}}/{biased.MODEL}.csv"
)
biased.SAMPLE_SPLIT = (
    f"{biased.results}/measure/sample_split/{{measurement}}/n{{n}}.csv"
)
biased.SCORE = f"{biased.results}/measure/score_divergence/n{{n}}.csv"
biased.BP_GAP = f"{biased.results}/measure/score_divergence/bp_gap.csv"
biased.DECOMPOSITION = f"{biased.results}/measure/loss_decomposition/{biased.MODEL}.csv"
biased.UTURN = f"{biased.results}/measure/uturn/{biased.MODEL}_{{reference}}.csv"
biased.UTURN_RANDOM = f"{biased.results}/measure/uturn_random/{biased.MODEL}.csv"
biased.REFERENCE = f"{biased.results}/reference/{{figure}}_n{{n}}.json"


wildcard_constraints:
    reference="nn_divergence_min|test_loss_min",
    measurement="|".join(biased.config["sequential"]),
