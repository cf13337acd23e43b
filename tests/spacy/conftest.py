"""Shared by the spaCy integration tests: one torch thread, so timings and results do not
depend on the machine's core count (restored after each test)."""

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
