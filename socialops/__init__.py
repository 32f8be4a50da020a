"""socialops: the daily operations of an in-house social media team."""

__version__ = "0.1.0"
