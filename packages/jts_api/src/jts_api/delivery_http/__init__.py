"""HTTP endpoints of delivery that are not GraphQL: provider receipts."""
