from enum import StrEnum


class CatalogErrorCode(StrEnum):
    PRODUCT_NOT_FOUND = "product_not_found"
    INVALID_PRODUCT = "invalid_product"
    DUPLICATE_HANDLE = "duplicate_handle"
    DUPLICATE_SKU = "duplicate_sku"
    LAST_VARIANT = "last_variant"
    VARIANT_ORDERED = "variant_ordered"
    VARIANT_NOT_FOUND = "variant_not_found"
    CATEGORY_NOT_FOUND = "category_not_found"
    IMPORT_FILE_INVALID = "import_file_invalid"
    SELLER_NOT_VERIFIED = "seller_not_verified"
