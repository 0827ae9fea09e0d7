"""The server-rendered charts."""

from diagnostics import charts


def test_radar_has_no_vertex_for_an_axis_without_score():
    """An axis that is all « non concerné » is not drawn as a score of 0."""
    series = charts.Series(key="office", label="Office", values=(50, None, 100), color="#000")
    radar = charts.radar(["Web", "Mobilité", "Accueil"], [series])
    drawn = radar["series"][0]
    assert len(drawn["dots"]) == 2
    centre = {"x": radar["cx"], "y": radar["cy"]}
    assert centre not in drawn["dots"]
    assert drawn["points"].count(",") == 2
    assert len(radar["spokes"]) == 3  # the axis itself is still shown


def test_radar_scales_values_on_their_spokes():
    series = charts.Series(key="office", label="Office", values=(0, 100), color="#000")
    radar = charts.radar(["A", "B"], [series])
    first, second = radar["series"][0]["dots"]
    assert (first["x"], first["y"]) == (radar["cx"], radar["cy"])  # a real 0 is at the centre
    assert (second["x"], second["y"]) == (radar["spokes"][1]["x"], radar["spokes"][1]["y"])
