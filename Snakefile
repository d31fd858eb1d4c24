# DeepArrange: arrange glyphs and images on a grid by how ResNet-50 sees them.
# Config, validation and the final targets; the rules live in workflow/rules/.
import sys
from pathlib import Path

from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


# The workflow imports the deeparrange package from src/ while it is parsed;
# rule scripts find it through the link workflow/scripts/deeparrange.
ROOT = Path(workflow.basedir)
sys.path.insert(0, str(ROOT / "src"))


include: "workflow/rules/common.smk"
include: "workflow/rules/images.smk"
include: "workflow/rules/embed.smk"
include: "workflow/rules/vectors.smk"
include: "workflow/rules/layout.smk"
include: "workflow/rules/figures.smk"


rule all:
    default_target: True
    input:
        get_final_outputs(),
