"""Two API schemas with one class name become one entry of the OpenAPI document (the second overwrites the
first): the docs page then fails to parse and clients validate against the wrong shape. Names must be unique."""

import collections
import importlib
import json
import pkgutil

import ninja

import yanglao


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_no_two_api_schemas_share_a_name():
    for module in pkgutil.walk_packages(yanglao.__path__, "yanglao."):
        if (
            ".tests" in module.name
            or ".migrations" in module.name
            or module.name.endswith(".settings.production")
        ):
            continue
        if module.name.rsplit(".", 1)[-1] in ("api", "schemas") or ".api." in module.name:
            importlib.import_module(module.name)
    names = collections.Counter(
        cls.__name__ for cls in _all_subclasses(ninja.Schema) if cls.__module__.startswith("yanglao.")
    )
    assert [name for name, n in names.items() if n > 1] == []


def test_the_openapi_document_has_one_key_per_name(client):
    """JSON keeps only strings as keys: an int 422 beside a "422" is written twice, and the served document
    (what the docs page and clients parse) then holds a duplicated key."""
    duplicated = []

    def pairs(items):
        keys = [key for key, _ in items]
        duplicated.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    json.loads(answer.content, object_pairs_hook=pairs)
    assert duplicated == []
