import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool, env_int, env_list, env_str


def test_booleans_accept_the_usual_words(monkeypatch):
    for word, expected in [("1", True), ("true", True), ("Ya", True), ("0", False), ("off", False)]:
        monkeypatch.setenv("X_FLAG", word)
        assert env_bool("X_FLAG", not expected) is expected
    monkeypatch.delenv("X_FLAG")
    assert env_bool("X_FLAG", True) is True


@pytest.mark.parametrize("helper,value", [(env_bool, "maybe"), (env_int, "20MB")])
def test_bad_values_stop_the_server(monkeypatch, helper, value):
    monkeypatch.setenv("X_VALUE", value)
    with pytest.raises(ImproperlyConfigured) as e:
        helper("X_VALUE", None)
    assert "X_VALUE" in str(e.value)


def test_missing_required_value_is_named(monkeypatch):
    monkeypatch.delenv("X_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="X_SECRET"):
        env_str("X_SECRET")


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " registri.bkd.go.id, 10.0.0.5 ,")
    assert env_list("X_HOSTS", []) == ["registri.bkd.go.id", "10.0.0.5"]
