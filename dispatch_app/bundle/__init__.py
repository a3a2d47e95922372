"""The environment bundle (BUNDLE.md): read and validate, write back.

``read_bundle``/``parse_bundle`` give a :class:`LoadedBundle` or raise :class:`BundleError`
listing every problem with its path in the file; ``write_bundle`` is their inverse.
"""
from .reader import BundleError, LoadedBundle, load_text, parse_bundle, read_bundle
from .secrets_check import secret_findings
from .validate import FORMAT
from .writer import bundle_text, environment_to_data, write_bundle

__all__ = [
    "FORMAT",
    "BundleError",
    "LoadedBundle",
    "bundle_text",
    "environment_to_data",
    "load_text",
    "parse_bundle",
    "read_bundle",
    "secret_findings",
    "write_bundle",
]
