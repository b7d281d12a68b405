"""The transformer x0-denoiser of the controlled setting.

Input projection q -> d, learned positional embedding, sinusoidal time
embedding (dim 32) projected to d, all added; post-norm encoder layers with
feed-forward 2*d and ReLU; output projection d -> q giving logits of x0.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class TransformerConfig:
    """Architecture, every field required: the paper's values live in the `biased.model`
    and `biased.grammar` schema (vocab = q, length = 2**l), nowhere else."""

    vocab: int
    length: int
    d_model: int
    heads: int
    layers: int
    ff_mult: int
    time_dim: int
    dropout: float

    def to_dict(self) -> dict:
        return asdict(self)


def transformer_config(section: dict) -> TransformerConfig:
    """The transformer a ``biased`` config section describes: its ``model`` keys, with the
    vocabulary q and the length 2**l of its ``grammar``."""
    grammar = section["grammar"]
    return TransformerConfig(**section["model"], vocab=grammar["q"], length=2 ** grammar["l"])


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Sinusoidal embedding of integer steps t (B,) -> (B, dim), cos then sin halves."""
    half = dim // 2
    freqs = torch.exp(
        -math.log(max_period) * torch.arange(half, dtype=torch.float32, device=t.device) / half
    )
    args = t.float()[:, None] * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
    return emb


class TransformerDenoiser(nn.Module):
    """Predicts logits of x0 (B, L, q) from x_t (B, L, q) and steps t (B,)."""

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.config = config
        d = config.d_model
        self.input_projection = nn.Linear(config.vocab, d)
        self.position_embedding = nn.Embedding(config.length, d)
        self.time_projection = nn.Linear(config.time_dim, d)
        layer = nn.TransformerEncoderLayer(
            d_model=d,
            nhead=config.heads,
            dim_feedforward=config.ff_mult * d,
            dropout=config.dropout,
            activation="relu",
            batch_first=True,
            norm_first=False,
        )
        self.encoder = nn.TransformerEncoder(
            layer, num_layers=config.layers, enable_nested_tensor=False
        )
        self.output_projection = nn.Linear(d, config.vocab)
        self.register_buffer("positions", torch.arange(config.length), persistent=False)

    def forward(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        time = self.time_projection(timestep_embedding(t, self.config.time_dim))
        hidden = (
            self.input_projection(x_t)
            + self.position_embedding(self.positions)[None]
            + time[:, None, :]
        )
        return self.output_projection(self.encoder(hidden))


def parameter_count(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
