# From a set's config to letters.h5: glyphs drawn from a font, or a folder read.


rule render_glyphs:
    input:
        font=lambda wc: SETS[wc.set].font,
    output:
        glyphs=directory("results/{set}/glyphs"),
        missing="results/{set}/missing.csv",
    log:
        "results/{set}/logs/render_glyphs.log",
    wildcard_constraints:
        set=GLYPH_SET_RE,
    conda:
        "../../envs/glyphs.yaml"
    # Drawing and writing pages shares out over processes (1.7x on 2 cores).
    threads: 4
    params:
        texts=lambda wc: SETS[wc.set].items,
        lacking=lambda wc: SETS[wc.set].missing,
        scale=lambda wc: SETS[wc.set].options["scale"],
        on_missing=lambda wc: SETS[wc.set].options["missing"],
    script:
        "../scripts/render_glyphs.py"


rule pack_glyphs:
    input:
        glyphs="results/{set}/glyphs",
        font=lambda wc: SETS[wc.set].font,
    output:
        "results/{set}/letters.h5",
    log:
        "results/{set}/logs/pack_glyphs.log",
    wildcard_constraints:
        set=GLYPH_SET_RE,
    conda:
        "../../envs/glyphs.yaml"
    resources:
        mem_mb=set_mem_mb,
    params:
        texts=lambda wc: SETS[wc.set].items,
        scale=lambda wc: SETS[wc.set].options["scale"],
    script:
        "../scripts/pack_glyphs.py"


rule pack_folder:
    input:
        files=lambda wc: SETS[wc.set].files,
    output:
        h5="results/{set}/letters.h5",
        skipped="results/{set}/skipped.csv",
    log:
        "results/{set}/logs/pack_folder.log",
    benchmark:
        "results/{set}/benchmarks/pack_folder.tsv"
    wildcard_constraints:
        set=FOLDER_SET_RE,
    conda:
        "../../envs/glyphs.yaml"
    resources:
        mem_mb=folder_mem_mb,
    params:
        folder=lambda wc: SETS[wc.set].folder,
        fit=lambda wc: SETS[wc.set].options["fit"],
        background=lambda wc: SETS[wc.set].options["background"],
    script:
        "../scripts/pack_folder.py"
