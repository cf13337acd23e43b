"""The encoder state a generator carries from one chunk of a stream to the next (truncated
back-propagation through time), kept per stream.

A batch holds chunk ``i`` of some streams (all of them, or a part when spaCy's
``accumulate_gradient`` divides the batch): :meth:`StreamStates.gather` stacks the state each of
those streams ended chunk ``i - 1`` with (the encoder's initial state for chunk 0) and
:meth:`StreamStates.keep` stores, detached, the state each ends chunk ``i`` with. A chunk whose
stream did not just read chunk ``i - 1`` means the batches are not in stream order (a shuffled
corpus); that is an error, not a silently wrong state. The states are saved in checkpoints
(:meth:`to_tensors`, :meth:`load_tensors`) so a resumed run continues each stream exactly.

A state is a tensor or a tuple of tensors (``h`` or ``(h, c)``), each with a batch dimension
the encoder's ``initial_state`` reveals (dim 1 for torch's recurrent layers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lexiloom.errors import ModelFileError, SettingsError
from lexiloom.spacy.names import STREAM_BATCHER

if TYPE_CHECKING:
    import torch

    from lexiloom.spacy.text_streams import Chunk


class StreamStates:
    """Each stream's carried state and the index of the chunk it ended (see the module)."""

    def __init__(self) -> None:
        self._states: dict[int, tuple[int, tuple[torch.Tensor, ...]]] = {}
        self._tuple = False
        self._batch_dims: tuple[int, ...] | None = None

    def __len__(self) -> int:
        return len(self._states)

    def clear(self) -> None:
        """Forget every stream (a fresh start)."""
        self._states.clear()

    def gather(self, module: Any, chunks: Sequence[Chunk]) -> Any:
        """The state to start ``chunks`` from, batched in their order (``None`` when every chunk
        starts its stream)."""
        import torch

        if all(chunk.index == 0 for chunk in chunks):
            return None
        self._learn_layout(module)
        parts: list[list[torch.Tensor]] = []
        fresh = None
        for chunk in chunks:
            if chunk.index == 0:
                if fresh is None:
                    fresh = self._split(module.initial_state(1))
                state = fresh
            else:
                known = self._states.get(chunk.stream)
                if known is None or known[0] != chunk.index - 1:
                    before = "nothing" if known is None else f"chunk {known[0]}"
                    raise SettingsError(
                        f"generator {chunk.component!r} got chunk {chunk.index} of stream "
                        f"{chunk.stream} after {before} of that stream: the training batches "
                        "are not in stream order; set [training] max_epochs = -1 (spaCy "
                        "shuffles the corpus when it is 0 or more) and use the "
                        f"{STREAM_BATCHER} batcher")
                state = known[1]
            if not parts:
                parts = [[] for _ in state]
            for column, part in zip(parts, state, strict=True):
                column.append(part)
        assert self._batch_dims is not None
        joined = tuple(torch.cat(column, dim=dim)
                       for column, dim in zip(parts, self._batch_dims, strict=True))
        return joined if self._tuple else joined[0]

    def keep(self, module: Any, chunks: Sequence[Chunk], state: Any) -> None:
        """Store, detached, the state each of ``chunks``' streams ended its chunk with."""
        self._learn_layout(module)
        assert self._batch_dims is not None
        parts = state if isinstance(state, tuple) else (state,)
        for row, chunk in enumerate(chunks):
            self._states[chunk.stream] = (chunk.index, tuple(
                part.detach().narrow(dim, row, 1)
                for part, dim in zip(parts, self._batch_dims, strict=True)))

    def to_tensors(self) -> dict[str, torch.Tensor]:
        """The states as named tensors (for a checkpoint's safetensors file)."""
        import torch

        tensors: dict[str, torch.Tensor] = {}
        for stream, (index, parts) in self._states.items():
            tensors[f"{stream}.index"] = torch.tensor(index)
            for number, part in enumerate(parts):
                tensors[f"{stream}.{number}"] = part.cpu().contiguous()
        if tensors:
            tensors["tuple"] = torch.tensor(int(self._tuple))
        return tensors

    def load_tensors(self, module: Any, tensors: dict[str, torch.Tensor]) -> None:
        """Replace the states with those :meth:`to_tensors` wrote."""
        self._states.clear()
        if not tensors:
            return
        self._learn_layout(module)
        device = next(module.parameters()).device
        try:
            streams = {int(key.split(".")[0]) for key in tensors if key != "tuple"}
            for stream in streams:
                parts = []
                number = 0
                while f"{stream}.{number}" in tensors:
                    parts.append(tensors[f"{stream}.{number}"].to(device))
                    number += 1
                self._states[stream] = (int(tensors[f"{stream}.index"]), tuple(parts))
        except (KeyError, ValueError) as err:
            raise ModelFileError(f"unreadable stream states ({err}); start without "
                                 "--resume") from None

    def _split(self, state: Any) -> tuple[torch.Tensor, ...]:
        return state if isinstance(state, tuple) else (state,)

    def _learn_layout(self, module: Any) -> None:
        """Find which dimension of each state part is the batch (where the encoder's initial
        states for batches of 1 and 2 differ)."""
        if self._batch_dims is not None:
            return
        one, two = module.initial_state(1), module.initial_state(2)
        self._tuple = isinstance(one, tuple)
        dims = []
        for a, b in zip(self._split(one), self._split(two), strict=True):
            differing = [d for d, (x, y) in enumerate(zip(a.shape, b.shape, strict=True))
                         if x != y]
            if len(differing) != 1:
                raise SettingsError("the encoder's state has no batch dimension lexiloom can "
                                    "find (initial_state(1) and initial_state(2) should differ "
                                    "in exactly one dimension); fix the encoder plugin")
            dims.append(differing[0])
        self._batch_dims = tuple(dims)


__all__ = ["StreamStates"]
