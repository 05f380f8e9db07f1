"""The optional compiled core (lint/_core.c -> cslint._core); everything else is in pyproject.toml.

`optional=True`: where no C compiler or Python headers are found, the build says so and goes on
without it, and cslint runs its pure-Python path (the reference; CSLINT_PURE=1 forces it).
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension("cslint._core", ["lint/_core.c"], optional=True,
                             extra_compile_args=["-O2"])])
