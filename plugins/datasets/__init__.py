"""Data sets (``register_datasets``) and the data files shipped with dlbench."""
