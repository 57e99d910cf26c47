import pytest
from django.core.exceptions import ImproperlyConfigured

from django.db import connection

from config.settings import env_bool, env_float, env_int, env_list, env_str


def test_booleans_accept_the_usual_words(monkeypatch):
    for word, expected in [("1", True), ("true", True), ("Ya", True), ("0", False), ("off", False)]:
        monkeypatch.setenv("X_FLAG", word)
        assert env_bool("X_FLAG", not expected) is expected
    monkeypatch.delenv("X_FLAG")
    assert env_bool("X_FLAG", True) is True


@pytest.mark.parametrize("helper,value", [
    (env_bool, "maybe"), (env_int, "20MB"), (env_float, "1,1"), (env_float, "0"), (env_float, "nan"),
])
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


def test_a_planner_cost_is_a_positive_number(monkeypatch):
    monkeypatch.setenv("X_COST", "1.1")
    assert env_float("X_COST", 4.0) == 1.1
    monkeypatch.delenv("X_COST")
    assert env_float("X_COST", 4.0) == 4.0


@pytest.mark.django_db
def test_postgresql_connections_plan_for_ssd_storage_without_jit():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('random_page_cost')")
        assert cursor.fetchone() == ("off", "1.1")
