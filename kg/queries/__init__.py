"""The SPARQL queries shipped with kg (``kg query -f NAME.rq``).

They run on the on-disk store, where what costs is reading a term or an index entry from
disk, and joining large sets in memory. These habits keep them fast at corpus scale:

- join large sets as wholes: a pattern inside its own ``{ SELECT ... }`` is read once and
  joined in memory, where the same pattern written inline is looked up once per row;
- lead a group of joins with the set that drives the query, and keep the group flat: the
  planner starts from the first of the parts it guesses smallest (a one-pattern subquery),
  keeps what it has joined so far in a hash table and reads each next part against it.
  So ``{ SELECT ?fact ?span ... }`` first, then the spans' offsets and text, each read
  once against the 25,000 evidence spans; a part nested in a subquery of its own is
  guessed larger, and the planner hashes a 95,000-row attribute set instead;
- a document is its own named graph, holding its post, its text, sentences, spans and
  facts: ``GRAPH ?g { ... }`` gives a row's document without a ``nif:referenceContext``
  join, and ``COUNT(DISTINCT ?g)`` counts documents;
- compare terms with ``sameTerm`` rather than ``=`` or ``!=``, which read both terms from
  disk to compare their values;
- sort on keys the query builds (``CONCAT(?label, "\u0001")``): a computed string is held
  in memory, where sorting on a stored label reads it from disk at every comparison. The
  suffix sorts below every character a label holds (kg drops control characters), so the
  order is the labels' own. Build a key where it is computed least often: once per
  document in the subquery that reads the documents, else once per row (``BIND``; an
  expression in ``ORDER BY`` is computed for every row too). A sort key that only ties
  on the keys before it reach (evidence's ``?about``, a handful of rows) is cheaper
  left as the stored value, read for those comparisons only, when its values are all
  plain strings: these order as their keys would.
"""
