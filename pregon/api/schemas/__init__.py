"""What the API reads and writes, as pydantic schemas, which also make the OpenAPI document.

One module per route module, in the order of the route table: the schemas of
routes_<area>.py are in schemas/<area>.py. Input schemas are built on base.InputSchema.
"""
