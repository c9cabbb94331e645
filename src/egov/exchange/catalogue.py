"""The catalogue's code side as the exchange reads it. The declarations live in
`egov.core.shared_items`, below the providing apps (the registry), so that providers need not
import the exchange that sits above them."""

from egov.core.shared_items import REGISTRY, ItemDefinition, Serve, shared_item

__all__ = ["REGISTRY", "ItemDefinition", "Serve", "shared_item"]
