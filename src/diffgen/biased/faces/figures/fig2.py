"""Fig 2: agreement of the models' noise predictions across training, per step k.

Per k (rows): left, the cosine of two models' ε̂ on the same noised inputs,
on the first model's training images (train) and on held-out images (test),
mean ± s.e. over ordered pairs × inputs, with their maxima marked; right, the
test MSE of ε̂ (mean ± s.e. over models) with its minimum marked.
"""

from __future__ import annotations

from diffgen.core.figures.draw import band, key, mark_x
from diffgen.core.figures.style import figure_legend, new_figure, save, style_context
from diffgen.core.figures.tables import argmin_epoch, checked

TRAIN, TEST, MSE = "C1", "C0", "C3"
NUMERIC = ["k", "epoch", "train_similarity", "train_similarity_se", "test_similarity",
           "test_similarity_se", "test_mse", "test_mse_se"]  # fmt: skip


def plot(table, pdf, png, style=None, options=None) -> None:
    with style_context(style):
        table = checked(table, "fig2", NUMERIC)
        ks = sorted(int(k) for k in table["k"].unique())
        labels = ["train inputs", "test inputs", "max (train)", "max (test)", "test MSE", "min MSE"]
        fig, axes = new_figure(len(ks), 2, legend=labels, legend_ncols=3, sharex=True)
        for row, k in enumerate(ks):
            rows = table[table["k"] == k].sort_values("epoch")
            epochs = rows["epoch"].to_numpy()
            sim_ax, mse_ax = axes[row]
            for name, color in (("train", TRAIN), ("test", TEST)):
                values = rows[f"{name}_similarity"].to_numpy()
                band(sim_ax, epochs, values, rows[f"{name}_similarity_se"], color=color)
                mark_x(sim_ax, argmin_epoch(epochs, -values), color=color, linestyle="--")
            band(mse_ax, epochs, rows["test_mse"], rows["test_mse_se"], color=MSE)
            mark_x(
                mse_ax, argmin_epoch(epochs, rows["test_mse"].to_numpy()), color=MSE, linestyle="--"
            )
            sim_ax.set_ylabel(f"k = {k}\ncosine of ε̂ pairs")
            mse_ax.set_ylabel("test MSE of ε̂")
        for ax in axes[-1]:
            ax.set_xlabel("epochs")
        axes[0, 0].set_title("noise-prediction similarity")
        axes[0, 1].set_title("test loss at k")
        handles = [
            key(TRAIN),
            key(TEST),
            key(TRAIN, "--"),
            key(TEST, "--"),
            key(MSE),
            key(MSE, "--"),
        ]
        figure_legend(fig, axes, handles, labels, ncols=3)
        for ax in axes.flat:
            ax.margins(x=0.02)
        save(fig, pdf, png)
