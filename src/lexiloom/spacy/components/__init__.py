"""lexiloom's spaCy pipeline components.

- ``lexiloom_sentiment`` (:mod:`.factories` registers it, :mod:`.sentiment` implements it): a
  text classifier whose labels are polarities, setting ``doc.cats``, ``doc._.sentiment``,
  ``doc._.polarity`` and, for docs with sentence boundaries, ``span._.sentiment`` per sentence.

Importing this package imports neither spaCy nor torch.
"""
