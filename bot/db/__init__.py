"""The HR/IT data store: SQLAlchemy models, an engine factory, a seed and a query layer."""
