"""``ehub search reindex [--batch-size N]``: rebuild the search index from the catalog;
``ehub search query TEXT [--market CC] [--lang L]``: try a query from the shell."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ehub.core.errors import DomainError
from ehub.markets.selectors import market_get
from ehub.search.selectors import SearchQuery, product_search
from ehub.search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild or try the product search index."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser("reindex", help="rebuild the whole index from the catalog")
        reindex.add_argument("--batch-size", type=int, default=1000)
        query = sub.add_parser("query", help="run a search and print the hits")
        query.add_argument("text")
        query.add_argument("--market", default=None, help="market country code, e.g. MY")
        query.add_argument("--lang", default="en")
        query.add_argument("--size", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reindex":
            self._reindex(options["batch_size"])
        else:
            self._query(options)

    def _reindex(self, batch_size: int) -> None:
        if not 1 <= batch_size <= 100_000:
            raise CommandError("--batch-size is between 1 and 100000", returncode=2)
        stream = getattr(self.stderr, "_out", sys.stderr)
        bars: list[tqdm] = []

        def progress(done: int, total: int) -> None:
            if not bars:
                bars.append(tqdm(total=total, desc="indexing", unit="product", file=stream))
            bars[0].update(done - bars[0].n)

        try:
            count = search_index_rebuild(batch_size=batch_size, progress=progress)
        finally:
            for bar in bars:
                bar.close()
        self.stdout.write(f"indexed {count} products")

    def _query(self, options: dict[str, Any]) -> None:
        try:
            market = market_get(country=options["market"]) if options["market"] else None
            result = product_search(
                query=SearchQuery(
                    text=options["text"],
                    language=options["lang"],
                    market=market,
                    size=options["size"],
                )
            )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(f"{result.total} found")
        for hit in result.hits:
            price = hit.from_price or hit.seller_price
            self.stdout.write(f"{hit.product_id:>8}  {price.amount} {price.currency}  {hit.title}")
        for suggestion in result.suggestions:
            self.stdout.write(f"did you mean: {suggestion.text} ({suggestion.count})")
        for category in result.categories:
            self.stdout.write(f"category: {category.name} ({category.count})")
