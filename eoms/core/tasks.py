"""Background tasks of the platform, imported by the worker (`eoms worker` autodiscovers
every app's tasks module) so that it knows them."""

from eoms.core.import_store import process_stored_import

__all__ = ["process_stored_import"]
