"""``lexiloom train --task generate``: a ``lexiloom_generator`` pipeline trained with truncated
back-propagation through time, in the shared loop (:class:`~lexiloom.training.loop.Trainer`).

The training text is one stream of ids (:mod:`lexiloom.corpora.text_stream`) cut into
``batch_size`` contiguous streams (:mod:`lexiloom.training.text_stream`); each step reads the
next ``bptt`` tokens of every stream, starting from the encoder state the previous chunk ended
with (detached, so gradients stop at the chunk boundary), and the state is reset at each
epoch's start. The maths is plain torch (a torch optimizer, gradient-norm clipping, a
learning-rate schedule), so the framework adds almost nothing per step. Checkpoints hold the
pipeline, the optimizer's state dict (``optimizer.pt``, read back with ``weights_only=True``),
the carried state (``carried.safetensors``) and the loop state, so ``--resume`` continues the
exact run.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from lexiloom.corpora.text_stream import encode_documents, read_documents, read_stream
from lexiloom.errors import CorpusError, ModelFileError, SettingsError
from lexiloom.models.perplexity import LanguageModelScore, evaluate_language_model
from lexiloom.threads import use_threads
from lexiloom.training import checkpoint, seeds
from lexiloom.training.config import TrainConfig, assemble, optimizer_block
from lexiloom.training.loop import (
    CHECKPOINTS,
    LoopState,
    Trainer,
    TrainResult,
    start_run,
    truncate_metrics,
)
from lexiloom.training.pipeline import build_nlp, load_pipeline
from lexiloom.training.progress import tell
from lexiloom.training.text_stream import ParallelStreams, carried_state_tensors, state_from_tensors

OPTIMIZER_FILE, CARRIED_FILE = "optimizer.pt", "carried.safetensors"


def learning_rate(step: int, *, lr: float, schedule: str, warmup: int, total: int,
                  elapsed: float = 0.0) -> float:
    """The learning rate of step ``step`` (0-based): linear warm-up over ``warmup`` steps, then
    ``schedule`` (``constant``, or ``linear``/``cosine`` decay to zero at ``total`` steps).

    ``elapsed`` is the fraction of a time budget already used (training bounded by
    ``max_seconds``): the decay follows whichever of the step and time budgets is further along,
    so a run cut by its time budget still ends with a small learning rate."""
    if warmup and step < warmup:
        return lr * (step + 1) / warmup
    if schedule == "constant":
        return lr
    progress = min(1.0, max((step - warmup) / max(1, total - warmup), elapsed))
    if schedule == "linear":
        return lr * (1.0 - progress)
    return lr * 0.5 * (1.0 + math.cos(math.pi * progress))


class LanguageModelTrainer(Trainer):
    """Trains the ``lexiloom_generator`` component ``component`` of ``nlp`` on ``streams``,
    scoring cross-entropy on the ``dev`` ids (lower is better)."""

    unit = "tokens"
    higher_is_better = False

    def __init__(self, nlp: Any, component: str, optimizer: Any, streams: ParallelStreams,
                 dev: Any, settings: dict[str, Any], out_dir: Path, *, progress: bool = True,
                 device: str = "cpu", carried: Any = None) -> None:
        import torch

        self.streams = streams
        self.dev = dev
        self.generator = nlp.get_pipe(component)
        self.module = self.generator.module
        self.device = torch.device(device)
        self.carried = carried
        self.bos_id = self.generator.token_vocab.bos_id
        self.grad_clip = float(settings.get("grad_clip") or 0.0)
        super().__init__(nlp, component, optimizer, settings, out_dir, progress=progress)

    def count_batches(self) -> int:
        return len(self.streams)

    def epoch_batches(self, epoch: int) -> list[int]:
        """Chunk indices, in order (the streams are read left to right every epoch)."""
        return list(range(len(self.streams)))

    def begin_epoch(self, epoch: int, position: int) -> None:
        if position == 0:
            self.carried = None

    def items(self, batch: int) -> int:
        return int(self.streams.chunk(batch)[0].numel())

    def step(self, batch: int) -> float:
        import torch

        inputs, targets = (t.to(self.device) for t in self.streams.chunk(batch))
        elapsed = (self.loop_state.train_seconds / self.max_seconds if self.max_seconds
                   else 0.0)
        rate = learning_rate(self.loop_state.step, lr=float(self.settings["lr"]),
                             schedule=str(self.settings["lr_schedule"]),
                             warmup=int(self.settings["warmup_steps"] or 0),
                             total=self.total_steps, elapsed=elapsed)
        for group in self.optimizer.param_groups:
            group["lr"] = rate
        self.module.train()
        lengths = torch.full((inputs.shape[0],), inputs.shape[1], dtype=torch.long)
        state = _detach(self.carried)
        logits, self.carried = self.module(inputs, lengths, state)
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=self.bos_id)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(self.module.parameters(), self.grad_clip)
        self.optimizer.step()
        self.carried = _detach(self.carried)
        return float(loss.detach())

    def evaluate(self) -> LanguageModelScore:
        """Cross-entropy (nats/token) and perplexity on the dev text, one carried pass."""
        self.module.eval()
        return evaluate_language_model(self.module, [self.dev], ignore_ids=(self.bos_id,))

    def main_score(self, scores: LanguageModelScore) -> float:
        return scores.cross_entropy

    def score_record(self, scores: LanguageModelScore) -> dict[str, Any]:
        return scores.to_dict()

    def result_metric(self, scores: Any) -> str:
        return "cross_entropy"

    def evaluate_saved(self, path: Path) -> LanguageModelScore:
        generator = load_pipeline(path).get_pipe(self.component)
        return evaluate_language_model(generator.module, [self.dev], ignore_ids=(self.bos_id,))

    def save_checkpoint(self, state: LoopState) -> Path:
        """The pipeline, the optimizer's state dict, the carried state and the loop state."""
        def write(folder: Path) -> None:
            import torch
            from safetensors.torch import save_file

            torch.save(self.optimizer.state_dict(), folder / OPTIMIZER_FILE)
            save_file(carried_state_tensors(self.carried), str(folder / CARRIED_FILE))

        return checkpoint.save(self.out_dir / CHECKPOINTS, state.step, self.nlp, write,
                               self.checkpoint_data(state),
                               keep=int(self.settings["keep_checkpoints"]))


