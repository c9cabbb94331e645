"""egov: an open-source digital-government platform."""
