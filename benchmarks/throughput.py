#!/usr/bin/env python
"""Throughput of diffgen's hot paths: training, sampling, exact BP, nearest neighbours.

    python benchmarks/throughput.py [--device cpu|cuda] [--quick] [--out table.md|table.csv]

Prints one table of figures (and writes it as markdown or CSV with ``--out``).
It never asserts timings: the numbers depend on the machine and on whatever
else runs on it, so the header records the CPU, the thread count and the load
average at the start and at the end.

What is measured (every figure is the best of a few repeats after a warm-up):

* Training (``TransformerTrainer.advance`` on a synthetic split of grammar sequences):
  steps/s and sequences/s for the paper model (8 layers, d=512, 4 heads,
  batch 512, T=500) and the small preset model (2 layers, d=64, 2 heads,
  batch 64, T=50). On CUDA the paper model runs as training runs it there:
  bf16 autocast (``mixed_precision``) and ``torch.compile``.
* The share of a training step spent outside forward+backward: a copy of
  ``advance``'s step, made of the same calls on the same trainer, is timed in
  parts: data (batch indices, step draw, noise, noising), forward+backward
  (model, loss, zero_grad, backward) and the optimiser step. The training code
  itself carries no timing code.
* Model FLOP utilisation (CUDA only): training FLOPs per step are taken as
  ``6 * P * tokens + 12 * layers * L * d * tokens`` (tokens = batch * L,
  P = parameters; 2 FLOPs per multiply-add, backward = 2 x forward, and the
  attention scores and weighted sums add ``2 * L * d`` multiply-adds per token
  and layer), divided by the measured step time and by ``--peak-tflops``.
* Sampling (``reverse_sample`` in fix-noise mode) in sequence-steps/s, with the
  model denoiser (both models), the exact BP denoiser over a whole reverse
  chain, and the prior denoiser (almost free, so it shows the sampler's own
  cost: noise generation and the DDPM update).
* Exact BP (``TreeBP.log_marginals``, q=6, l=4, batch 65,536, 2 CPU threads):
  posteriors/s for k=0 and k=2 in float32 and float64, on diffusion fields at
  t/T = 0.5 (moderate) and t/T = 0.02 (strong fields: most rows take the exact
  log-domain path).
* Nearest-neighbour Hamming search (``hamming_nearest``): 50,000 queries
  against 12,000 references, in query-reference pairs per second.

``--quick`` shortens every measurement (under 2 minutes on 2 idle cores).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import io
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F

try:
    import diffgen  # noqa: F401
except ImportError:  # run from a checkout without installing the package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from diffgen.biased.bp import TreeBP
from diffgen.biased.denoisers import ModelDenoiser, PriorDenoiser
from diffgen.biased.field import diffusion_field
from diffgen.biased.grammar import Grammar, build_grammar, sample_pool
from diffgen.biased.network import TransformerConfig, parameter_count, transformer_config
from diffgen.biased.oracle import BPDenoiser
from diffgen.biased.sampler import reverse_sample
from diffgen.biased.training import RunOptions, TrainSpec, TransformerTrainer
from diffgen.core.config import load_schema, section_defaults
from diffgen.core.denoisers import Denoiser
from diffgen.core.device import configure
from diffgen.core.diffusion.gaussian import Schedule, linear_schedule, noise
from diffgen.core.metrics.nearest import hamming_nearest
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


#: The paper's beta range (rescaled by 1000/T), from the schema.
BETAS = (schema_defaults()["beta_start"], schema_defaults()["beta_end"])

#: BP figures are quoted on this many CPU threads (the target is per 2 cores).
BP_THREADS = 2


@dataclass
class Model:
    """One benchmarked model: architecture and its training settings."""

    name: str
    config: TransformerConfig
    batch: int
    T: int


#: The paper's transformer: study 1's schema defaults, never restated here.
BIASED_SCHEMA = load_schema(
    Path(__file__).resolve().parents[1] / "workflow/studies/biased/schema.yaml"
)
PAPER_MODEL = transformer_config(
    {key: section_defaults(BIASED_SCHEMA, key) for key in ("model", "grammar")}
)
#: The paper's grammar (q symbols, depth l, sigma, q_eff), from the same schema.
GRAMMAR = {k: v for k, v in section_defaults(BIASED_SCHEMA, "grammar").items() if k != "seed"}
PAPER = Model("paper", PAPER_MODEL, batch=512, T=500)
SMALL = Model("small", replace(PAPER_MODEL, layers=2, d_model=64, heads=2), batch=64, T=50)


@dataclass
class Row:
    """One line of the table; ``value`` None means skipped (the reason is in ``note``)."""

    section: str
    case: str
    value: float | None
    unit: str
    note: str = ""


@dataclass
class Plan:
    """Sizes of every measurement, for quick or full mode and for the device."""

    repeats: int
    budget: float  # seconds of repeats per figure at most
    paper_steps: int
    small_steps: int
    paper_sample_rows: int
    paper_sample_steps: int
    small_sample_rows: int
    small_sample_steps: int
    bp_sample_rows: int
    bp_sample_T: int
    bp_batch: int
    bp_strong_batch: int
    nn_queries: int
    nn_references: int

    @classmethod
    def make(cls, quick: bool, cuda: bool) -> Plan:
        if cuda:
            return cls(
                repeats=3 if quick else 5,
                budget=5.0 if quick else 20.0,
                paper_steps=10 if quick else 50,
                small_steps=50 if quick else 200,
                paper_sample_rows=16_384,
                paper_sample_steps=5 if quick else 20,
                small_sample_rows=50_000,
                small_sample_steps=10 if quick else 50,
                bp_sample_rows=50_000,
                bp_sample_T=50 if quick else 500,
                bp_batch=65_536 if quick else 262_144,
                bp_strong_batch=65_536 if quick else 262_144,
                nn_queries=50_000,
                nn_references=12_000,
            )
        return cls(
            repeats=2 if quick else 3,
            budget=3.0 if quick else 15.0,
            paper_steps=1 if quick else 2,
            small_steps=30 if quick else 100,
            paper_sample_rows=128 if quick else 256,
            paper_sample_steps=2 if quick else 4,
            small_sample_rows=4_096,
            small_sample_steps=10 if quick else 50,
            bp_sample_rows=2_048 if quick else 4_096,
            bp_sample_T=50 if quick else 500,
            bp_batch=65_536,
            bp_strong_batch=16_384 if quick else 65_536,
            nn_queries=50_000,
            nn_references=12_000,
        )


# -- timing helpers -----------------------------------------------------------


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def best_time(
    fn: Callable[[], object], device: torch.device, repeats: int, budget: float = 20.0
) -> float:
    """Best wall time of ``fn`` over up to ``repeats`` calls after one untimed warm-up.

    Slow cases get fewer repeats: no more than ``budget`` seconds of repeats
    (judged by the warm-up), and at least one.
    """
    start = time.perf_counter()
    fn()
    synchronize(device)
    first = time.perf_counter() - start
    repeats = max(1, min(repeats, int(budget / max(first, 1e-9))))
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        synchronize(device)
        best = min(best, time.perf_counter() - start)
    return best


class Laps:
    """Splits a loop into labelled parts and sums each part's time.

    On the CPU a lap is wall time; on CUDA it is GPU time between events
    recorded on the stream, so timing does not serialise the host and device.
    """

    def __init__(self, device: torch.device) -> None:
        self.cuda = device.type == "cuda"
        self.marks: list[tuple[str | None, object]] = []

    def _now(self) -> object:
        if self.cuda:
            event = torch.cuda.Event(enable_timing=True)
            event.record()
            return event
        return time.perf_counter()

    def start(self) -> None:
        self.marks.append((None, self._now()))

    def lap(self, label: str) -> None:
        self.marks.append((label, self._now()))

    def totals(self) -> dict[str, float]:
        """Seconds per label, summed over the loop."""
        if self.cuda:
            torch.cuda.synchronize()
        out: dict[str, float] = {}
        for (_, before), (label, after) in zip(self.marks, self.marks[1:], strict=False):
            if label is None:
                continue
            if self.cuda:
                seconds = before.elapsed_time(after) / 1000.0
            else:
                seconds = after - before
            out[label] = out.get(label, 0.0) + seconds
        return out


@contextlib.contextmanager
def threads(count: int | None) -> Iterator[None]:
    """Run a block on ``count`` intra-op threads (None: leave as is)."""
    before = torch.get_num_threads()
    if count:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


# -- data -------------------------------------------------------------------------


def grammar() -> Grammar:
    return build_grammar(seed=0, **GRAMMAR)


def grammar_tokens(n: int, seed: int = 0) -> torch.Tensor:
    """n sequences (n, 16) int64 of the benchmark grammar."""
    leaves, _ = sample_pool(grammar(), n, seed=seed, stream=0)
    return torch.from_numpy(leaves).long()


# -- training -----------------------------------------------------------------------


def make_trainer(model: Model, steps: int, device: torch.device) -> TransformerTrainer:
    """A trainer on ``steps`` full batches of grammar sequences, as the workflow builds it."""
    cuda = device.type == "cuda"
    tokens = grammar_tokens(model.batch * steps)
    spec = TrainSpec(
        **schema_defaults(),
        n=tokens.shape[0],
        split=0,
        seed=0,
        epochs=1000,
        checkpoints=[1000],
        model=model.config.to_dict(),
        T=model.T,
        batch_size=model.batch,
        mixed_precision=cuda,
    )
    return TransformerTrainer(spec, tokens, RunOptions(device=device, compile=cuda))


def instrumented_steps(
    trainer: TransformerTrainer, steps: int, device: torch.device
) -> dict[str, float]:
    """Run ``steps`` training steps as ``TransformerTrainer.advance`` does, timing their parts.

    Returns seconds per part: data (indices, steps, noise, noising), forward_backward
    (model, loss, zero_grad, backward) and optimizer (Adam step, loss bookkeeping).
    """
    spec = trainer.spec
    trainer.model.train()
    n = trainer.tokens.shape[0]
    perm = torch.randperm(n, generator=trainer.data_rng, device=device)
    total = torch.zeros((), device=device)
    laps = Laps(device)
    for step in range(steps):
        begin = (step * spec.batch_size) % n
        laps.start()
        idx = perm[begin : begin + spec.batch_size]
        size = idx.shape[0]
        t = torch.randint(1, spec.T + 1, (size,), generator=trainer.data_rng, device=device)
        eps = torch.randn((size, *trainer.x0.shape[1:]), generator=trainer.data_rng, device=device)
        abar = trainer.abar[t - 1].view(-1, 1, 1)
        x_t = abar.sqrt() * trainer.x0[idx] + (1.0 - abar).sqrt() * eps
        laps.lap("data")
        with trainer._autocast():
            logits = trainer.step_model(x_t, t)
        loss = F.cross_entropy(logits.float().flatten(0, 1), trainer.tokens[idx].flatten())
        trainer.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        laps.lap("forward_backward")
        trainer.optimizer.step()
        total += loss.detach() * size
        laps.lap("optimizer")
    float(total)  # wait for the device
    return laps.totals()


def training_flops(model: Model, params: int) -> float:
    """Training FLOPs of one step (see the module docstring for the formula)."""
    cfg = model.config
    tokens = model.batch * cfg.length
    attention = 12 * cfg.layers * cfg.length * cfg.d_model * tokens
    return 6.0 * params * tokens + attention


def bench_training(
    model: Model, steps: int, repeats: int, device: torch.device, peak_tflops: float
) -> list[Row]:
    section = "training"
    cfg = model.config
    case = f"{model.name} ({cfg.layers}x{cfg.d_model}, {cfg.heads} heads, B={model.batch})"
    trainer = make_trainer(model, steps, device)
    params = parameter_count(trainer.model)
    # Compilation happens in the first steps on CUDA; a CPU paper step is long enough as is.
    warm = 3 if device.type == "cuda" else int(model is not PAPER)
    compiled = trainer.step_model is not trainer.model
    try:
        if warm:
            instrumented_steps(trainer, warm, device)
    except Exception as err:  # torch.compile fails lazily, at the first call
        if not compiled:
            raise
        print(f"  torch.compile failed ({type(err).__name__}); eager", file=sys.stderr)
        trainer.step_model, compiled = trainer.model, False
        instrumented_steps(trainer, warm, device)
    parts = instrumented_steps(trainer, steps, device)
    best = math.inf
    for _ in range(repeats if steps > 2 else 1):
        row = trainer.advance()
        best = min(best, row["seconds"])
    step_s = best / steps
    flops = training_flops(model, params)
    note = f"{params / 1e6:.2f}M params, T={model.T}, {steps} step{'s' * (steps > 1)}"
    if device.type == "cuda":
        note += ", bf16 autocast" + (" + torch.compile" if compiled else ", eager")
    whole = sum(parts.values())
    rows = [
        Row(section, f"{case}: steps", 1.0 / step_s, "steps/s", note),
        Row(section, f"{case}: sequences", model.batch / step_s, "seq/s"),
        Row(
            section,
            f"{case}: data/noising share of a step",
            100.0 * parts["data"] / whole,
            "%",
            "target < 5%; "
            + ", ".join(f"{k} {format_value(1e3 * v / steps)} ms" for k, v in parts.items())
            + " per step",
        ),
        Row(
            section,
            f"{case}: optimizer share of a step",
            100.0 * parts["optimizer"] / whole,
            "%",
            "Adam step",
        ),
        Row(section, f"{case}: model FLOP/s", flops / step_s / 1e12, "TFLOP/s",
            f"{flops / 1e9:.1f} GFLOP per step"),
    ]  # fmt: skip
    if model is PAPER:
        if device.type == "cuda":
            mfu = 100.0 * flops / step_s / (peak_tflops * 1e12)
            rows.append(Row(section, f"{case}: MFU", mfu, "%", f"peak {peak_tflops:g} TFLOP/s"))
        else:
            why = "no CUDA device" if not torch.cuda.is_available() else "CPU run"
            rows.append(Row(section, f"{case}: MFU", None, "%", f"skipped ({why})"))
    del trainer
    return rows


# -- sampling -------------------------------------------------------------------------


def time_sampler(
    denoiser: Denoiser,
    x_start: torch.Tensor,
    steps: int,
    schedule: Schedule,
    device: torch.device,
    plan: Plan,
) -> float:
    """Best time of a fix-noise reverse chain of ``steps`` steps over all rows at once."""

    def run() -> None:
        with contextlib.redirect_stderr(io.StringIO()):  # the sampler's progress lines
            reverse_sample(denoiser, x_start, steps, schedule, batch_size=x_start.shape[0],
                           device=device)  # fmt: skip

    return best_time(run, device, plan.repeats, plan.budget)


def bench_sampling(
    plan: Plan, device: torch.device, models: dict[str, torch.nn.Module]
) -> list[Row]:
    section = "sampling"
    rows = []
    q, length = GRAMMAR["q"], 2 ** GRAMMAR["l"]
    mixed = device.type == "cuda"
    cases = [
        (PAPER, plan.paper_sample_rows, plan.paper_sample_steps),
        (SMALL, plan.small_sample_rows, plan.small_sample_steps),
    ]
    for model, n, steps in cases:
        schedule = linear_schedule(model.T, *BETAS)
        x_start = initial_noise(0, n, (length, q))
        denoiser = ModelDenoiser(models[model.name].to(device), mixed_precision=mixed)
        seconds = time_sampler(denoiser, x_start, steps, schedule, device, plan)
        rows.append(
            Row(section, f"model denoiser, {model.name}", n * steps / seconds, "seq-steps/s",
                f"{n:,} rows x {steps} steps from t=T={model.T}"
                + (", bf16 autocast" if mixed else ""))
        )  # fmt: skip
    g = grammar()
    for name, make in (
        ("exact BP (k=0) denoiser", lambda s: BPDenoiser(g.M, g.l, s, device=device)),
        ("prior denoiser (~ sampler overhead)", lambda s: PriorDenoiser(s)),
    ):
        schedule = linear_schedule(plan.bp_sample_T, *BETAS)
        n = plan.bp_sample_rows
        x_start = initial_noise(0, n, (length, q))
        seconds = time_sampler(make(schedule), x_start, schedule.T, schedule, device, plan)
        rows.append(
            Row(section, name, n * schedule.T / seconds, "seq-steps/s",
                f"{n:,} rows, full chain T={schedule.T}")
        )  # fmt: skip
    return rows


# -- exact BP ---------------------------------------------------------------------------


def diffusion_fields(batch: int, fraction: float, T: int = 500) -> torch.Tensor:
    """BP fields of noised grammar sequences at step t = fraction * T (float64)."""
    tokens = grammar_tokens(batch, seed=1)
    x0 = F.one_hot(tokens, GRAMMAR["q"]).double()
    schedule = linear_schedule(T, *BETAS)
    t = schedule.t_of_fraction(fraction)
    gen = torch.Generator().manual_seed(1)
    x_t = noise(x0, t, schedule, torch.randn(x0.shape, generator=gen, dtype=torch.float64))
    return diffusion_field(x_t, schedule.alpha_bar(t))


def bench_bp(plan: Plan, device: torch.device) -> list[Row]:
    section = "exact BP"
    rows = []
    g = grammar()
    on_cpu = device.type == "cpu"
    for fraction in (0.5, 0.02):
        batch = plan.bp_batch if fraction == 0.5 else plan.bp_strong_batch
        fields = diffusion_fields(batch, fraction)
        for dtype in (torch.float32, torch.float64):
            field = fields.to(device=device, dtype=dtype)
            for k in (0, 2):
                bp = TreeBP(g.M, g.l, k=k, device=device, dtype=dtype)
                with threads(BP_THREADS if on_cpu else None):
                    seconds = best_time(lambda bp=bp, f=field: bp.log_marginals(f), device,
                                        plan.repeats, plan.budget)  # fmt: skip
                dtype_name = str(dtype).removeprefix("torch.")
                where = f"{BP_THREADS} threads" if on_cpu else "GPU"
                note = f"batch {batch:,}, {where}"
                if on_cpu and fraction == 0.5 and k == 0 and dtype == torch.float32:
                    note += "; target >= 100,000/s on 2 cores"
                rows.append(
                    Row(section, f"q=6 l=4 k={k} {dtype_name}, t/T={fraction}",
                        batch / seconds, "posteriors/s", note)
                )  # fmt: skip
    return rows


# -- nearest neighbours ------------------------------------------------------------------


def bench_nearest(plan: Plan, device: torch.device) -> list[Row]:
    queries = grammar_tokens(plan.nn_queries, seed=2)
    references = grammar_tokens(plan.nn_references, seed=3)
    seconds = best_time(
        lambda: hamming_nearest(queries, references, GRAMMAR["q"], device=device),
        device,
        plan.repeats,
        plan.budget,
    )
    pairs = plan.nn_queries * plan.nn_references
    return [
        Row("nearest neighbour", f"Hamming, {plan.nn_queries:,} x {plan.nn_references:,}",
            pairs / seconds / 1e9, "G pairs/s", f"{seconds:.2f} s per search")
    ]  # fmt: skip


# -- report ------------------------------------------------------------------------------


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def header(args: argparse.Namespace, device: torch.device) -> list[str]:
    lines = [
        f"diffgen throughput ({'quick' if args.quick else 'full'}), "
        f"{datetime.datetime.now().isoformat(timespec='seconds')}",
        f"CPU: {cpu_model()}, {os.cpu_count()} logical CPUs; torch threads: "
        f"{torch.get_num_threads()} (BP: {BP_THREADS})",
        f"torch {torch.__version__}, python {platform.python_version()}",
    ]
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        lines.append(
            f"device: {props.name}, {props.total_memory / 2**30:.0f} GiB, CUDA {torch.version.cuda}"
        )
    else:
        lines.append("device: cpu")
    lines.append(f"load average at start (1, 5, 15 min): {load_average()}")
    return lines


def format_value(value: float | None) -> str:
    if value is None:
        return "skipped"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def markdown(rows: list[Row]) -> list[str]:
    table = [("benchmark", "case", "value", "unit", "notes")]
    table += [(r.section, r.case, format_value(r.value), r.unit, r.note) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(5)]
    align = ["<", "<", ">", "<", "<"]

    def fmt(cells) -> str:
        padded = (f"{c:{a}{w}}" for c, a, w in zip(cells, align, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":" if a == ">" else "-" * (w + 2))
                          for a, w in zip(align, widths, strict=True)) + "|"  # fmt: skip
    return [fmt(table[0]), rule, *(fmt(line) for line in table[1:])]


def write(path: Path, head: list[str], rows: list[Row], tail: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        with open(path, "w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["benchmark", "case", "value", "unit", "notes"])
            for r in rows:
                out.writerow([r.section, r.case, "" if r.value is None else r.value, r.unit,
                              r.note])  # fmt: skip
        return
    text = "\n".join([*(f"{line}  " for line in head), "", *markdown(rows), "", *tail])
    path.write_text(text + "\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--quick", action="store_true", help="short runs (< 2 min on 2 cores)")
    parser.add_argument("--out", type=Path, help="also write the table (.csv, else markdown)")
    parser.add_argument(
        "--peak-tflops",
        type=float,
        default=989.0,
        help="accelerator peak for MFU (default 989: H100 SXM bf16 dense)",
    )
    parser.add_argument("--threads", type=int, help="intra-op threads (default: torch's)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=("training", "sampling", "bp", "nearest"),
        help="run only these sections",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cuda_missing = args.device == "cuda" and not torch.cuda.is_available()
    device = torch.device("cuda" if args.device == "cuda" and not cuda_missing else "cpu")
    configure(args.threads, device)
    plan = Plan.make(args.quick, device.type == "cuda")
    head = header(args, device)
    if cuda_missing:
        head.append("CUDA requested but not available: CUDA rows skipped, the rest runs on CPU")
    print("\n".join(head), flush=True)
    sections = set(args.only or ("training", "sampling", "bp", "nearest"))
    rows: list[Row] = []
    started = time.perf_counter()

    def run(section: str, fn: Callable[[], list[Row]]) -> None:
        if section not in sections:
            return
        begin = time.perf_counter()
        new = fn()
        rows.extend(new)
        print(f"  {section}: {time.perf_counter() - begin:.0f} s", file=sys.stderr, flush=True)

    models: dict[str, torch.nn.Module] = {}

    def training() -> list[Row]:
        out = []
        for model, steps in ((PAPER, plan.paper_steps), (SMALL, plan.small_steps)):
            out += bench_training(model, steps, plan.repeats, device, args.peak_tflops)
        return out

    def sampling() -> list[Row]:
        for model in (PAPER, SMALL):
            torch.manual_seed(0)
            models[model.name] = make_trainer(model, 1, device).model
        return bench_sampling(plan, device, models)

    run("training", training)
    run("sampling", sampling)
    run("bp", lambda: bench_bp(plan, device))
    run("nearest", lambda: bench_nearest(plan, device))
    tail = [f"total {time.perf_counter() - started:.0f} s; load average at end: {load_average()}"]
    print()
    print("\n".join(markdown(rows)))
    print()
    print("\n".join(tail))
    if args.out:
        write(args.out, head, rows, tail)
    return 0


if __name__ == "__main__":
    sys.exit(main())
