"""Site search: `/search/` over every page type that declares search fields, in the reader's
language, through Wagtail's search framework. `text` folds and splits Japanese the same way for
documents and queries; `backend` is the database backend that applies it (a large install
switches to Elasticsearch/OpenSearch in WAGTAILSEARCH_BACKENDS instead); `views` is the page."""
