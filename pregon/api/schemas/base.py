"""The base of the API's input schemas.

Input schemas built on InputSchema forbid unknown keys, so that a misspelt field is an error
rather than a value silently ignored.
"""

from ninja import Schema
from pydantic import ConfigDict


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")