def make_torch_optimizer(config: TrainConfig, module: Any, lr: float,
                         spacy_config: Any) -> Any:
    """Adam (default) or SGD over the trainable parameters of ``module``; Adam's betas and eps
    and the L2 weight decay come from the spaCy config's ``[training.optimizer]``."""
    import torch

    block = optimizer_block(spacy_config)
    if block.get("use_averages"):
        raise SettingsError("[training.optimizer] use_averages = true is not supported for the "
                            "generator yet (its loop steps a torch optimizer); set it to false")
    params = [p for p in module.parameters() if p.requires_grad]
    decay = float(block.get("L2", 0.0) or 0.0)
    if config.optimizer == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=decay)
    return torch.optim.Adam(params, lr=lr, betas=(float(block.get("beta1", 0.9)),
                                                  float(block.get("beta2", 0.999))),
                            eps=float(block.get("eps", 1e-8)), weight_decay=decay)


def _grad_clip(spacy_config: Any) -> float:
    return float(optimizer_block(spacy_config).get("grad_clip", 1.0) or 0.0)


def _detach(state: Any) -> Any:
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def _device(config: TrainConfig) -> str:
    use_threads(config.threads)
    if config.device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise SettingsError("--device cuda: torch sees no CUDA GPU; use --device cpu")
    return config.device


