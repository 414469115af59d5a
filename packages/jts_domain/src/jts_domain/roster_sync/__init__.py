"""Roster sync: employees and roster entries from the organization's HR system (a
configured HTTP source, daily) or from a CSV upload, upserted by external id."""
