#!/usr/bin/env python
"""GPU smoke run of study 1: train a paper-size model, sample it, measure it.

    python benchmarks/gpu_smoke.py [--device cuda|cpu] [--minutes 3] [--tiny]

Run by hand when a GPU is at hand, before a paper-scale run. It trains the
paper model (8 layers, d=512, 4 heads, batch 512, T=500) on grammar
sequences for a few minutes the way the training jobs do on CUDA (bf16
autocast and ``torch.compile``), then samples the trained model with the
fix-noise sampler and measures it in fp32 (TF32 off), as the measurement
jobs do: the DSM test loss and KL(BP_0 ‖ model) at t/T = 0.15, summed over
positions as the paper. It prints steps/s, the model FLOP utilisation (MFU,
against ``--peak-tflops``) and whether ``torch.compile`` fell back to eager
(an error at compile time, or graph breaks). It exits non-zero when a loss or
KL is not finite or training did not lower the loss.

``--tiny`` runs a 2-layer d=64 model for 30 short epochs; the tests run it on
the CPU so the script cannot rot. Timings are never asserted.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

try:
    import diffgen  # noqa: F401
except ImportError:  # run from a checkout without installing the package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from diffgen.biased.denoisers import ModelDenoiser
from diffgen.biased.evaluation import fixed_noisy_batch, mean_cross_entropy
from diffgen.biased.grammar import build_grammar, sample_pool
from diffgen.biased.metrics.kl import sequence_kl
from diffgen.biased.network import TransformerConfig, parameter_count, transformer_config
from diffgen.biased.oracle import BPDenoiser
from diffgen.biased.sampler import reverse_sample
from diffgen.biased.training import RunOptions, TrainSpec, TransformerTrainer
from diffgen.core.config import load_schema, section_defaults
from diffgen.core.device import configure, full_precision_matmuls, resolve_device
from diffgen.core.diffusion.gaussian import linear_schedule
from diffgen.core.seeding import initial_noise


def schema_defaults() -> dict:
    """The training run's settings the benchmark does not vary, from study 1's schema."""
    schema = load_schema(
        Path(__file__).resolve().parents[1] / "workflow/studies/biased/schema.yaml"
    )
    training, diffusion = (
        section_defaults(schema, "training"),
        section_defaults(schema, "diffusion"),
    )
    keys = ("lr", "lr_warm_epochs", "lr_mid", "lr_final")
    return {**{k: training[k] for k in keys}, "beta_start": diffusion["beta_start"],
            "beta_end": diffusion["beta_end"]}  # fmt: skip


#: Study 1's schema: the paper's model and grammar are its defaults, never restated here.
BIASED_SCHEMA = load_schema(
    Path(__file__).resolve().parents[1] / "workflow/studies/biased/schema.yaml"
)
PAPER_MODEL = transformer_config(
    {key: section_defaults(BIASED_SCHEMA, key) for key in ("model", "grammar")}
)

#: The paper's grammar (q symbols, depth l, sigma, q_eff).
GRAMMAR = {k: v for k, v in section_defaults(BIASED_SCHEMA, "grammar").items() if k != "seed"}

#: Sizes: the paper model, and a tiny one for the CPU test.
#: ``epochs``: at least this many timed epochs, however long they take.
PAPER = {
    "model": PAPER_MODEL,
    "batch": 512,
    "T": 500,
    "lr": 3e-4,
    "n": 12_000,
    "epochs": 3,
    "measure": 2_000,
}
TINY = {
    "model": replace(PAPER_MODEL, layers=2, d_model=64, heads=2),
    "batch": 64,
    "T": 50,
    "lr": 2e-3,
    "n": 128,
    "epochs": 30,
    "measure": 64,
}


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = "cuda" if torch.cuda.is_available() else "cpu"
    parser.add_argument("--device", default=default, help=f"cpu | cuda[:N] (default {default})")
    parser.add_argument("--minutes", type=float, default=3.0, help="training time (default 3)")
    parser.add_argument("--tiny", action="store_true", help="2-layer d=64 model, seconds")
    parser.add_argument(
        "--peak-tflops",
        type=float,
        default=989.0,
        help="dense bf16 peak of the GPU for the MFU (default 989: H100/H200 SXM)",
    )
    parser.add_argument("--threads", type=int, default=None, help="CPU threads")
    return parser.parse_args(argv)


def training_flops(config: TransformerConfig, params: int, batch: int) -> float:
    """FLOPs of one training step: 6·P·tokens plus attention (as benchmarks/throughput.py)."""
    tokens = batch * config.length
    return 6.0 * params * tokens + 12 * config.layers * config.length * config.d_model * tokens


def graph_breaks() -> int | None:
    """Graph breaks torch.compile recorded so far (None if the counter is unavailable)."""
    try:
        from torch._dynamo.utils import counters
    except Exception:
        return None
    return int(sum(counters["graph_break"].values()))


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def train(size: dict, tokens: torch.Tensor, device: torch.device, seconds: float) -> dict:
    """Train for ``seconds`` as the training jobs do on this device; timings and losses."""
    cuda = device.type == "cuda"
    spec = TrainSpec(
        **{**schema_defaults(), "lr": size["lr"]},
        n=tokens.shape[0], split=0, seed=0, epochs=10_000, checkpoints=[10_000],
        model=size["model"].to_dict(), T=size["T"], batch_size=size["batch"],
        mixed_precision=cuda,
    )  # fmt: skip
    trainer = TransformerTrainer(spec, tokens, RunOptions(device=device, compile=cuda))
    compiled = trainer.step_model is not trainer.model
    fallback = "" if compiled or not cuda else "torch.compile unavailable at wrap time"
    steps_per_epoch = math.ceil(tokens.shape[0] / size["batch"])
    start = time.perf_counter()
    try:
        first = trainer.advance()  # compiles on CUDA
    except Exception as err:  # torch.compile fails lazily, at the first call
        if not compiled:
            raise
        fallback = f"torch.compile failed at the first step ({type(err).__name__}: {err})"
        trainer.step_model, compiled = trainer.model, False
        first = trainer.advance()
    synchronize(device)
    warmup = time.perf_counter() - start
    epochs, timed, losses = 0, 0.0, []
    while timed < seconds or epochs < size["epochs"]:
        row = trainer.advance()
        synchronize(device)
        timed += row["seconds"]
        losses.append(row["train_loss"])
        epochs += 1
    return {
        "trainer": trainer,
        "compiled": compiled,
        "fallback": fallback,
        "warmup_s": warmup,
        "steps": epochs * steps_per_epoch,
        "seconds": timed,
        "first_loss": first["train_loss"],
        "last_loss": sum(losses[-3:]) / len(losses[-3:]),  # noisy per epoch: t is random
    }


def measure(size: dict, trainer: TransformerTrainer, device: torch.device) -> dict:
    """fp32 measurements of the trained model: sampling, DSM test loss, KL to BP_0."""
    full_precision_matmuls(device)
    model = ModelDenoiser(trainer.model.eval(), mixed_precision=False)
    spec = trainer.spec
    schedule = linear_schedule(spec.T, spec.beta_start, spec.beta_end)
    g = build_grammar(seed=0, **GRAMMAR)
    test, _ = sample_pool(g, size["measure"], seed=1, stream=1)
    rows = size["measure"]
    x_T = initial_noise(0, rows, (g.length, g.q))
    start = time.perf_counter()
    sample = reverse_sample(model, x_T, schedule.T, schedule, device=device, label="smoke sample")
    synchronize(device)
    sample_s = time.perf_counter() - start
    loss = mean_cross_entropy(model, *fixed_noisy_batch(test, g.q, schedule, seed=0))
    t = schedule.t_of_fraction(0.15)
    _, t_vec, x_t = fixed_noisy_batch(test, g.q, schedule, seed=0, t=t)
    oracle = BPDenoiser(g.M, g.l, schedule, device=device)
    with torch.no_grad():
        x_t, t_vec = x_t.to(device), t_vec.to(device)
        kl = sequence_kl(oracle.log_probs(x_t, t_vec), model.log_probs(x_t, t_vec))
    valid = ((sample.tokens >= 0) & (sample.tokens < g.q)).all().item()
    return {
        "sample_rate": rows * schedule.T / sample_s,
        "samples_valid": bool(valid),
        "test_loss": loss,
        "kl": float(kl.mean()),
        "t": t,
    }


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    device = resolve_device(args.device)
    configure(args.threads, device)
    size = TINY if args.tiny else PAPER
    seconds = 1.0 if args.tiny else 60.0 * args.minutes
    name = "tiny" if args.tiny else "paper"
    gpu = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(f"gpu_smoke: {name} model on {device} ({gpu}), torch {torch.__version__}")
    g = build_grammar(seed=0, **GRAMMAR)
    leaves, _ = sample_pool(g, size["n"], seed=0, stream=0)
    tokens = torch.from_numpy(leaves).long()
    run = train(size, tokens, device, seconds)
    trainer = run["trainer"]
    params = parameter_count(trainer.model)
    rate = run["steps"] / run["seconds"]
    flops = training_flops(size["model"], params, size["batch"])
    precision = "bf16 autocast" if device.type == "cuda" else "fp32"
    compile_text = "torch.compile" if run["compiled"] else "eager"
    print(f"  model            {params:,} parameters, batch {size['batch']}, T={size['T']}")
    print(f"  training         {precision}, {compile_text}; first epoch {run['warmup_s']:.1f} s")
    print(f"  steps/s          {rate:.2f} ({run['steps']} steps in {run['seconds']:.1f} s)")
    print(f"  sequences/s      {rate * size['batch']:,.0f}")
    print(f"  model TFLOP/s    {flops * rate / 1e12:.2f}")
    if device.type == "cuda":
        print(f"  MFU              {100 * flops * rate / (args.peak_tflops * 1e12):.1f} %"
              f" of {args.peak_tflops:g} TFLOP/s")  # fmt: skip
    else:
        print("  MFU              skipped (CPU)")
    breaks = graph_breaks() if run["compiled"] else None
    print(f"  compile fallback {run['fallback'] or 'none'}"
          + (f"; graph breaks: {breaks}" if breaks is not None else ""))  # fmt: skip
    print(f"  train loss       {run['first_loss']:.4f} -> {run['last_loss']:.4f} (nats/token,"
          " first epoch -> mean of the last 3)")  # fmt: skip
    result = measure(size, trainer, device)
    print(f"  sampling (fp32)  {result['sample_rate']:,.0f} row-steps/s")
    print(f"  test DSM loss    {result['test_loss']:.4f} nats/token (fp32)")
    print(f"  KL(BP0||model)   {result['kl']:.4f} nats/sequence at t={result['t']} (fp32)")
    problems = []
    if not all(map(math.isfinite, (run["last_loss"], result["test_loss"], result["kl"]))):
        problems.append("a loss or KL is not finite")
    if not run["last_loss"] < run["first_loss"]:
        problems.append("training did not lower the loss")
    if not result["samples_valid"]:
        problems.append("samples outside the vocabulary")
    for problem in problems:
        print(f"gpu_smoke: FAILED: {problem}", file=sys.stderr)
    print("gpu_smoke: " + ("FAILED" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
