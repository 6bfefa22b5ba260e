"""Files, folders, JSON Lines, HTML and stdin -> :class:`kg.records.Document`."""

from kg.ingest.clean import clean_text
from kg.ingest.files import IngestError, content_id, folder_files, normalise_date, read_inputs, read_jsonl, read_path
from kg.ingest.html import html_to_document_fields
from kg.ingest.screening import detect_language, screen, split_document

__all__ = [
    "folder_files",
    "IngestError",
    "clean_text",
    "content_id",
    "detect_language",
    "screen",
    "split_document",
    "html_to_document_fields",
    "normalise_date",
    "read_inputs",
    "read_jsonl",
    "read_path",
]
