"""Shared by study 5's tests: run torch on one intra-op thread while they run.

The tensors of these tests are small; with two threads on two busy cores,
torch's workers spin-wait and a test costs ten times the CPU it needs.
"""

import pytest
import torch


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
