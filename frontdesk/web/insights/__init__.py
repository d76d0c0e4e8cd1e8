"""Pages that read the stored results and the event store without owning any data: the home page
(what needs attention), data quality (``/quality/``), effect evaluation (``/evaluation/``) and the
transcript of one interaction. No models and no migrations; the data are ``appraisal``'s."""
