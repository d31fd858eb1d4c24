"""How a result was made: package versions and JSON side files.

Side files hold no timestamps or host names, so that two runs of the same
config on the same machine write identical files.
"""

import json
import os
from importlib import metadata
from pathlib import Path

import deeparrange

_PACKAGES = (
    "numpy",
    "scipy",
    "scikit-learn",
    "pandas",
    "h5py",
    "pillow",
    "fonttools",
    "tensorflow",
    "tensorflow-cpu",
    "keras",
)


def versions(packages: tuple[str, ...] = _PACKAGES) -> dict[str, str]:
    """Installed versions of the packages that shape the results."""
    found = {"deeparrange": deeparrange.__version__}
    for name in packages:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def write_json(path: str | Path, info: dict) -> None:
    """Write info plus package versions as sorted, indented JSON, atomically."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    record = {**info, "versions": versions()}
    partial.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    os.replace(partial, path)


def read_json(path: str | Path) -> dict:
    """Read a side file written by write_json."""
    return json.loads(Path(path).read_text())
