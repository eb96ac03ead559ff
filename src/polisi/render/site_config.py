"""The MkDocs configuration for one site build, derived from the handbook's ``mkdocs.yml``.

The organisation owns the look (theme, palette, Markdown settings); polisi owns
the structure (folders, navigation, URL style) and the offline promise (no web
fonts, no generator link, no plugin that fetches or injects outside URLs).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from polisi.errors import BuildError
from polisi.handbook import sanitise
from polisi.handbook.markdown import POLISI_EXTENSIONS
from polisi.handbook.yamlpos import unbounded

CONFIG_FILE = "mkdocs.yml"
FORBIDDEN_PLUGINS = frozenset({"offline", "privacy"})
"""``offline`` injects a CDN script; ``privacy`` downloads assets at build time."""

NavEntry = dict[str, Any]
"""One MkDocs nav item: ``{title: path}`` or ``{title: [items]}``."""


def read_site_config(root: Path) -> dict[str, Any]:
    """The handbook's ``mkdocs.yml``, or polisi's default when the handbook has none."""
    path = root / CONFIG_FILE
    if path.is_file():
        text, name = path.read_text(encoding="utf-8"), CONFIG_FILE
    else:
        text = (resources.files("polisi.render") / "templates" / "site" / CONFIG_FILE).read_text(
            "utf-8"
        )
        name = "polisi's default mkdocs.yml"
    try:
        refused = unbounded(text, name)
        if refused is not None:  # an alias expanded when the configuration is written out would never end
            raise BuildError(refused.format())
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise BuildError(f"{where}: error: SITE_CONFIG {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise BuildError(f"{name}:1:1: error: SITE_CONFIG must be a mapping of settings")
    for plugin in _plugin_names(data.get("plugins", [])):
        if plugin in FORBIDDEN_PLUGINS:
            raise BuildError(
                f"{name}: error: SITE_CONFIG the '{plugin}' plugin reaches outside the site; "
                "remove it (the site must work offline)"
            )
    return data


def derive_site_config(
    base: dict[str, Any],
    *,
    site_name: str,
    language: str,
    docs_dir: Path,
    overrides: Path,
    site_dir: Path,
    nav: list[NavEntry],
    extra_css: list[str],
    extra_javascript: list[str],
) -> dict[str, Any]:
    """``base`` with polisi's structure and offline settings applied on top.

    ``overrides`` (polisi's 404 page) becomes the theme's ``custom_dir`` unless the handbook's
    configuration names its own: the organisation owns the look. The sanitiser
    (:mod:`polisi.handbook.sanitise`) is always the last Markdown extension, after polisi's own
    (:data:`~polisi.handbook.markdown.POLISI_EXTENSIONS`): it cleans every page's
    whole content, so the site keeps exactly what the PDFs and Word copies keep.
    """
    config = dict(base)
    theme = dict(config.get("theme") or {"name": "material"})
    theme["font"] = False
    theme.setdefault("custom_dir", str(overrides))
    theme.setdefault("language", _theme_language(language))
    extra = dict(config.get("extra") or {})
    extra["generator"] = False
    validation = dict(config.get("validation") or {})
    # by design the navigation lists no document (they are reached from the lists and the search),
    # so MkDocs would name every one of them on every build, which `polisi serve` shows
    validation["nav"] = {**(validation.get("nav") or {}), "omitted_files": "ignore"}
    config.update(
        site_name=config.get("site_name") or site_name,
        docs_dir=str(docs_dir),
        site_dir=str(site_dir),
        use_directory_urls=False,
        nav=nav,
        validation=validation,
        theme=theme,
        extra=extra,
        extra_css=[*config.get("extra_css", []), *extra_css],
        extra_javascript=[*config.get("extra_javascript", []), *extra_javascript],
        markdown_extensions=[*(config.get("markdown_extensions") or []),
                             *POLISI_EXTENSIONS, sanitise.__name__],
    )
    return config


def site_config_text(config: dict[str, Any]) -> str:
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def _plugin_names(plugins: Any) -> list[str]:
    if isinstance(plugins, dict):
        return [str(name) for name in plugins]
    names = []
    for item in plugins or []:
        names.extend([str(k) for k in item] if isinstance(item, dict) else [str(item)])
    return names


def _theme_language(language: str) -> str:
    """Material's language for a BCP 47 tag: ``en-GB`` -> ``en``, ``cy-GB`` -> ``cy``."""
    primary = language.split("-")[0].lower()
    folder = resources.files("material") / "templates" / "partials" / "languages"
    return primary if (folder / f"{primary}.html").is_file() else "en"
