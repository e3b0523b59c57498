# genmigrate: generated file - regenerate with genmigrate, do not edit.
"""Generated components."""
