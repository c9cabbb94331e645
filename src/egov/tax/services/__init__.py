"""Every state change of the tax app, one module per subject (taxpayers, invoices, VAT returns)."""
