def reap_stale_imports() -> int:
    return 0
