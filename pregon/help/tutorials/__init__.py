"""Video tutorials made from the product's own screens.

``script``: the tutorials' scripts (TOML files under ``scripts/``, one per tutorial).
``manifest``: what a build left for the training centre, beside the videos.
"""
