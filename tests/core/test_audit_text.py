"""One way to put an audit event's old → new into words, for the screen and the PDF alike."""

from core.audit_text import change_text, pretty


def test_objects_show_only_the_keys_that_changed():
    old = '{"status":"in_progress","lot":"CT-1"}'
    new = '{"status":"released","lot":"CT-1","reason":"QA"}'
    assert change_text(old, new) == "status: in_progress → released; reason: — → QA"


def test_creation_removal_and_plain_values():
    assert change_text(None, '{"value":"12.5","unit":"%"}') == "→ value: 12.5, unit: %"
    assert change_text('"x"', None) == "x → removed"
    assert change_text("1", "2") == "1 → 2"
    assert change_text(None, None) == ""
    assert change_text("not json", '"ok"') == "not json → ok"


def test_pretty_indents_json_and_keeps_other_text():
    assert pretty('{"b":1,"a":[1,2]}') == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}'
    assert pretty("plain") == "plain"
    assert pretty(None) == "(nothing)"
