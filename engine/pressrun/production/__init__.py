"""Mail production: profiles, inserter marks, grouping, routing, manifests, reprints."""
