"""Facts read back from the stored families."""

from exporter.web.snapshot_view import by_labels, project_names, samples
from tests.web.snapshots import gauge, projects, store


def test_samples_and_labels_across_collectors():
    s = store(
        {
            "a": [gauge("m", ["host"], [(["h1"], 1)])],
            "b": [gauge("m", ["host"], [(["h2"], 0)]), gauge("other", ["x"], [(["y"], 3)])],
        }
    )
    states = s.states()
    assert sorted(x.labels["host"] for x in samples(states, "m")) == ["h1", "h2"]
    assert by_labels(states, "m", "host") == {("h1",): 1, ("h2",): 0}


def test_project_names_from_identity_projects():
    states = store({"identity_projects": projects(("p1", "alpha"), ("p2", "beta"))}).states()
    assert project_names(states) == {"p1": "alpha", "p2": "beta"}
    assert project_names(store().states()) == {}
