from enum import StrEnum


class SearchErrorCode(StrEnum):
    INVALID_QUERY = "invalid_search_query"
    INVALID_FILTER = "invalid_search_filter"
    INVALID_PRICE = "invalid_price_range"
    INVALID_SORT = "invalid_sort"
    INVALID_PAGE = "invalid_page"
    MARKET_REQUIRED = "market_required"
    CATEGORY_NOT_FOUND = "category_not_found"
