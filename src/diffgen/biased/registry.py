"""Study 1's figures: the one place a figure is named (the workflow is generated from it)."""

from __future__ import annotations

from diffgen.core.registry import Figure

TABLES, PLOTS = "diffgen.biased.tables", "diffgen.biased.figures"

FIGURES = {
    "fig1b": Figure(
        title="Fig 1(b): sequential learning",
        inputs=("sequential", "sample_split"),
        table=f"{TABLES}:sequential",
        plot=f"{PLOTS}.fig1b:plot",
    ),
    "fig3b": Figure(
        title="Fig 3(b): score divergence along t",
        inputs=("score", "bp_gap"),
        table=f"{TABLES}:fig3b",
        plot=f"{PLOTS}.fig3b:plot",
    ),
    "fig4a": Figure(
        title="Fig 4(a): nearest-neighbour divergence",
        inputs=("nn", "loss"),
        table=f"{TABLES}:fig4a",
        plot=f"{PLOTS}.fig4a:plot",
    ),
    "fig4b": Figure(
        title="Fig 4(b): loss decomposition",
        inputs=("decomposition",),
        table=f"{TABLES}:fig4b",
        plot=f"{PLOTS}.fig4b:plot",
    ),
    "fig5": Figure(
        title="Fig 5: U-turn overlaps",
        inputs=("uturn",),
        table=f"{TABLES}:fig5",
        plot=f"{PLOTS}.fig5:plot",
    ),
    "fig6": Figure(
        title="Fig 6: sequential learning, all sizes",
        inputs=("sequential", "sample_split"),
        table=f"{TABLES}:sequential",
        plot=f"{PLOTS}.fig6:plot",
    ),
    "figA11": Figure(
        title="App. Fig 11: U-turn from random sequences",
        inputs=("uturn_random",),
        table=f"{TABLES}:figA11",
        plot=f"{PLOTS}.figA11:plot",
    ),
}

# -- CelebA part: U-Nets on face images (Fig 1(a), Fig 2, App. Fig 7) ----------
FACES_TABLES, FACES_PLOTS = "diffgen.biased.faces.tables", "diffgen.biased.faces.figures"
FIGURES.update(
    {
        "fig1a": Figure(
            title="Fig 1(a): generation split vs loss, U-Nets on faces",
            inputs=("faces_similarity", "faces_loss", "faces_reference", "faces_representatives"),
            table=f"{FACES_TABLES}:fig1a",
            plot=f"{FACES_PLOTS}.fig1a:plot",
        ),
        "fig2": Figure(
            title="Fig 2: noise-prediction split, U-Nets on faces",
            inputs=("faces_noise_prediction",),
            table=f"{FACES_TABLES}:fig2",
            plot=f"{FACES_PLOTS}.fig2:plot",
        ),
        "figA7": Figure(
            title="App. Fig 7: representative sample pairs and nearest training faces",
            inputs=("faces_reference", "faces_representatives"),
            table=f"{FACES_TABLES}:figA7",
            plot=f"{FACES_PLOTS}.figA7:plot",
        ),
    }
)
