# Output paths of study 1 (templates), kept on the study object.

biased.MODEL = "n{n}/split{split}_seed{seed}"
biased.PAIR = "n{n}/{kind}_split{split1}_seed{seed1}_vs_split{split2}_seed{seed2}"
biased.DATA = f"{biased.results}/data/grammar.h5"
biased.RUN_DIR = f"{biased.results}/train/{biased.MODEL}"
biased.CHECKPOINT = f"{biased.RUN_DIR}/epoch{{epoch}}.pt"
biased.LOSS = f"{biased.results}/measure/loss/{biased.MODEL}.csv"
biased.INITIAL_NOISE = f"{biased.results}/samples/initial_noise_{{rows}}.h5"
biased.SAMPLES = f"{biased.results}/samples/{biased.MODEL}/epoch{{epoch}}.h5"
biased.NN = f"{biased.results}/measure/nn_divergence/{biased.MODEL}.csv"
biased.SEQUENTIAL = f"{biased.results}/measure/sequential/{biased.MODEL}.csv"
biased.SAMPLE_SPLIT = f"{biased.results}/measure/sample_split/{biased.PAIR}.csv"
biased.SCORE = f"{biased.results}/measure/score_divergence/{biased.MODEL}.csv"
biased.DECOMPOSITION = f"{biased.results}/measure/loss_decomposition/{biased.MODEL}.csv"
biased.UTURN = f"{biased.results}/measure/uturn/{biased.MODEL}_{{reference}}.csv"
biased.UTURN_RANDOM = f"{biased.results}/measure/uturn_random/{biased.MODEL}.csv"
biased.REFERENCE = f"{biased.results}/reference/{{figure}}_n{{n}}.json"


wildcard_constraints:
    split1=r"\d+",
    seed1=r"\d+",
    split2=r"\d+",
    seed2=r"\d+",
    kind="disjoint|same",
    reference="nn_divergence_min|test_loss_min",
