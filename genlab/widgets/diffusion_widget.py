"""The Diffusion section as Jupyter widgets: the lecture's SDXL + DEIS controls, on the lab
models by default (``genlab.widgets.diffusion()``). Views only: generation is
``genlab.app.tabs.diffusion.generate``, the same function the web app calls."""

from __future__ import annotations


def diffusion(lang: str = "en"):
    import ipywidgets as widgets
    from IPython.display import Image, display

    from genlab.app.tabs.diffusion import BACKENDS, SCHEDULER_NAMES, SIZE_PRESETS, STRINGS, generate
    from genlab.data.toy2d import TOY_SETS
    from genlab.i18n import Translator

    tr = Translator(STRINGS, lang)
    wide = widgets.Layout(width="70%")
    backend = widgets.Dropdown(options=[(tr(f"backend_{b}"), b) for b in BACKENDS], value="digits",
                               description=tr("backend"), layout=wide)
    class_choice = widgets.Dropdown(options=[(tr("class_none"), "none")] + [(str(d), str(d)) for d in range(10)],
                                    value="7", description=tr("class"), layout=wide)
    toy = widgets.Dropdown(options=list(TOY_SETS), value="eight_gaussians", description=tr("toy"),
                           layout=wide)
    prompt = widgets.Textarea(value="A high-detail studio photo of a small robotic arm assembling a "
                                    "tiny circuit board, realistic lighting, shallow depth of field",
                              description=tr("prompt"), layout=widgets.Layout(width="100%", height="80px"))
    negative = widgets.Text(value="", description=tr("negative"), layout=wide)
    size = widgets.Dropdown(options=list(SIZE_PRESETS), value="1024x1024", description=tr("size"), layout=wide)
    nfe = widgets.IntSlider(value=20, min=5, max=80, step=1, description="NFE:", layout=wide)
    guidance = widgets.FloatSlider(value=3.0, min=0.0, max=12.0, step=0.5, description="CFG:",
                                   readout_format=".1f", layout=wide)
    n_images = widgets.IntSlider(value=4, min=1, max=4, step=1, description="#img:", layout=wide)
    scheduler = widgets.Dropdown(options=list(SCHEDULER_NAMES), value="deis",
                                 description=tr("scheduler"), layout=wide)
    spacing = widgets.Dropdown(options=["trailing", "leading", "linspace"], value="trailing",
                               description=tr("spacing"), layout=wide)
    seed = widgets.IntText(value=0, description=tr("seed"))
    strip_steps = widgets.Text(value="", description="x_0 @", layout=wide)
    allow_download = widgets.Checkbox(value=False, description=tr("allow_download"))
    progress = widgets.FloatProgress(value=0, min=0, max=1, description="")
    button = widgets.Button(description=tr("generate"), button_style="primary")
    out = widgets.Output()

    def on_backend(change=None):
        sdxl = backend.value == "sdxl"
        for w in (prompt, negative, size, allow_download):
            w.layout.display = None if sdxl else "none"
        class_choice.layout.display = None if backend.value == "digits" else "none"
        toy.layout.display = None if backend.value == "toy2d" else "none"
        spacing.options = ["leading", "trailing"] if sdxl else ["trailing", "leading", "linspace"]
        spacing.value = "leading" if sdxl else "trailing"

    def set_progress(fraction, desc=""):
        progress.value = fraction
        progress.description = desc

    def on_click(_=None):
        progress.value = 0
        with out:
            out.clear_output()
            try:
                files, strip, figure, notes = generate(
                    backend.value, class_choice.value, toy.value, prompt.value, negative.value,
                    size.value, nfe.value, guidance.value, n_images.value, scheduler.value,
                    spacing.value, seed.value, strip_steps.value, allow_download.value, lang,
                    progress=set_progress)
            except ValueError as err:  # InputError is a ValueError: show it, keep the widget alive
                print(tr.error(err))
                return
            if files:
                display(widgets.HBox([widgets.Image(value=open(f, "rb").read(), format="png")
                                      for f in files]))
            if strip:
                display(Image(filename=strip))
            if figure is not None:
                display(figure)
            print(notes)

    backend.observe(on_backend, names="value")
    button.on_click(on_click)
    on_backend()
    box = widgets.VBox([widgets.HTML(f"<b>{tr('about')}</b>"), backend, class_choice, toy, prompt,
                        negative, size, allow_download, nfe, guidance, n_images, scheduler, spacing,
                        seed, strip_steps, button, progress, out])
    return box
