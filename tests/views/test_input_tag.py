"""`input_tag` writes a radio button or a checkbox as Django's `BoundWidget.tag` does, byte for
byte: unbound and bound, checked, required, invalid, disabled, with values to escape."""

import pytest
from django import forms

from diagnostics.templatetags.snut import input_tag


class Sample(forms.Form):
    radio = forms.ChoiceField(
        choices=[("a", "A"), ('b"<&>', "B"), ("", "aucune")],
        widget=forms.RadioSelect(
            attrs={"class": "form-check-input", "data-x": 'un "deux" <trois>', "hidden": False}
        ),
    )
    boxes = forms.MultipleChoiceField(
        choices=[(1, "un"), (2, "deux")],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    locked = forms.ChoiceField(choices=[("x", "X")], disabled=True, widget=forms.RadioSelect)


@pytest.mark.parametrize(
    "data",
    [None, {"radio": 'b"<&>', "boxes": ["2"]}, {"radio": "z", "boxes": ["9"]}, {}],
    ids=["unbound", "valid", "invalid", "empty"],
)
def test_input_tag_is_the_widgets_own_tag(data):
    form = Sample(data, initial={"radio": "a", "boxes": [1]}, auto_id="id_%s")
    form.is_valid()
    widgets = [w for name in ("radio", "boxes", "locked") for w in form[name]]
    assert len(widgets) == 6
    for widget in widgets:
        assert input_tag(widget) == widget.tag()
    written = "".join(input_tag(w) for w in widgets)
    # The test sees what it is about.
    assert " disabled" in written and "&quot;" in written and "&lt;&amp;&gt;" in written
    if data is None:
        assert written.count(" checked") == 2  # the initial radio and box
    if data is not None and data.get("radio") == "z":
        assert 'aria-invalid="true"' in written
