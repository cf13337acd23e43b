"""The thinc shim around the classifier's torch module: thinc's ``PyTorchShim`` with an update
that writes the optimizer's result into the parameters in place.

thinc's own ``finish_update`` replaces every parameter's ``.data`` with a tensor imported
through DLPack from the array the optimizer returned. That array is a view of the old tensor, so
each step adds a link to a chain of tensors and arrays that are never released together; with
glibc's allocator the process then grows by about the size of the largest parameter per step
(4 MB per step for a 8,500 × 128 embedding: 16 GB over a 4,000-step run). Writing in place
keeps the same storage for the whole run; the optimizer's maths and state are thinc's, unchanged.

thinc's ``use_params`` looks for keys ``"pytorch_{id}_{name}"``, but its own optimizer (as
:meth:`InPlaceUpdateShim.finish_update` calls it) keys parameters, and so its averages, by
``(shim id, name)``: ``use_params(optimizer.averages)`` then applied nothing, and
``use_averages = true`` was a silent no-op. :meth:`InPlaceUpdateShim.use_params` reads those keys.

``lexiloom.Adam.v1``'s ``global_grad_clip`` is applied here, over the module's gradients, and a
module's ``lr_scales`` (``{"ngrams.": 10.0}``: parameter-name prefix → multiplier) reach the
optimizer as thinc's ``lr_scale`` for the parameters they name; a scale of 0 (a frozen part)
skips the optimizer for them altogether.

Importing this module does not import torch.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from thinc.api import Optimizer, PyTorchShim, torch2xp, xp2torch

from lexiloom.spacy.optimizers import global_grad_clip


class InPlaceUpdateShim(PyTorchShim):
    """A ``PyTorchShim`` whose :meth:`finish_update` keeps each parameter's storage."""

    def finish_update(self, optimizer: Optimizer) -> None:
        """Apply ``optimizer`` to every parameter with a gradient, then drop the gradients (a
        later step whose batch gave this module no gradient, such as a batch without the
        annotations its component learns from, leaves it as it is).

        The optimizer updates thinc's usual array view of the parameter; when it returns a new
        array instead (an optimizer that does not work in place), its values are copied into
        the parameter. An optimizer with a ``global_grad_clip`` (``lexiloom.Adam.v1``) first
        scales the module's gradients to at most that norm, taken over all of them."""
        scales = dict(getattr(self._model, "lr_scales", None) or {})

        def scale_of(name: str) -> float:
            return next((v for prefix, v in scales.items() if name.startswith(prefix)), 1.0)

        bound = global_grad_clip(optimizer)
        if bound and not self._grad_scaler.found_inf:
            import torch

            torch.nn.utils.clip_grad_norm_(  # over what is updated: not a frozen part's
                [p for n, p in self._model.named_parameters()
                 if p.grad is not None and scale_of(n)], bound)
        for name, param in self._model.named_parameters():
            if param.grad is None:
                continue
            scale = scale_of(name)
            if scale and not self._grad_scaler.found_inf:  # skip a frozen part, an overflow
                weights = torch2xp(param.data)
                extra = {} if scale == 1.0 else {"lr_scale": scale}  # any optimizer callable
                updated, _ = optimizer((self.id, name), weights, torch2xp(param.grad), **extra)
                if not _same_memory(updated, weights):
                    param.data.copy_(xp2torch(updated, device=param.device).view_as(param.data))
            param.grad = None  # so a step without a backward pass updates nothing
        self._grad_scaler.update()

    @contextlib.contextmanager
    def use_params(self, params: dict[Any, Any]) -> Iterator[None]:
        """Within the block, every parameter with an entry ``(self.id, name)`` in ``params``
        (e.g. ``optimizer.averages``, which spaCy's loop applies to evaluate and save) holds
        those values; afterwards the trained values are back. Storage is kept (copies in place).
        """
        module = self._model
        found = {} if module is None else {
            name: param for name, param in module.named_parameters()
            if (self.id, name) in params}
        if not found:
            yield
            return
        import torch

        backup = {name: param.detach().clone() for name, param in found.items()}
        with torch.no_grad():
            for name, param in found.items():
                value = xp2torch(params[(self.id, name)], device=param.device)
                param.copy_(value.view_as(param))
        try:
            yield
        finally:
            with torch.no_grad():
                for name, param in found.items():
                    param.copy_(backup[name])


def _same_memory(a: Any, b: Any) -> bool:
    """Whether arrays ``a`` and ``b`` (numpy or cupy) start at the same address and size."""
    return _address(a) == _address(b) and a.size == b.size


def _address(array: Any) -> int:
    interface = getattr(array, "__cuda_array_interface__", None) or array.__array_interface__
    return int(interface["data"][0])


__all__ = ["InPlaceUpdateShim"]
