"""A stream of token ids as parallel streams for truncated BPTT, and the carried state's tensor
form.

The stream itself (text files as documents, each framed ``<bos> tokens <eos>``) comes from
:mod:`lexiloom.corpora.text_stream`.

>>> ids = read_stream("input.txt", tokenizer, vocab, "file")   # doctest: +SKIP
>>> streams = ParallelStreams(ids, batch=64, bptt=128)         # doctest: +SKIP
>>> inputs, targets = streams.chunk(0)          # (64, 128) each   # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lexiloom.errors import CorpusError, SettingsError

if TYPE_CHECKING:
    import torch


class ParallelStreams:
    """``ids`` cut into ``batch`` contiguous streams, read in chunks of ``bptt`` tokens.

    Stream ``b`` is ``ids[b * n : (b + 1) * n + 1]`` with ``n = (len(ids) - 1) // batch``
    (the few tokens left over are dropped). Chunk ``i`` holds positions ``i * bptt`` up to
    ``(i + 1) * bptt`` of every stream as inputs and the next token of each as targets, so the
    state after chunk ``i`` is the right start for chunk ``i + 1`` (truncated BPTT).
    """

    def __init__(self, ids: torch.Tensor, *, batch: int, bptt: int) -> None:
        for name, value in (("batch", batch), ("bptt", bptt)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SettingsError(f"{name} must be a positive integer, not {value!r}")
        per_stream = (len(ids) - 1) // batch
        if per_stream < 1:
            raise CorpusError(f"the training text has {len(ids)} tokens, too few for {batch} "
                              f"parallel streams; use a smaller batch size or more text")
        self.batch, self.bptt, self.length = batch, bptt, per_stream
        self.inputs = ids[:batch * per_stream].view(batch, per_stream)
        self.targets = ids[1:batch * per_stream + 1].view(batch, per_stream)

    def __len__(self) -> int:
        """The number of chunks."""
        return -(-self.length // self.bptt)

    def chunk(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``(inputs, targets)`` of chunk ``index``, each ``(batch, <= bptt)``."""
        start = index * self.bptt
        return (self.inputs[:, start:start + self.bptt],
                self.targets[:, start:start + self.bptt])

    @property
    def tokens(self) -> int:
        """Tokens read per epoch."""
        return self.batch * self.length


def carried_state_tensors(state: Any) -> dict[str, torch.Tensor]:
    """A carried encoder state (a tensor or a tuple of tensors) as named tensors."""
    import torch

    if state is None:
        return {}
    parts = state if isinstance(state, tuple) else (state,)
    tensors = {f"state{i}": part.detach().cpu().contiguous() for i, part in enumerate(parts)}
    tensors["tuple"] = torch.tensor(int(isinstance(state, tuple)))
    return tensors


def state_from_tensors(tensors: dict[str, torch.Tensor]) -> Any:
    """The inverse of :func:`carried_state_tensors`."""
    if not tensors:
        return None
    parts = tuple(tensors[f"state{i}"] for i in range(len(tensors) - 1))
    return parts if int(tensors["tuple"]) else parts[0]


__all__ = ["ParallelStreams", "carried_state_tensors", "state_from_tensors"]
