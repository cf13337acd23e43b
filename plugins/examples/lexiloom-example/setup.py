"""Packaging for ``lexiloom-example``: a third-party lexiloom plugin (a CNN encoder and a
character n-gram tokenizer), installed on its own beside lexiloom::

    pip install -e plugins/examples/lexiloom-example

lexiloom finds it through the ``lexiloom`` entry-point group; nothing in lexiloom names it.
"""

from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent

setup(
    name="lexiloom-example",
    version="0.1.0",
    description="Example lexiloom plugin: a Kim-2014 CNN encoder and a char n-gram tokenizer",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.10",
    packages=["lexiloom_example"],
    install_requires=["lexiloom>=0.1"],
    extras_require={"test": ["pytest>=7", "hypothesis>=6.80"]},
    entry_points={"lexiloom": ["example = lexiloom_example"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "License :: OSI Approved :: MIT License",
        "Topic :: Text Processing :: Linguistic",
    ],
)
