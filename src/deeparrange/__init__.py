"""DeepArrange: arrange glyphs and images on a grid by visual similarity."""

__version__ = "0.1.0"
