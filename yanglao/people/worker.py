"""Entry points of the import's validation process (spawned). Kept free of Django imports at module level
so the process can set Django up before anything touches models."""


def init() -> None:
    import django

    django.setup()


def prepare_chunk(index: dict[str, int], chunk: list[list[object]], copy_lines: bool):
    from yanglao.people import rows

    return rows.prepare_chunk(index, chunk, copy_lines=copy_lines)
