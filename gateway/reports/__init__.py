"""Reports composed at the gateway from the services' own figures: periods, the concurrent
gathering of the parts (a part that fails is named, not fatal), the pure composition, and
the .xlsx rendering."""
