"""GraphQL output and input types shared by the feature modules."""