def train_language_model(cfg: TrainConfig, out: Path, *, progress: bool) -> TrainResult:
    """Train a fresh generator as ``cfg`` says (see :func:`lexiloom.training.train`)."""
    spacy_config, component, resolved = assemble(cfg)
    tell(resolved["notes"], enabled=progress)
    device = _device(cfg)
    seeds.seed_everything(int(resolved["seed"]))
    nlp = build_nlp(spacy_config)
    generator = nlp.get_pipe(component)
    documents = list(read_documents(cfg.train, generator.documents, encoding=cfg.encoding))
    if not documents:
        raise CorpusError(f"{cfg.train}: the text file is empty; pass a file with text in it")
    # The file is read once; its text feeds the vocabulary, then the ids.
    generator.initialize(texts=(block for blocks in documents for block in blocks), nlp=nlp)
    train_ids = encode_documents(generator.tokenizer, generator.token_vocab, documents)
    del documents
    dev_ids = _read_stream(cfg, generator, cfg.dev)
    generator.module.to(device)
    streams = ParallelStreams(train_ids, batch=int(resolved["batch_size"]),
                              bptt=int(resolved["bptt"]))
    optimizer = make_torch_optimizer(cfg, generator.module, float(resolved["lr"]),
                                     spacy_config)
    start_run(out, cfg.to_dict(), nlp.config.to_str())
    settings = {**resolved, "grad_clip": _grad_clip(spacy_config),
                "checkpoint_every": cfg.checkpoint_every or 0,
                "keep_checkpoints": 2 if cfg.keep_checkpoints is None else cfg.keep_checkpoints}
    trainer = LanguageModelTrainer(nlp, component, optimizer, streams, dev_ids, settings, out,
                                   progress=progress, device=device)
    trainer.progress.message(f"{streams.tokens:,} training tokens in {streams.batch} streams, "
                             f"{len(streams)} chunks of {streams.bptt} per epoch; vocabulary "
                             f"{len(generator.token_vocab):,}")
    return trainer.run(LoopState())


def resume_language_model(found: checkpoint.Checkpoint, cfg: TrainConfig, out: Path, *,
                          progress: bool) -> TrainResult:
    """Continue the generator run whose newest valid checkpoint is ``found``."""
    import torch
    from safetensors.torch import load_file

    spacy_config, component, _ = assemble(cfg)
    device = _device(cfg)
    nlp = load_pipeline(found.model_dir)
    generator = nlp.get_pipe(component)
    generator.module.to(device)
    train_ids, dev_ids = (_read_stream(cfg, generator, path) for path in (cfg.train, cfg.dev))
    settings = found.state["settings"]
    streams = ParallelStreams(train_ids, batch=int(settings["batch_size"]),
                              bptt=int(settings["bptt"]))
    optimizer = make_torch_optimizer(cfg, generator.module, float(settings["lr"]),
                                     spacy_config)
    try:
        optimizer.load_state_dict(torch.load(found.path / OPTIMIZER_FILE, weights_only=True,
                                             map_location=device))
        carried = state_from_tensors(load_file(str(found.path / CARRIED_FILE), device=device))
    except (OSError, RuntimeError, ValueError, KeyError) as err:
        raise ModelFileError(f"{found.path}: unreadable optimizer or carried state ({err}); "
                             "start without --resume") from None
    state = LoopState(**{k: v for k, v in found.state.items()
                         if k in LoopState.__dataclass_fields__})
    seeds.restore(found.state["rng"])
    truncate_metrics(out, found.step)
    trainer = LanguageModelTrainer(nlp, component, optimizer, streams, dev_ids, settings, out,
                                   progress=progress, device=device, carried=carried)
    trainer.progress.message(f"resuming from {found.path.name} (step {found.step})")
    return trainer.run(state, resumed_from=found.step)


def _read_stream(cfg: TrainConfig, generator: Any, path: str) -> Any:
    """The ids of the text file ``path`` as the generator reads it."""
    return read_stream(path, generator.tokenizer, generator.token_vocab, generator.documents,
                       encoding=cfg.encoding)


__all__ = ["LanguageModelTrainer", "learning_rate", "make_torch_optimizer",
           "resume_language_model", "train_language_model"]
