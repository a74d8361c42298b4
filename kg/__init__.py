"""kg: an offline knowledge-graph builder for blog discourse."""
