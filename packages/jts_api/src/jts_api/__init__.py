"""The GraphQL API of JTS: a Litestar app serving a Strawberry schema."""
