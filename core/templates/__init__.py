"""Process templates: the TOML files in resources/templates, validated into frozen definitions."""

from core.templates.loader import (
    builtin_template_dir,
    load_builtin_templates,
    load_template_file,
    parse_template,
)
from core.templates.model import CheckDef, InputRef, StepDef, TemplateDef

__all__ = [
    "CheckDef",
    "InputRef",
    "StepDef",
    "TemplateDef",
    "builtin_template_dir",
    "load_builtin_templates",
    "load_template_file",
    "parse_template",
]
