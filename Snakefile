# DeepArrange: arrange glyphs and images on a grid by how ResNet-50 sees them.
# Config, validation and the final targets; the rules live in workflow/rules/.
import os
import sys
from pathlib import Path

from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


# Rule scripts import the deeparrange package from src/, on a cluster node too.
ROOT = Path(workflow.basedir)
sys.path.insert(0, str(ROOT / "src"))
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p
)


include: "workflow/rules/common.smk"
include: "workflow/rules/images.smk"
include: "workflow/rules/embed.smk"
include: "workflow/rules/vectors.smk"
include: "workflow/rules/layout.smk"
include: "workflow/rules/figures.smk"


rule all:
    input:
        get_final_outputs(),
    default_target: True
