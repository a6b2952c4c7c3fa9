{
    "name": "Stock Thresholds by ABC Class",
    "summary": "Narrow threshold rules to the products of an ABC class",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/ims-community/inventory-management-suite",
    "author": "IMS Community",
    "maintainers": ["ims-community"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["stock_threshold", "stock_analytics"],
    "data": [
        "views/stock_threshold_rule_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
