"""On-nara's services: drafting and the approval line (`drafting`, `approval`), dispatch,
delivery and receipt (`delivery`). Every one is a transaction through the case kernel."""
