"""Everything the product does, free of Qt: validation, queries, import/export, printing, statistics."""
