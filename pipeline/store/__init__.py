"""Files on disk: atomic writes, the ledger of produced files, the output lock, the worker pool, folder names."""
