"""One module per format a user can add, each turning a file into a ``ingest.load.Draft``:
``plain`` (text files), ``web`` (HTML pages), ``pdf`` and ``word`` (DOCX). ``ingest.load.read_document``
picks one by the file's suffix and imports it only then: answering never loads these libraries."""
