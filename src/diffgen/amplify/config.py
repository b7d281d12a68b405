"""Cross-key checks of the ``amplify`` config section (what its schema cannot express)."""

from __future__ import annotations

from diffgen.core.errors import ConfigError

EDM_FIGURES = ("fig1", "fig2", "fig3", "fig4")


def check_consistency(section: dict) -> None:
    """Panels name known network variants; the digits source upsamples by whole factors;
    the MNIST source names its folder."""
    data = section["data"]
    if data["source"] == "digits" and data["resolution"] % 8:
        raise ConfigError(
            f"config key 'amplify.data.resolution': {data['resolution']} is not a multiple of 8"
        )
    if data["source"] == "mnist" and not data["mnist_path"]:
        raise ConfigError("config key 'amplify.data.mnist_path': required when source is mnist")
    for figure in EDM_FIGURES:
        names = []
        for index, panel in enumerate(section["figures"][figure]["panels"]):
            where = f"amplify.figures.{figure}.panels[{index}]"
            if panel["model"] not in section["models"]:
                known = ", ".join(sorted(section["models"]))
                raise ConfigError(
                    f"config key '{where}.model': no model '{panel['model']}' (models: {known})"
                )
            names.append(panel["name"])
        if len(set(names)) != len(names):
            raise ConfigError(f"config key 'amplify.figures.{figure}.panels': names repeat")
