"""Validate the workflow config and resolve each set to what its rules need.

Runs when Snakemake parses the workflow, so it stays light: it reads font
character maps and lists folders, but never imports TensorFlow.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import yaml

from deeparrange import charsets
from deeparrange.grid import grid_shape


class ConfigError(ValueError):
    """The config asks for something that cannot be done; says what to change."""


@dataclass
class SetSpec:
    """One image set, resolved: its kind, items, grid and clustering."""

    name: str
    kind: str  # "glyphs", "folder" or "vectors"
    rows: int
    cols: int
    clusters: int
    items: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    font: str = ""
    files: list[str] = field(default_factory=list)
    folder: str = ""
    vectors: str = ""
    count: int = 0
    options: dict = field(default_factory=dict)

    @property
    def max_items(self) -> int:
        """Items the set can hold at most (folders may skip unreadable files)."""
        if self.kind == "glyphs":
            return len(self.items)
        return self.count if self.kind == "vectors" else len(self.files)


def _format_path(error: jsonschema.ValidationError) -> str:
    parts = [str(p) for p in error.absolute_path]
    return ".".join(parts) if parts else "(top level)"


def validate(config: dict, schema_path: str | Path) -> dict:
    """Check config against the JSON schema; fill in defaults; return it."""
    schema = yaml.safe_load(Path(schema_path).read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator = _with_defaults(validator_class)(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.path))
    if errors:
        lines = [
            f"  {_format_path(e)}: {e.message}"
            + (f" ({e.schema['description']})" if "description" in e.schema else "")
            for e in errors
        ]
        raise ConfigError(
            "config is not valid; fix these keys in config/config.yaml or on "
            "the --config command line:\n" + "\n".join(lines)
        )
    return config


def _with_defaults(validator_class):
    """A validator that also writes each property's default into the config."""
    set_properties = validator_class.VALIDATORS["properties"]

    def fill(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for key, sub in properties.items():
                if "default" in sub and key not in instance:
                    instance[key] = _copy(sub["default"])
        yield from set_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": fill})


def _copy(value):
    return yaml.safe_load(yaml.safe_dump(value))


def resolve_font(value: str, fonts_dir: Path) -> Path:
    """A bundled font by file name, else a path; error naming both if neither."""
    bundled = fonts_dir / value
    if bundled.is_file():
        return bundled
    path = Path(value).expanduser()
    if path.is_file():
        return path
    available = ", ".join(sorted(p.name for p in fonts_dir.glob("*.[ot]t[fc]")))
    raise ConfigError(
        f"font {value!r} is neither a bundled font ({available}) nor an "
        "existing file; give one of those names or a path to a .ttf/.otf file"
    )


def resolve_sets(config: dict, root: str | Path) -> dict[str, SetSpec]:
    """Resolve every set of a validated config, checking k and the grid."""
    root = Path(root)
    return {
        name: _resolve_set(name, spec, root) for name, spec in config["sets"].items()
    }


def _resolve_set(name: str, spec: dict, root: Path) -> SetSpec:
    where = f"sets.{name}"
    glyph_keys = {"characters", "ranges", "blocks", "categories", "emoji"}
    chosen = sorted(glyph_keys & spec.keys())
    if "vectors" in spec:
        if chosen:
            raise ConfigError(
                f"{where}: has both vectors and {', '.join(chosen)}; a vectors "
                "set arranges the given vectors, make the glyphs a set of its own"
            )
        result = _vector_set(name, spec, root)
        _check_sizes(result, spec)
        return result
    if "labels" in spec:
        raise ConfigError(
            f"{where}.labels: only a vectors set takes labels; "
            "add vectors: or remove labels"
        )
    if "images" in spec and chosen:
        raise ConfigError(
            f"{where}: has both images and {', '.join(chosen)}; a set is either "
            "an image folder or glyphs of a font, make it two sets"
        )
    if "images" in spec:
        result = _folder_set(name, spec, root)
    elif chosen:
        result = _glyph_set(name, spec, root)
    else:
        raise ConfigError(
            f"{where}: names no items; give images: a folder, or font: plus at "
            "least one of characters, ranges, blocks, categories, emoji"
        )
    _check_sizes(result, spec)
    return result


def _glyph_set(name: str, spec: dict, root: Path) -> SetSpec:
    where = f"sets.{name}"
    if "font" not in spec:
        raise ConfigError(f"{where}.font: missing; name a bundled font or a path")
    try:
        font = resolve_font(spec["font"], root / "resources/fonts")
    except ConfigError as error:
        raise ConfigError(f"{where}.font: {error}") from None
    if spec.get("emoji"):
        texts, missing = cached_emoji_items(font), []
    else:
        for first, last in spec.get("ranges", []):
            if first > last:
                raise ConfigError(
                    f"{where}.ranges: [{first:#x}, {last:#x}] runs backwards; "
                    "write [first, last] with first <= last"
                )
        try:
            codepoints = charsets.select_codepoints(
                spec.get("characters", ""),
                spec.get("ranges"),
                spec.get("blocks"),
                spec.get("categories"),
            )
        except ValueError as error:
            raise ConfigError(f"{where}.{error}") from None
        present, lacking = charsets.split_by_coverage(codepoints, font)
        texts, missing = [chr(c) for c in present], [chr(c) for c in lacking]
    if missing and spec["missing"] == "error":
        listed = " ".join(charsets.Item(t).codepoints for t in missing[:50])
        raise ConfigError(
            f"{where}: font {font.name} lacks {len(missing)} of the set's "
            f"characters ({listed}{' ...' if len(missing) > 50 else ''}); choose "
            "a font that has them, remove them, or set missing: skip"
        )
    if not texts:
        raise ConfigError(
            f"{where}: font {font.name} has none of the set's characters; "
            "choose a font that covers them"
        )
    options = {"scale": spec["scale"], "missing": spec["missing"]}
    rows, cols = _grid(spec, len(texts))
    return SetSpec(
        name, "glyphs", rows, cols, spec["clusters"], items=texts,
        missing=missing, font=str(font), options=options,
    )  # fmt: skip


def cached_emoji_items(font: Path, cache_dir: Path | None = None) -> list[str]:
    """The emoji a font draws as one glyph, cached on disk per font and version.

    Finding them means shaping every sequence (seconds), and every Snakemake
    job parses the workflow again, so the list is kept under .snakemake/.
    """
    from importlib import metadata

    from deeparrange.weights import file_digest

    key = "-".join(
        [
            file_digest(font, "sha256")[:16],
            metadata.version("emoji"),
            metadata.version("pillow"),
        ]
    )
    cache = (cache_dir or Path(".snakemake/deeparrange")) / f"emoji-{key}.txt"
    if cache.is_file():
        return cache.read_text(encoding="utf-8").split("\n")
    from deeparrange.emoji import emoji_items

    texts = emoji_items(font)
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_name(cache.name + f".{os.getpid()}.partial")
    partial.write_text("\n".join(texts), encoding="utf-8")
    os.replace(partial, cache)
    return texts


def _folder_set(name: str, spec: dict, root: Path) -> SetSpec:
    from deeparrange.images import list_image_files

    folder = Path(spec["images"]).expanduser()
    if not folder.is_absolute():
        folder = root / folder
    if not folder.is_dir():
        raise ConfigError(
            f"sets.{name}.images: {spec['images']!r} is not a folder; give the "
            "path of a folder of images (relative paths start at the workflow)"
        )
    files = [str(p) for p in list_image_files(folder)]
    if not files:
        raise ConfigError(
            f"sets.{name}.images: {folder} holds no JPEG, PNG, WebP, BMP, TIFF "
            "or GIF files"
        )
    options = {"fit": spec["fit"], "background": spec["background"]}
    rows, cols = _grid(spec, len(files))
    return SetSpec(
        name, "folder", rows, cols, spec["clusters"], files=files,
        folder=str(folder), options=options,
    )  # fmt: skip


def _vector_set(name: str, spec: dict, root: Path) -> SetSpec:
    from deeparrange.vectors import vector_shape

    where = f"sets.{name}"
    path = _existing(spec["vectors"], root, f"{where}.vectors", "an .npy file")
    try:
        shape = vector_shape(path)
    except (ValueError, OSError) as error:
        raise ConfigError(
            f"{where}.vectors: {path} is not an .npy file ({error}); "
            "save the vectors with numpy.save"
        ) from None
    if len(shape) != 2 or shape[0] < 2:
        raise ConfigError(
            f"{where}.vectors: {path} has shape {shape}, expected [N >= 2, D]"
        )
    n, dim = shape
    options = {"labels": "", "images": "", "image_files": []}
    if "labels" in spec:
        options["labels"] = str(
            _existing(spec["labels"], root, f"{where}.labels", "a text file")
        )
    if "images" in spec:
        images = _images_for_vectors(spec["images"], root, n, where)
        options["images"] = str(images)
        if images.is_dir():
            from deeparrange.images import list_image_files

            options["image_files"] = [str(p) for p in list_image_files(images)]
    elif dim != 3:
        raise ConfigError(
            f"{where}: vectors of {dim} dimensions need images: to be drawn; "
            "only 3-d vectors in [0, 1] can be drawn as coloured cells"
        )
    rows, cols = _grid(spec, n)
    return SetSpec(
        name, "vectors", rows, cols, spec["clusters"], vectors=str(path),
        count=n, options=options,
    )  # fmt: skip


def _existing(value: str, root: Path, where: str, what: str) -> Path:
    path = Path(value).expanduser()
    path = path if path.is_absolute() else root / path
    if not path.exists():
        raise ConfigError(
            f"{where}: {value!r} does not exist; give the path of "
            f"{what} (relative paths start at the workflow)"
        )
    return path


def _images_for_vectors(value: str, root: Path, n: int, where: str) -> Path:
    path = _existing(value, root, f"{where}.images", "a folder or .h5 of images")
    if path.is_dir():
        from deeparrange.images import list_image_files

        count = len(list_image_files(path))
    else:
        import h5py

        try:
            with h5py.File(path, "r") as f:
                count = int(f["images"].shape[0])
        except (OSError, KeyError) as error:
            raise ConfigError(
                f"{where}.images: {path} is not an .h5 with an images dataset ({error})"
            ) from None
    if count != n:
        raise ConfigError(
            f"{where}.images: {count} images for {n} vectors; give "
            "one image per vector, in the same order"
        )
    return path


def _grid(spec: dict, n: int) -> tuple[int, int]:
    if "grid" in spec:
        return spec["grid"]["rows"], spec["grid"]["cols"]
    return grid_shape(n)


def _check_sizes(result: SetSpec, spec: dict) -> None:
    n = result.max_items
    where = f"sets.{result.name}"
    if "grid" in spec and result.rows * result.cols < n:
        raise ConfigError(
            f"{where}.grid: {result.rows}x{result.cols} has {result.rows * result.cols}"
            f" cells for {n} items; use at least {grid_shape(n)[0]}x"
            f"{grid_shape(n)[1]} or leave grid out to size it automatically"
        )
    if result.clusters > n:
        raise ConfigError(
            f"{where}.clusters: {result.clusters} is more than the set's {n} "
            "items; use a smaller k"
        )
