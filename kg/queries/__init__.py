"""The SPARQL queries shipped with kg (``kg query -f NAME.rq``).

They run on the on-disk store, where what costs is reading a term or an index entry from
disk, not computing. Three habits keep them fast at corpus scale:

- join large sets as wholes: a pattern inside its own ``{ SELECT ... }`` is read once and
  joined in memory, where the same pattern written inline is looked up once per row;
- compare terms with ``sameTerm`` rather than ``=`` or ``!=``, which read both terms from
  disk to compare their values;
- sort on keys the query builds (``CONCAT(?label, "\\u0001")``): a computed string is held
  in memory, where sorting on a stored label reads it from disk at every comparison. The
  suffix sorts below every character a label holds (kg drops control characters), so the
  order is the labels' own.
"""
